// A local server speaking OpenAI's wire format, so tests and `npm run dev` without OPENAI_API_KEY can drive
// the real `openai` SDK. Replies, usage and IDs are deterministic; `simulatedUsage` holds the token rule.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import type { InputTokenCountResponse } from 'openai/resources/responses/input-tokens';
import type {
  Response as ResponsesApiResponse,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseReasoningItem,
  ResponseStreamEvent,
  ResponseUsage,
} from 'openai/resources/responses/responses';
import { z } from 'zod';

export interface LocalProviderOptions {
  /** Port to listen on. Default 0 (an ephemeral port). */
  port?: number;
  /** Host. Default '127.0.0.1'. */
  host?: string;
  /** Added latency before each response, in ms. Default 0. */
  latencyMs?: number;
  /** Delay between streamed chunks, ms. Default 0. */
  chunkDelayMs?: number;
}

export interface LocalProviderRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

export interface LocalProvider {
  /** Base URL for the openai SDK's `baseURL`, e.g. 'http://127.0.0.1:34567/v1'. */
  url: string;
  /** Every request received, in order. IDs in answers carry the request's 1-based position here. */
  requests: LocalProviderRequest[];
  /**
   * Make the next `count` requests (default 1) fail with this HTTP status and an OpenAI-shaped error
   * body ({error:{message,type,param,code}}); 429 adds retry-after headers.
   */
  failNext(status: number, count?: number, opts?: { message?: string; type?: string; code?: string }): void;
  /** Make the next `count` requests (default 1) hang for ms before answering (to exercise client timeouts). */
  delayNext(ms: number, count?: number): void;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Prompt text is charged at one token per this many characters (JS string length), rounded up. */
export const CHARS_PER_TOKEN = 4;
/** Tokens added per prompt message (chat message, Responses input item, or `instructions`). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/**
 * Prompts of at least this many tokens report a cache hit. OpenAI's threshold is 1024 tokens; ours is
 * lower so a single 1 KB message is enough to exercise cached-token pricing.
 */
export const CACHE_MIN_PROMPT_TOKENS = 256;
/** Cached tokens come in blocks of this size, as OpenAI's do. */
export const CACHE_BLOCK_TOKENS = 128;
/** Reasoning tokens reported by reasoning models (see `isSimulatedReasoningModel`) on every answer. */
export const REASONING_TOKENS = 64;
/** Dimensions of simulated embeddings unless the request sets `dimensions`. */
export const EMBEDDING_DIMENSIONS = 8;

export interface SimulatedUsage {
  promptTokens: number;
  /** Part of promptTokens. */
  cachedTokens: number;
  /** Includes reasoningTokens, as OpenAI's completion_tokens / output_tokens do. */
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
}

/** Tokens for a piece of text: ceil(length / 4). */
export function simulatedTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** o1, o3, o4-mini, gpt-5, gpt-5-mini... answer with reasoning tokens. */
export function isSimulatedReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model);
}

/** The reply to a prompt whose last user message is `lastUserText`. */
export function simulatedReply(lastUserText: string): string {
  return `Simulated reply to: ${lastUserText.slice(0, 40)}`;
}

/**
 * The usage the provider reports. `prompt` holds one string per message (the message's text parts
 * concatenated; Responses `instructions` count as one more message):
 * - promptTokens = Σ (ceil(chars / 4) + 4)
 * - cachedTokens = promptTokens >= 256 ? floor(promptTokens / 128) * 128 : 0
 * - reasoningTokens = 64 for reasoning models (`isSimulatedReasoningModel`), else 0
 * - completionTokens = ceil(reply chars / 4) + reasoningTokens
 * - totalTokens = promptTokens + completionTokens
 */
export function simulatedUsage(input: { model: string; prompt: readonly string[]; reply: string }): SimulatedUsage {
  const promptTokens = input.prompt.reduce((sum, text) => sum + simulatedTextTokens(text) + MESSAGE_OVERHEAD_TOKENS, 0);
  const cachedTokens =
    promptTokens >= CACHE_MIN_PROMPT_TOKENS ? Math.floor(promptTokens / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS : 0;
  const reasoningTokens = isSimulatedReasoningModel(input.model) ? REASONING_TOKENS : 0;
  const completionTokens = simulatedTextTokens(input.reply) + reasoningTokens;
  return {
    promptTokens,
    cachedTokens,
    completionTokens,
    reasoningTokens,
    totalTokens: promptTokens + completionTokens,
  };
}

/**
 * A unit-length vector derived from the text by FNV-1a hashing. Components are float32 values, so the
 * `float` and `base64` encodings decode to the same numbers.
 */
export function simulatedEmbedding(text: string, dimensions: number = EMBEDDING_DIMENSIONS): number[] {
  const raw = Array.from({ length: dimensions }, (_, dim) => fnv1a(`${dim}:${text}`) / 0xffffffff - 0.5);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The reply split into streamed deltas: each word with the whitespace that follows it. */
export function simulatedDeltas(reply: string): string[] {
  return reply.match(/\s+|\S+\s*/gy) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Request schemas: only the fields the simulation reads; the raw body is kept in `requests`.

const TextPart = z.object({ type: z.string(), text: z.string().optional() });
const MessageContent = z.union([z.string(), z.array(TextPart), z.null()]).optional();

const ChatRequest = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.string(), content: MessageContent })),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
});

