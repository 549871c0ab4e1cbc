// A local server speaking OpenAI's wire format (also under Azure's /openai/v1), Anthropic's Messages API, the
// Gemini API (also Vertex AI's copy of it) and Bedrock's Converse API, so tests and `npm run dev` without OPENAI_API_KEY can drive the real SDKs. This module is the HTTP
// side: routing, queued failures and delays, JSON and SSE.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InputTokenCountResponse } from 'openai/resources/responses/input-tokens';

import { apiError, validationError, type ApiError } from './api-error';
import { bedrockAnswer, bedrockErrorBody, bedrockErrorType, bedrockRoute } from './bedrock-wire';
import { ChatRequest, chatChunks, chatCompletion, chatPrompt } from './chat-wire';
import { EmbeddingsRequest, embeddingsResponse } from './embeddings-wire';
import { geminiAnswer, geminiErrorBody, geminiRoute } from './gemini-wire';
import {
  anthropicError,
  anthropicErrorBody,
  anthropicValidationError,
  messageEvents,
  messageObject,
  MessagesRequest,
  messagesPrompt,
  type AnthropicError,
} from './messages-wire';
import {
  InputTokensRequest,
  ResponsesRequest,
  responseEvents,
  responseIds,
  responseObject,
  responsesPrompt,
} from './responses-wire';
import { simulatedMessagesUsage, simulatedReply, simulatedUsage } from './simulated-usage';
import type { LocalProvider, LocalProviderOptions, LocalProviderRequest } from './types';

// Kept unresolved: the route decides whether the error takes OpenAI's shape or Anthropic's.
interface QueuedFailure {
  status: number;
  opts: { message?: string; type?: string; code?: string };
}

/**
 * Anthropic's Messages API; Gemini's routes are `geminiRoute`'s, Bedrock's `bedrockRoute`'s; every other route
 * speaks OpenAI's wire format.
 */
const MESSAGES_PATH = '/v1/messages';
/** Azure OpenAI's v1 API (`https://<resource>.openai.azure.com/openai/v1/...`): OpenAI's routes under /openai. */
const AZURE_PREFIX = '/openai/v1/';
/** Bedrock's converse-stream frames: binary AWS event-stream messages, not SSE. */
const EVENT_STREAM = 'application/vnd.amazon.eventstream';

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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    try {
      const raw = await readBody(req);
      const parsed = parseJson(raw);
      const body = raw.trim() === '' ? undefined : parsed.ok ? parsed.value : raw;
      requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers }, body });
      const n = requests.length;
      res.setHeader('x-request-id', `req_local_${n}`);

      const wait = latencyMs + (delays.shift() ?? 0);
      if (wait > 0) await sleep(wait, undefined, { signal: gone.signal });

      const failure = failures.shift();
      if (path === MESSAGES_PATH) return await answerMessages(req, parsed, failure, n, res, gone.signal);
      if (geminiRoute(path)) {
        const { method = 'GET', headers } = req;
        const fault = failure && { status: failure.status, message: failure.opts.message };
        const gemini = geminiAnswer({ method, path, search: url.searchParams, headers, parsed, failure: fault, n });
        if ('frames' in gemini) return await sendStream(res, gemini.frames, gone.signal);
        return sendJson(res, gemini.status, gemini.body, retryHeaders(gemini.status));
      }
      if (bedrockRoute(path)) {
        const fault = failure && { status: failure.status, message: failure.opts.message };
        const bedrock = bedrockAnswer({
          method: req.method ?? 'GET',
          path,
          headers: req.headers,
          parsed,
          failure: fault,
        });
        res.setHeader('x-amzn-requestid', `req_local_${n}`);
        if ('frames' in bedrock) return await sendStream(res, bedrock.frames, gone.signal, EVENT_STREAM);
        return sendJson(res, bedrock.status, bedrock.body, { ...bedrock.headers, ...retryHeaders(bedrock.status) });
      }
      if (failure) return sendError(res, apiError(failure.status, failure.opts));
      // Azure OpenAI sends its key in `api-key`.
      if (!/^Bearer \S+/.test(req.headers.authorization ?? '') && !/\S/.test(String(req.headers['api-key'] ?? ''))) {
        return sendError(res, {
          ...apiError(401),
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          code: null,
        });
      }
      const route = `${req.method ?? ''} ${path.startsWith(AZURE_PREFIX) ? path.slice('/openai'.length) : path}`;
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
      const message = error instanceof Error ? error.message : String(error);
      if (path === MESSAGES_PATH) sendAnthropicError(res, anthropicError(500, { message }));
      else if (geminiRoute(path)) sendJson(res, 500, geminiErrorBody({ status: 500, message }));
      else if (bedrockRoute(path)) {
        sendJson(res, 500, bedrockErrorBody({ status: 500, message }), { 'x-amzn-errortype': bedrockErrorType(500) });
      } else sendError(res, apiError(500, { message }));
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

  // Anthropic's counterpart of the checks in `handle` and of `answer`, with its error shape throughout.
  async function answerMessages(
    req: IncomingMessage,
    parsed: ReturnType<typeof parseJson>,
    failure: QueuedFailure | undefined,
    n: number,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    res.setHeader('request-id', `req_local_${n}`);
    if (failure) return sendAnthropicError(res, anthropicError(failure.status, failure.opts));
    // Like the Bearer check of the OpenAI routes: any key will do. A Bearer token is what the SDKs' `authToken`
    // option sends instead.
    if (!/\S/.test(String(req.headers['x-api-key'] ?? '')) && !/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return sendAnthropicError(res, anthropicError(401, { message: 'x-api-key header is required' }));
    }
    if (req.method !== 'POST') {
      return sendAnthropicError(
        res,
        anthropicError(404, { message: `Not Found: ${req.method ?? ''} ${MESSAGES_PATH}` }),
      );
    }
    if (!parsed.ok) {
      return sendAnthropicError(res, anthropicError(400, { message: 'The request body is not valid JSON.' }));
    }
    const request = MessagesRequest.safeParse(parsed.value);
    if (!request.success) return sendAnthropicError(res, anthropicValidationError(request.error));
    const prompt = messagesPrompt(request.data);
    const reply = simulatedReply(prompt.lastUserText);
    const usage = simulatedMessagesUsage({
      model: request.data.model,
      prompt: prompt.texts,
      cachedPrefix: prompt.cachedPrefix,
      reply,
    });
    const id = `msg_local_${n}`;
    if (!request.data.stream) return sendJson(res, 200, messageObject(id, request.data, reply, usage));
    const frames = messageEvents(id, request.data, reply, usage).map(
      (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
    );
    return sendStream(res, frames, signal);
  }

  async function sendStream(
    res: ServerResponse,
    frames: readonly (string | Buffer)[],
    signal: AbortSignal,
    contentType = 'text/event-stream; charset=utf-8',
  ): Promise<void> {
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
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
      for (let i = 0; i < count; i++) failures.push({ status, opts });
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

// A short retry-after-ms keeps SDK retries in tests fast; retry-after is what OpenAI and Anthropic send.
const retryHeaders = (status: number): Record<string, string> =>
  status === 429 ? { 'retry-after': '1', 'retry-after-ms': '10' } : {};

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(
    res,
    error.status,
    { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } },
    retryHeaders(error.status),
  );
}

function sendAnthropicError(res: ServerResponse, error: AnthropicError): void {
  sendJson(res, error.status, anthropicErrorBody(error), retryHeaders(error.status));
}
