// Knowledge ingestion: a document is cut into chunks, each chunk embedded (in batches), and the model
// writes a summary. Before the summary, `responses.inputTokens.count` measures the prompt; a document over
// the budget is trimmed to fit instead of failing or costing more than planned.
import { z } from 'zod';
import { getAIClient } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';
import { chunkText } from './chunk-text';

export const DocumentSchema = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  text: z.string().min(1, 'must not be empty').max(200_000, 'must be at most 200000 characters'),
});
export type KnowledgeDocument = z.infer<typeof DocumentSchema>;

export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const SUMMARY_MODEL = 'gpt-4o-mini';
/** Chunks per embeddings request. */
export const EMBED_BATCH = 64;
/** The summary prompt's input budget, in tokens as the provider counts them. */
export const SUMMARY_INPUT_BUDGET = 6000;
/** A trimmed document aims this far under the budget, as tokens are not spread evenly through a text. */
export const TRIM_TARGET = 0.97;
/** Counts per document: the first, then one after each trim until the prompt fits. */
export const MAX_TOKEN_COUNTS = 3;
const SUMMARY_INSTRUCTIONS = 'Summarise this document for a sales team in at most five sentences.';

export interface IngestedAsset {
  id: string;
  title: string;
  chunks: number;
  /** The summary prompt's tokens before trimming, as counted by the provider. */
  inputTokens: number;
  trimmed: boolean;
  summary: string;
}

/** The first part of `text` that fits `budget` tokens, given that all of it counts as `counted`: cut at a space. */
export function trimToBudget(text: string, counted: number, budget: number): string {
  if (counted <= budget) return text;
  const keep = Math.floor((text.length * budget) / counted);
  const space = text.lastIndexOf(' ', keep);
  return text.slice(0, space > 0 ? space : keep);
}

export async function ingestDocument(document: KnowledgeDocument, now: Date = new Date()): Promise<IngestedAsset> {
  const ai = await getAIClient();
  const chunks = chunkText(document.text);
  const embeddings: number[][] = [];
  for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
    const batch = chunks.slice(start, start + EMBED_BATCH);
    const result = await ai.embeddings.create({ feature: 'knowledge.embed', model: EMBEDDING_MODEL, input: batch });
    const vectors = [...result.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (vectors.length !== batch.length) {
      throw new Error(`The provider returned ${vectors.length} embeddings for ${batch.length} chunks.`);
    }
    embeddings.push(...vectors);
  }

  const countTokens = async (input: string): Promise<number> =>
    (
      await ai.responses.inputTokens.count({
        feature: 'knowledge.summarize',
        model: SUMMARY_MODEL,
        instructions: SUMMARY_INSTRUCTIONS,
        input,
      })
    ).input_tokens;
  const inputTokens = await countTokens(document.text);
  let input = document.text;
  let counted = inputTokens;
  for (let counts = 1; counted > SUMMARY_INPUT_BUDGET; counts++) {
    if (counts === MAX_TOKEN_COUNTS) {
      throw new Error(
        `The summary prompt still counts ${counted} tokens after trimming; the budget is ${SUMMARY_INPUT_BUDGET}.`,
      );
    }
    input = trimToBudget(input, counted, Math.floor(SUMMARY_INPUT_BUDGET * TRIM_TARGET));
    counted = await countTokens(input);
  }
  const summarized = await ai.responses.create({
    feature: 'knowledge.summarize',
    model: SUMMARY_MODEL,
    instructions: SUMMARY_INSTRUCTIONS,
    input,
    max_output_tokens: 400,
  });
  const summary = summarized.output_text.trim();

  const { prisma } = await getDatabase();
  const asset = await prisma.knowledgeAsset.create({
    data: {
      title: document.title,
      chars: document.text.length,
      inputTokens,
      trimmed: input.length < document.text.length,
      summary,
      createdAt: now,
      chunks: {
        createMany: {
          data: chunks.map((text, position) => ({ position, text, embedding: embeddings[position] ?? [] })),
        },
      },
    },
    select: { id: true, title: true, inputTokens: true, trimmed: true, summary: true },
  });
  return { ...asset, chunks: chunks.length };
}
