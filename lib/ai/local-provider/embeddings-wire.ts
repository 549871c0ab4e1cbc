// Embeddings on the wire: the request schema (only the fields the simulation reads; the raw body is kept in
// `requests`) and the pure mapper from a request to the response.
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { z } from 'zod';

import { EMBEDDING_DIMENSIONS, simulatedEmbedding, simulatedTextTokens } from './simulated-usage';

export const EmbeddingsRequest = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(4096).optional(),
});

export function embeddingsResponse(request: z.infer<typeof EmbeddingsRequest>): CreateEmbeddingResponse {
  const inputs: Array<string | number[]> =
    typeof request.input === 'string'
      ? [request.input]
      : request.input.every((item) => typeof item === 'number')
        ? [request.input]
        : request.input;
  const dimensions = request.dimensions ?? EMBEDDING_DIMENSIONS;
  // Token-array inputs are already tokens: one each.
  const promptTokens = inputs.reduce<number>(
    (sum, item) => sum + (typeof item === 'string' ? simulatedTextTokens(item) : item.length),
    0,
  );
  return {
    object: 'list',
    data: inputs.map((item, index) => {
      const vector = simulatedEmbedding(typeof item === 'string' ? item : item.join(','), dimensions);
      return {
        object: 'embedding',
        index,
        // The SDK asks for base64 by default and decodes it as little-endian float32.
        embedding: request.encoding_format === 'base64' ? (toBase64Float32(vector) as unknown as number[]) : vector,
      };
    }),
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function toBase64Float32(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