const ResponsesInput = z.union([
  z.string(),
  z.array(z.object({ role: z.string().optional(), content: MessageContent, output: z.unknown().optional() }).loose()),
]);

const ResponsesRequest = z.object({
  model: z.string(),
  input: ResponsesInput.nullish(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  max_output_tokens: z.number().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  previous_response_id: z.string().nullish(),
  reasoning: z.object({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish() }).nullish(),
});

const InputTokensRequest = z.object({
  model: z.string().nullish(),
  input: ResponsesInput.nullish(),
  instructions: z.string().nullish(),
});

const EmbeddingsRequest = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(4096).optional(),
});

type ChatRequest = z.infer<typeof ChatRequest>;
type ResponsesRequest = z.infer<typeof ResponsesRequest>;
type ResponsesInput = z.infer<typeof ResponsesInput>;

// ---------------------------------------------------------------------------------------------
// Pure mappers from a request to the wire objects.

function contentText(content: z.infer<typeof MessageContent>): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

interface Prompt {
  texts: string[];
  lastUserText: string;
}

function chatPrompt(request: ChatRequest): Prompt {
  const users = request.messages.filter((m) => m.role === 'user');
  const lastUser = users[users.length - 1];
  return {
    texts: request.messages.map((m) => contentText(m.content)),
    lastUserText: lastUser ? contentText(lastUser.content) : '',
  };
}

function responsesPrompt(input: ResponsesInput | null | undefined, instructions: string | null | undefined): Prompt {
  const texts = instructions ? [instructions] : [];
  if (typeof input === 'string') return { texts: [...texts, input], lastUserText: input };
  let lastUserText = '';
  for (const item of input ?? []) {
    // Tool outputs carry their text in `output` rather than `content`.
    const text =
      item.content !== undefined ? contentText(item.content) : typeof item.output === 'string' ? item.output : '';
    texts.push(text);
    if (item.role === 'user') lastUserText = text;
  }
  return { texts, lastUserText };
}

function toCompletionUsage(usage: SimulatedUsage): CompletionUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toResponseUsage(usage: SimulatedUsage): ResponseUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  };
}

function chatCompletion(
  id: string,
  created: number,
  request: ChatRequest,
  reply: string,
  usage: SimulatedUsage,
): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created,
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: toCompletionUsage(usage),
    service_tier: 'default',
  };
}

function chatChunks(
  id: string,
  created: number,
  request: ChatRequest,
  reply: string,
  usage: SimulatedUsage,
): ChatCompletionChunk[] {
  const includeUsage = request.stream_options?.include_usage === true;
  const chunk = (choices: ChatCompletionChunk.Choice[]): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: request.model,
    service_tier: 'default',
    choices,
    // OpenAI sends `usage: null` on every chunk once usage was asked for, and omits it otherwise.
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks = [
    chunk([
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ]),
    ...simulatedDeltas(reply).map((content) =>
      chunk([{ index: 0, delta: { content }, logprobs: null, finish_reason: null }]),
    ),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  ];
  if (includeUsage) chunks.push({ ...chunk([]), usage: toCompletionUsage(usage) });
  return chunks;
}

/** The Response object as sent on the wire; `output_text` is added by the SDK, not the API. */
type WireResponse = Omit<ResponsesApiResponse, 'output_text'>;
type OnWire<E> = E extends { response: ResponsesApiResponse } ? Omit<E, 'response'> & { response: WireResponse } : E;
type WireStreamEvent = OnWire<ResponseStreamEvent>;
// Distributes over the union, so each event type keeps its own fields.
type Unnumbered<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;

interface ResponseIds {
  response: string;
  message: string;
  reasoning: string;
}

function responseIds(n: number): ResponseIds {
  return { response: `resp_local_${n}`, message: `msg_local_${n}`, reasoning: `rs_local_${n}` };
}

