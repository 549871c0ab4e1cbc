// Google's Gemini API (generativelanguage.googleapis.com/v1beta) on the wire: generateContent,
// streamGenerateContent (?alt=sse), embedContent and batchEmbedContents, with Google's error shape; also Vertex
// AI's copy of generateContent and streamGenerateContent under a project's publisher models. Pure: the router
// hands in the request and sends back the answer. Usage follows `simulatedUsage`, in Gemini's terms.
import { z } from 'zod';

import type { Prompt } from './prompt';
import {
  EMBEDDING_DIMENSIONS,
  simulatedDeltas,
  simulatedEmbedding,
  simulatedReply,
  simulatedUsage,
  type SimulatedUsage,
} from './simulated-usage';

// Lenient like the other wires: any part is accepted, and only text parts add to the prompt.
const Part = z.looseObject({ text: z.string().optional() });
const Content = z.object({ role: z.string().optional(), parts: z.array(Part) });

export const GenerateContentRequest = z.object({
  contents: z.array(Content).min(1),
  systemInstruction: Content.optional(),
});
export type GenerateContentRequest = z.infer<typeof GenerateContentRequest>;

const EmbedContentRequest = z.object({
  model: z.string().optional(),
  content: Content,
  outputDimensionality: z.number().int().min(1).max(4096).nullish(),
});
const BatchEmbedContentsRequest = z.object({ requests: z.array(EmbedContentRequest).min(1) });

const METHODS = ['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents'] as const;
export type GeminiMethod = (typeof METHODS)[number];

/**
 * The Gemini API's `/v1beta/models/<model>:<method>`, or Vertex AI's
 * `/v1/projects/<project>/locations/<location>/publishers/google/models/<model>:<method>` (also under v1beta1).
 */
const GEMINI_PATH =
  /^(?:\/v1beta|\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google)\/models\/([^/:]+):([A-Za-z]+)$/;

/**
 * The model and method of a Gemini API path (`/v1beta/models/gemini-2.5-flash:generateContent`) or of a Vertex AI
 * one (`/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent`), else
 * undefined.
 */
export function geminiRoute(path: string): { model: string; method: string } | undefined {
  const match = GEMINI_PATH.exec(path);
  return match?.[1] && match[2] ? { model: decodeURIComponent(match[1]), method: match[2] } : undefined;
}

const textOf = (content: z.infer<typeof Content>): string => content.parts.map((part) => part.text ?? '').join('');

/** The texts `simulatedUsage` counts: the system instruction (when there is one), then each content. */
export function geminiPrompt(request: GenerateContentRequest): Prompt {
  const lastUser = request.contents.filter((c) => (c.role ?? 'user') === 'user').at(-1);
  return {
    texts: [...(request.systemInstruction ? [request.systemInstruction] : []), ...request.contents].map(textOf),
    lastUserText: lastUser ? textOf(lastUser) : '',
  };
}

/**
 * Gemini's usageMetadata: promptTokenCount is the whole prompt, cachedContentTokenCount (sent only when
 * non-zero) is the part of it read from the cache; candidatesTokenCount excludes the thinking tokens, which
 * thoughtsTokenCount (sent only when non-zero) carries; totalTokenCount sums all three.
 */
export function geminiUsageMetadata(usage: SimulatedUsage) {
  return {
    promptTokenCount: usage.promptTokens,
    ...(usage.cachedTokens > 0 ? { cachedContentTokenCount: usage.cachedTokens } : {}),
    candidatesTokenCount: usage.completionTokens - usage.reasoningTokens,
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
    totalTokenCount: usage.totalTokens,
  };
}

function candidate(text: string, finished: boolean) {
  return {
    content: { role: 'model', parts: [{ text }] },
    ...(finished ? { finishReason: 'STOP' } : {}),
    index: 0,
  };
}

export function generateContentResponse(id: string, model: string, reply: string, usage: SimulatedUsage) {
  return {
    candidates: [candidate(reply, true)],
    usageMetadata: geminiUsageMetadata(usage),
    modelVersion: model,
    responseId: id,
  };
}

/**
 * The chunks streamGenerateContent sends: one per delta, each with the prompt side of usage so far, and the last
 * with finishReason STOP and the whole usage (clients keep the last usageMetadata they see).
 */
