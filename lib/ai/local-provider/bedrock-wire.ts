// Amazon Bedrock's Converse API (bedrock-runtime.<region>.amazonaws.com) on the wire: POST /model/<modelId>/converse
// and /converse-stream (AWS event-stream framing), with Bedrock's error shape. Pure: the router hands in the
// request and sends back the answer. The signature (SigV4) is not checked: any `authorization` header will do.
// Usage follows `simulatedMessagesUsage`, in Bedrock's terms: like Anthropic's, `inputTokens` excludes the cache
// reads and writes, and a `cachePoint` block marks the end of the cached prefix.
import { crc32 } from 'node:zlib';
import { z } from 'zod';

import type { Prompt } from './prompt';
import {
  simulatedDeltas,
  simulatedMessagesUsage,
  simulatedReply,
  type SimulatedMessagesUsage,
} from './simulated-usage';

// Lenient like the other wires: any block is accepted; text blocks add to the prompt, cachePoint blocks mark it.
const Block = z.looseObject({ text: z.string().optional(), cachePoint: z.unknown().optional() });
const Message = z.object({ role: z.string(), content: z.array(Block) });

export const ConverseRequest = z.object({
  messages: z.array(Message).min(1),
  system: z.array(Block).optional(),
});
export type ConverseRequest = z.infer<typeof ConverseRequest>;

const METHODS = ['converse', 'converse-stream'] as const;
export type BedrockMethod = (typeof METHODS)[number];

const BEDROCK_PATH = /^\/model\/([^/]+)\/([a-z-]+)$/;

/** The model and method of a Bedrock runtime path (`/model/amazon.nova-lite-v1%3A0/converse`), else undefined. */
export function bedrockRoute(path: string): { model: string; method: string } | undefined {
  const match = BEDROCK_PATH.exec(path);
  return match?.[1] && match[2] ? { model: decodeURIComponent(match[1]), method: match[2] } : undefined;
}

type BlockOf = z.infer<typeof Block>;
const textOf = (blocks: readonly BlockOf[]): string => blocks.map((block) => block.text ?? '').join('');
const hasCachePoint = (blocks: readonly BlockOf[]): boolean => blocks.some((block) => block.cachePoint !== undefined);

/**
 * The texts `simulatedMessagesUsage` counts: the system blocks as one message (when there are any), then each
 * message; `cachedPrefix` counts them up to the last one holding a cachePoint block (0 when none does).
 */
export function bedrockPrompt(request: ConverseRequest): Prompt & { cachedPrefix: number } {
  const entries = [...(request.system?.length ? [request.system] : []), ...request.messages.map((m) => m.content)];
  const lastUser = request.messages.filter((m) => m.role === 'user').at(-1);
  return {
    texts: entries.map(textOf),
    lastUserText: lastUser ? textOf(lastUser.content) : '',
    cachedPrefix: entries.findLastIndex(hasCachePoint) + 1,
  };
}

/**
 * Bedrock's usage: inputTokens is the uncached input only; cacheReadInputTokens and cacheWriteInputTokens are
 * the rest of the prompt; totalTokens sums all four.
 */
export function bedrockUsage(usage: SimulatedMessagesUsage) {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens + usage.outputTokens,
    cacheReadInputTokens: usage.cacheReadInputTokens,
    cacheWriteInputTokens: usage.cacheCreationInputTokens,
  };
}

/** The simulation answers at once: Bedrock's own latency figure is 0. */
const METRICS = { latencyMs: 0 };

export function converseResponse(reply: string, usage: SimulatedMessagesUsage) {
  return {
    output: { message: { role: 'assistant', content: [{ text: reply }] } },
    stopReason: 'end_turn',
    usage: bedrockUsage(usage),
    metrics: METRICS,
  };
}

/** The events converse-stream sends, as [event type, payload]: one contentBlockDelta per delta. */
export function converseStreamEvents(reply: string, usage: SimulatedMessagesUsage): [string, object][] {
  return [
    ['messageStart', { role: 'assistant' }],
    ...simulatedDeltas(reply).map((text): [string, object] => [
      'contentBlockDelta',
      { contentBlockIndex: 0, delta: { text } },
    ]),
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['messageStop', { stopReason: 'end_turn' }],
    ['metadata', { usage: bedrockUsage(usage), metrics: METRICS }],
  ];
}

/**
 * One AWS event-stream message: total length, headers length and their CRC32 (the prelude), string headers
 * (name length, name, type 7, value length, value), the payload, and the CRC32 of all before it.
 */
export function eventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      const fixed = Buffer.alloc(1 + nameBytes.length + 3);
      fixed.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(fixed, 1);
      fixed.writeUInt8(7, 1 + nameBytes.length);
      fixed.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      return Buffer.concat([fixed, valueBytes]);
    }),
  );
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  Buffer.from(payload).copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

const eventFrame = ([type, payload]: [string, object]): Buffer =>
  eventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(payload), 'utf8'),
  );

export interface BedrockError {
  status: number;
  message: string;
}

// Bedrock's exception name per HTTP status (sent in x-amzn-errortype).
const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export function bedrockErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

export function bedrockErrorBody(error: BedrockError): object {
  return { message: error.message };
}

/** What the router sends: a JSON body with its status and headers, or event-stream frames. */
export type BedrockAnswer = { status: number; body: object; headers: Record<string, string> } | { frames: Buffer[] };

export interface BedrockCall {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as JSON, or not JSON. */
  parsed: { ok: true; value: unknown } | { ok: false };
  /** A queued failure (`failNext`). */
  failure?: { status: number; message?: string } | undefined;
}

const fail = (status: number, message: string): BedrockAnswer => ({
  status,
  body: bedrockErrorBody({ status, message }),
  headers: { 'x-amzn-errortype': bedrockErrorType(status) },
});

/** Bedrock's answer to one request on a `bedrockRoute` path. */
export function bedrockAnswer(call: BedrockCall): BedrockAnswer {
  const route = bedrockRoute(call.path);
  if (!route) return fail(404, `Invalid URL (${call.method} ${call.path})`);
  if (call.failure) return fail(call.failure.status, call.failure.message ?? `Simulated error ${call.failure.status}.`);
  // A SigV4 signature or a Bedrock API key (Bearer), neither checked.
  if (!/^(AWS4-HMAC-SHA256|Bearer) \S+/.test(String(call.headers.authorization ?? ''))) {
    return fail(403, 'Missing Authentication Token');
  }
  const method = METHODS.find((known) => known === route.method);
  if (call.method !== 'POST' || method === undefined) {
    return fail(404, `Unknown operation: ${call.method} /model/${route.model}/${route.method}`);
  }
  if (!call.parsed.ok) return fail(400, 'The request body is not valid JSON.');
  const request = ConverseRequest.safeParse(call.parsed.value);
  if (!request.success) {
    const issue = request.error.issues[0];
    return fail(400, `1 validation error detected: Value at '${issue?.path.join('.') ?? ''}' ${issue?.message ?? ''}`);
  }
  const prompt = bedrockPrompt(request.data);
  const reply = simulatedReply(prompt.lastUserText);
  const usage = simulatedMessagesUsage({
    model: route.model,
    prompt: prompt.texts,
    cachedPrefix: prompt.cachedPrefix,
    reply,
  });
  if (method === 'converse') return { status: 200, body: converseResponse(reply, usage), headers: {} };
  return { frames: converseStreamEvents(reply, usage).map(eventFrame) };
}
