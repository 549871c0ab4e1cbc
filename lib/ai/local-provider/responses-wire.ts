// Responses API on the wire: the request schemas (only the fields the simulation reads; the raw body is kept in
// `requests`) and pure mappers from a request to the Response object or its stream of events.
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

import { contentText, MessageContent, type Prompt } from './prompt';
import { isSimulatedReasoningModel, simulatedDeltas, type SimulatedUsage } from './simulated-usage';

const ResponsesInput = z.union([
  z.string(),
  z.array(z.object({ role: z.string().optional(), content: MessageContent, output: z.unknown().optional() }).loose()),
]);

export const ResponsesRequest = z.object({
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

export const InputTokensRequest = z.object({
  model: z.string().nullish(),
  input: ResponsesInput.nullish(),
  instructions: z.string().nullish(),
});

export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
type ResponsesInput = z.infer<typeof ResponsesInput>;

export function responsesPrompt(
  input: ResponsesInput | null | undefined,
  instructions: string | null | undefined,
): Prompt {
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

function toResponseUsage(usage: SimulatedUsage): ResponseUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  };
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

export function responseIds(n: number): ResponseIds {
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

export function responseObject(
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
export function responseEvents(
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
