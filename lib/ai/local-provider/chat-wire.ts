// Chat Completions on the wire: the request schema (only the fields the simulation reads; the raw body is kept
// in `requests`) and pure mappers from a request to the completion or its streamed chunks.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { z } from 'zod';

import { contentText, MessageContent, type Prompt } from './prompt';
import { simulatedDeltas, type SimulatedUsage } from './simulated-usage';

export const ChatRequest = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.string(), content: MessageContent })),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
});

export type ChatRequest = z.infer<typeof ChatRequest>;

export function chatPrompt(request: ChatRequest): Prompt {
  const users = request.messages.filter((m) => m.role === 'user');
  const lastUser = users[users.length - 1];
  return {
    texts: request.messages.map((m) => contentText(m.content)),
    lastUserText: lastUser ? contentText(lastUser.content) : '',
  };
}

/** DeepSeek's API adds its context-cache split to OpenAI's usage fields (for `deepseek-*` models). */
const isDeepSeekModel = (model: string): boolean => model.startsWith('deepseek-');
/**
 * Where a stream carries usage, by the API the model is served by (the model id says which):
 * - `asked`: OpenAI's rule, in a last chunk with no choices, only with stream_options.include_usage;
 * - `finish`: Mistral's models (mistral-*, magistral-*, ...), always, on the chunk that carries finish_reason;
 * - `x_groq`: models named `<org>/<model>` or llama-*, as Groq hosts them, always, in `x_groq.usage` of the
 *   chunk that carries finish_reason.
 */
export function streamUsageRule(model: string): 'asked' | 'finish' | 'x_groq' {
  if (/^(mistral|magistral|ministral|codestral|devstral|pixtral)-/.test(model)) return 'finish';
  if (/^([\w.-]+\/|llama-)/.test(model)) return 'x_groq';
  return 'asked';
}

/** Whether a streamed answer to `request` carries usage (see `streamUsageRule`). */
export function streamSendsUsage(request: ChatRequest): boolean {
  return streamUsageRule(request.model) !== 'asked' || request.stream_options?.include_usage === true;
}

type WireUsage = CompletionUsage & { prompt_cache_hit_tokens?: number; prompt_cache_miss_tokens?: number };

function toCompletionUsage(model: string, usage: SimulatedUsage): WireUsage {
  const deepSeek = isDeepSeekModel(model)
    ? {
        prompt_cache_hit_tokens: usage.cachedTokens,
        prompt_cache_miss_tokens: usage.promptTokens - usage.cachedTokens,
      }
    : {};
  return {
    ...deepSeek,
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

export function chatCompletion(
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
    usage: toCompletionUsage(request.model, usage),
    service_tier: 'default',
  };
}

export function chatChunks(
  id: string,
  created: number,
  request: ChatRequest,
  reply: string,
  usage: SimulatedUsage,
): ChatCompletionChunk[] {
  const rule = streamUsageRule(request.model);
  const includeUsage = rule === 'asked' && request.stream_options?.include_usage === true;
  const wireUsage = toCompletionUsage(request.model, usage);
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
    {
      ...chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
      ...(rule === 'finish' ? { usage: wireUsage } : {}),
      ...(rule === 'x_groq' ? { x_groq: { id: `req_${id}`, usage: wireUsage } } : {}),
    },
  ];
  if (includeUsage) chunks.push({ ...chunk([]), usage: wireUsage });
  return chunks;
}
