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
    usage: toCompletionUsage(usage),
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