function outputText(text: string): ResponseOutputText {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function outputMessage(id: string, text: string): ResponseOutputMessage {
  return { id, type: 'message', status: 'completed', role: 'assistant', content: [outputText(text)] };
}

function reasoningItem(id: string): ResponseReasoningItem {
  return { id, type: 'reasoning', summary: [] };
}

function responseObject(
  ids: ResponseIds,
  createdAt: number,
  request: ResponsesRequest,
  state: { status: 'in_progress' } | { status: 'completed'; reply: string; usage: SimulatedUsage },
): WireResponse {
  const reasoning = isSimulatedReasoningModel(request.model);
  const output: ResponseOutputItem[] =
    state.status === 'completed'
      ? [...(reasoning ? [reasoningItem(ids.reasoning)] : []), outputMessage(ids.message, state.reply)]
      : [];
  return {
    id: ids.response,
    object: 'response',
    created_at: createdAt,
    status: state.status,
    background: false,
    completed_at: state.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: reasoning
      ? { effort: request.reasoning?.effort ?? 'medium', summary: null }
      : { effort: null, summary: null },
    service_tier: 'default',
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    metadata: request.metadata ?? {},
    ...(state.status === 'completed' ? { usage: toResponseUsage(state.usage) } : {}),
  };
}

/** The event sequence OpenAI streams for a text-only response, numbered from 0. */
function responseEvents(
  ids: ResponseIds,
  createdAt: number,
  request: ResponsesRequest,
  reply: string,
  usage: SimulatedUsage,
): WireStreamEvent[] {
  const inProgress = responseObject(ids, createdAt, request, { status: 'in_progress' });
  const completed = responseObject(ids, createdAt, request, { status: 'completed', reply, usage });
  const reasoning = isSimulatedReasoningModel(request.model);
  const messageIndex = reasoning ? 1 : 0;
  const at = { item_id: ids.message, output_index: messageIndex, content_index: 0 };
  const events: Array<Unnumbered<WireStreamEvent>> = [
    { type: 'response.created', response: inProgress },
    { type: 'response.in_progress', response: inProgress },
    ...(reasoning
      ? [
          {
            type: 'response.output_item.added' as const,
            output_index: 0,
            item: reasoningItem(ids.reasoning),
          },
          { type: 'response.output_item.done' as const, output_index: 0, item: reasoningItem(ids.reasoning) },
        ]
      : []),
    {
      type: 'response.output_item.added',
      output_index: messageIndex,
      item: { ...outputMessage(ids.message, ''), status: 'in_progress', content: [] },
    },
    { type: 'response.content_part.added', ...at, part: outputText('') },
    ...simulatedDeltas(reply).map((delta) => ({
      type: 'response.output_text.delta' as const,
      ...at,
      delta,
      logprobs: [],
    })),
    { type: 'response.output_text.done', ...at, text: reply, logprobs: [] },
    { type: 'response.content_part.done', ...at, part: outputText(reply) },
    {
      type: 'response.output_item.done',
      output_index: messageIndex,
      item: outputMessage(ids.message, reply),
    },
    { type: 'response.completed', response: completed },
  ];
  return events.map((event, sequence_number) => ({ ...event, sequence_number }));
}

function embeddingsResponse(request: z.infer<typeof EmbeddingsRequest>): CreateEmbeddingResponse {
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

// ---------------------------------------------------------------------------------------------
// Errors in OpenAI's shape.

interface ApiError {
  status: number;
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
}

const DEFAULT_ERRORS: Record<number, Omit<ApiError, 'status'>> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: {
    message: 'You are not allowed to sample from this model.',
    type: 'invalid_request_error',
    code: null,
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  429: {
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

function apiError(status: number, opts: { message?: string; type?: string; code?: string } = {}): ApiError {
  const base = DEFAULT_ERRORS[status] ?? {
    message: `Simulated error ${status}.`,
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return {
    status,
    message: opts.message ?? base.message,
    type: opts.type ?? base.type,
    code: opts.code ?? base.code,
  };
}

function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const param = issue?.path.join('.') ?? '';
  const missing = issue?.code === 'invalid_type' && issue.message.includes('received undefined');
  return {
    status: 400,
    message: missing
      ? `Missing required parameter: '${param}'.`
      : `Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`,
    type: 'invalid_request_error',
    code: missing ? 'missing_required_parameter' : 'invalid_value',
    param,
  };
}

// ---------------------------------------------------------------------------------------------
// The server.

interface QueuedFailure {
  error: ApiError;
}

export async function startLocalProvider(options: LocalProviderOptions = {}): Promise<LocalProvider> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const chunkDelayMs = options.chunkDelayMs ?? 0;

  const requests: LocalProviderRequest[] = [];
  const failures: QueuedFailure[] = [];
  const delays: number[] = [];

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A client that gave up (timeout, abort) closes the socket; stop waiting and writing for it.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    res.on('error', () => gone.abort());
    try {
      const raw = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const parsed = parseJson(raw);
      const body = raw.trim() === '' ? undefined : parsed.ok ? parsed.value : raw;
      requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers }, body });
      const n = requests.length;
      res.setHeader('x-request-id', `req_local_${n}`);

      const wait = latencyMs + (delays.shift() ?? 0);
      if (wait > 0) await sleep(wait, undefined, { signal: gone.signal });

      const failure = failures.shift();
      if (failure) return sendError(res, failure.error);
      if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
        return sendError(res, {
          ...apiError(401),
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          code: null,
        });
      }
      const route = `${req.method ?? ''} ${path}`;
      if (!ROUTES.has(route)) {
        return sendError(res, { ...apiError(404), message: `Invalid URL (${route})`, code: null });
      }
      if (!parsed.ok) {
        return sendError(res, {
          ...apiError(400),
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
        });
      }
      await answer(route, parsed.value, n, res, gone.signal);
    } catch (error) {
      if (gone.signal.aborted) return;
      // A bug in the simulation must surface to the test as a 500, not hang the client.
      sendError(res, apiError(500, { message: error instanceof Error ? error.message : String(error) }));
    }
  }

  async function answer(
    route: string,
    body: unknown,
    n: number,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const created = Math.floor(Date.now() / 1000);
    switch (route) {
      case 'POST /v1/chat/completions': {
        const request = ChatRequest.safeParse(body);
        if (!request.success) return sendError(res, validationError(request.error));
        const prompt = chatPrompt(request.data);
        const reply = simulatedReply(prompt.lastUserText);
        const usage = simulatedUsage({ model: request.data.model, prompt: prompt.texts, reply });
        const id = `chatcmpl-local-${n}`;
        if (!request.data.stream) return sendJson(res, 200, chatCompletion(id, created, request.data, reply, usage));
        const frames = chatChunks(id, created, request.data, reply, usage).map(
          (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
        );
        return sendStream(res, [...frames, 'data: [DONE]\n\n'], signal);
      }
      case 'POST /v1/responses': {
        const request = ResponsesRequest.safeParse(body);
        if (!request.success) return sendError(res, validationError(request.error));
        const prompt = responsesPrompt(request.data.input, request.data.instructions);
        const reply = simulatedReply(prompt.lastUserText);
        const usage = simulatedUsage({ model: request.data.model, prompt: prompt.texts, reply });
        const ids = responseIds(n);
        if (!request.data.stream) {
          return sendJson(res, 200, responseObject(ids, created, request.data, { status: 'completed', reply, usage }));
        }
        // The Responses API names each SSE event and sends no [DONE] sentinel.
        const frames = responseEvents(ids, created, request.data, reply, usage).map(
          (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
        );
        return sendStream(res, frames, signal);
      }
      case 'POST /v1/responses/input_tokens': {
        const request = InputTokensRequest.safeParse(body);
        if (!request.success) return sendError(res, validationError(request.error));
        const prompt = responsesPrompt(request.data.input, request.data.instructions);
        const count: InputTokenCountResponse = {
          object: 'response.input_tokens',
          input_tokens: simulatedUsage({ model: request.data.model ?? '', prompt: prompt.texts, reply: '' })
            .promptTokens,
        };
        return sendJson(res, 200, count);
      }
      case 'POST /v1/embeddings': {
        const request = EmbeddingsRequest.safeParse(body);
        if (!request.success) return sendError(res, validationError(request.error));
        return sendJson(res, 200, embeddingsResponse(request.data));
      }
    }
  }

  async function sendStream(res: ServerResponse, frames: string[], signal: AbortSignal): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    for (const [i, frame] of frames.entries()) {
      if (i > 0 && chunkDelayMs > 0) await sleep(chunkDelayMs, undefined, { signal });
      if (res.destroyed) return;
      res.write(frame);
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    requests,
    failNext(status, count = 1, opts = {}) {
      for (let i = 0; i < count; i++) failures.push({ error: apiError(status, opts) });
    },
    delayNext(ms, count = 1) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this, close() waits for their idle timeout.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

const ROUTES = new Set([
  'POST /v1/chat/completions',
  'POST /v1/responses',
  'POST /v1/responses/input_tokens',
  'POST /v1/embeddings',
]);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// An empty body parses as {} so that validation, not the JSON parser, names the missing fields.
function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: ApiError): void {
  // A short retry-after-ms keeps SDK retries in tests fast; retry-after is what OpenAI itself sends.
  const headers: Record<string, string> = error.status === 429 ? { 'retry-after': '1', 'retry-after-ms': '10' } : {};
  sendJson(
    res,
    error.status,
    { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } },
    headers,
  );
}