export function streamGenerateContentChunks(id: string, model: string, reply: string, usage: SimulatedUsage) {
  const deltas = simulatedDeltas(reply);
  const { promptTokenCount, cachedContentTokenCount } = geminiUsageMetadata(usage);
  const promptSide = {
    promptTokenCount,
    ...(cachedContentTokenCount === undefined ? {} : { cachedContentTokenCount }),
    totalTokenCount: promptTokenCount,
  };
  return deltas.map((text, i) => {
    const last = i === deltas.length - 1;
    return {
      candidates: [candidate(text, last)],
      usageMetadata: last ? geminiUsageMetadata(usage) : promptSide,
      modelVersion: model,
      responseId: id,
    };
  });
}

export interface GeminiError {
  status: number;
  message: string;
}

// Google's RPC status name per HTTP status.
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function geminiErrorBody(error: GeminiError): object {
  const status = GOOGLE_STATUS[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: { code: error.status, message: error.message, status } };
}

/** What the router sends: a JSON body with its status, or SSE frames. */
export type GeminiAnswer = { status: number; body: object } | { frames: string[] };

export interface GeminiCall {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The body as JSON, or not JSON. */
  parsed: { ok: true; value: unknown } | { ok: false };
  /** A queued failure (`failNext`). */
  failure?: { status: number; message?: string } | undefined;
  /** The request's 1-based position in the provider's log. */
  n: number;
}

const fail = (status: number, message: string): GeminiAnswer => ({
  status,
  body: geminiErrorBody({ status, message }),
});

/** The Gemini API's answer to one request on a `geminiRoute` path. */
export function geminiAnswer(call: GeminiCall): GeminiAnswer {
  const route = geminiRoute(call.path);
  if (!route) return fail(404, `Invalid URL (${call.method} ${call.path})`);
  if (call.failure) return fail(call.failure.status, call.failure.message ?? `Simulated error ${call.failure.status}.`);
  // Any key will do, in the header the SDKs send or in the `key` query parameter.
  if (!/\S/.test(String(call.headers['x-goog-api-key'] ?? '')) && !call.search.get('key')) {
    return fail(
      403,
      "Method doesn't allow unregistered callers. Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  const method = METHODS.find((known) => known === route.method);
  if (call.method !== 'POST' || method === undefined) {
    return fail(404, `Method not found: ${call.method} models/${route.model}:${route.method}`);
  }
  if (!call.parsed.ok) return fail(400, 'Invalid JSON payload received.');
  const body = call.parsed.value;
  if (method === 'embedContent' || method === 'batchEmbedContents') {
    const request =
      method === 'embedContent' ? EmbedContentRequest.safeParse(body) : BatchEmbedContentsRequest.safeParse(body);
    if (!request.success) return fail(400, invalidArgument(request.error));
    const requests = 'requests' in request.data ? request.data.requests : [request.data];
    const embeddings = requests.map((r) => ({
      values: simulatedEmbedding(textOf(r.content), r.outputDimensionality ?? EMBEDDING_DIMENSIONS),
    }));
    // Google's embedding answers carry no token counts.
    return { status: 200, body: method === 'embedContent' ? { embedding: embeddings[0] } : { embeddings } };
  }
  const request = GenerateContentRequest.safeParse(body);
  if (!request.success) return fail(400, invalidArgument(request.error));
  const prompt = geminiPrompt(request.data);
  const reply = simulatedReply(prompt.lastUserText);
  const usage = simulatedUsage({ model: route.model, prompt: prompt.texts, reply });
  const id = `resp_local_${call.n}`;
  if (method === 'generateContent') {
    return { status: 200, body: generateContentResponse(id, route.model, reply, usage) };
  }
  // Without alt=sse the API streams one JSON array; the SDKs always ask for SSE.
  if (call.search.get('alt') !== 'sse') return fail(400, 'The local provider streams only with alt=sse.');
  const chunks = streamGenerateContentChunks(id, route.model, reply, usage);
  return { frames: chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`) };
}

function invalidArgument(error: z.ZodError): string {
  const issue = error.issues[0];
  return `Invalid value at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`;
}
