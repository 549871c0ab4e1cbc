// What a Responses API answer says about its call: model, id, usage with cached and reasoning tokens,
// status, and (with content capture on) the output.
import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import {
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
} from '../ledger/attributes';
import type { CallSpan } from './call-span';

/** Records what a finished answer says: model, id, usage, status and, with content capture on, the output. */
export function recordResponse(call: CallSpan, response: Response, captureContent: boolean): void {
  call.set({ [ATTR_GEN_AI_RESPONSE_MODEL]: response.model, [ATTR_GEN_AI_RESPONSE_ID]: response.id });
  if (response.usage) {
    // The SDK types say the details are always there; OpenAI-compatible servers do omit them.
    const usage = response.usage as Partial<NonNullable<Response['usage']>> & {
      input_tokens: number;
      output_tokens: number;
    };
    call.usage({
      input: usage.input_tokens,
      cached: usage.input_tokens_details?.cached_tokens,
      output: usage.output_tokens,
      reasoning: usage.output_tokens_details?.reasoning_tokens,
    });
  }
  if (response.status) call.set({ [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [response.status] });
  if (captureContent) call.set({ [ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(response.output) });
}

/** Watches a streamed Responses answer: its final event carries the usage; a failure is data, not a throw. */
export function responsesEventObserver(
  call: CallSpan,
  captureContent: boolean,
): (event: ResponseStreamEvent) => ResponseStreamEvent {
  return (event) => {
    if (event.type === 'response.completed' || event.type === 'response.incomplete') {
      recordResponse(call, event.response, captureContent);
    } else if (event.type === 'response.failed') {
      recordResponse(call, event.response, captureContent);
      call.markFailed(
        event.response.error?.code ?? 'response_failed',
        event.response.error?.message ?? 'response failed',
      );
    } else if (event.type === 'error') {
      call.markFailed(event.code ?? 'stream_error', event.message);
    }
    return event;
  };
}
