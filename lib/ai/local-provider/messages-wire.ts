// Anthropic's Messages API on the wire: the request schema (only the fields the simulation reads; the raw body is
// kept in `requests`), its error shape, and pure mappers from a request to the message or its streamed events.
// The shapes follow @anthropic-ai/sdk's `Message` and `RawMessageStreamEvent`, keeping the fields the API sends
// for a plain text answer.
import { z } from 'zod';

import { simulatedDeltas, type SimulatedMessagesUsage } from './simulated-usage';

const CacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });
// Lenient like the OpenAI wires: any block is accepted, and only text blocks add to the prompt.
const Block = z.object({ type: z.string(), text: z.string().optional(), cache_control: CacheControl.nullish() });
const Content = z.union([z.string(), z.array(Block)]);

export const MessagesRequest = z.object({
  model: z.string(),
  max_tokens: z.number().int().min(1),
  system: Content.optional(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: Content })).min(1),
  stream: z.boolean().optional(),
});

export type MessagesRequest = z.infer<typeof MessagesRequest>;

type Content = z.infer<typeof Content>;

const textOf = (content: Content): string =>
  typeof content === 'string' ? content : content.map((block) => block.text ?? '').join('');
const marked = (content: Content): boolean =>
  typeof content !== 'string' && content.some((block) => block.cache_control);

/** The texts `simulatedMessagesUsage` counts: the system prompt (when there is one), then each message. */
export function messagesPrompt(request: MessagesRequest): {
  texts: string[];
  lastUserText: string;
  cachedPrefix: number;
} {
  const contents = [
    ...(request.system === undefined ? [] : [request.system]),
    ...request.messages.map((m) => m.content),
  ];
  const lastUser = request.messages.filter((m) => m.role === 'user').at(-1);
  return {
    texts: contents.map(textOf),
    lastUserText: lastUser ? textOf(lastUser.content) : '',
    cachedPrefix: contents.findLastIndex(marked) + 1,
  };
}

export interface AnthropicError {
  status: number;
  type: string;
  message: string;
}

// Anthropic's documented error type per HTTP status, with its description as the message.
const ANTHROPIC_ERRORS: Record<number, Omit<AnthropicError, 'status'>> = {
  400: { type: 'invalid_request_error', message: 'There was an issue with the format or content of your request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Your account has hit a rate limit.' },
  500: { type: 'api_error', message: "An unexpected error has occurred internal to Anthropic's systems." },
  529: { type: 'overloaded_error', message: "Anthropic's API is temporarily overloaded." },
};

export function anthropicError(status: number, opts: { message?: string; type?: string } = {}): AnthropicError {
  const base = ANTHROPIC_ERRORS[status] ?? {
    type: status >= 500 ? 'api_error' : 'invalid_request_error',
    message: `Simulated error ${status}.`,
  };
  return { status, type: opts.type ?? base.type, message: opts.message ?? base.message };
}

/** The 400 for a body that fails validation, worded as Anthropic words it: `max_tokens: Field required`. */
export function anthropicValidationError(error: z.ZodError): AnthropicError {
  const issue = error.issues[0];
  const missing = issue?.code === 'invalid_type' && issue.message.includes('received undefined');
  const detail = missing ? 'Field required' : (issue?.message ?? 'invalid');
  return anthropicError(400, { message: `${issue?.path.join('.') ?? ''}: ${detail}` });
}

export function anthropicErrorBody(error: AnthropicError): object {
  return { type: 'error', error: { type: error.type, message: error.message } };
}

function wireUsage(usage: SimulatedMessagesUsage, outputTokens: number) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    cache_read_input_tokens: usage.cacheReadInputTokens,
  };
}

export function messageObject(id: string, request: MessagesRequest, reply: string, usage: SimulatedMessagesUsage) {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: [{ type: 'text', text: reply }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: wireUsage(usage, usage.outputTokens),
  } as const;
}

/**
 * The events Anthropic streams for a text answer. message_start carries the input side of usage with
 * output_tokens 1, a ping follows the first content_block_start as the API sends one, and message_delta carries
 * the final output_tokens (clients keep the input side from message_start).
 */
export function messageEvents(id: string, request: MessagesRequest, reply: string, usage: SimulatedMessagesUsage) {
  return [
    {
      type: 'message_start',
      message: {
        ...messageObject(id, request, reply, usage),
        content: [],
        stop_reason: null,
        usage: wireUsage(usage, 1),
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    ...simulatedDeltas(reply).map((text) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    })),
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    },
    { type: 'message_stop' },
  ] as const;
}
