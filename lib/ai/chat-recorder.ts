// What a chat completion says about its call, answered whole or streamed: model, id, finish reasons, usage
// with cached and reasoning tokens, and (with content capture on) the answer.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import {
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
} from '../ledger/attributes';
import type { CallSpan, Usage } from './call-span';
import type { StreamObserver } from './observe-stream';

// Looked up once: where modules are compiled to CommonJS (tsx runs the Node.js scripts so) an imported binding is a
// getter, and these are read on every call (and every streamed chunk).
const KEY = {
  responseModel: ATTR_GEN_AI_RESPONSE_MODEL,
  responseId: ATTR_GEN_AI_RESPONSE_ID,
  finishReasons: ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  outputMessages: ATTR_GEN_AI_OUTPUT_MESSAGES,
} as const;

/** Records a whole completion. */
export function recordChatCompletion(call: CallSpan, result: ChatCompletion, captureContent: boolean): void {
  call.setAttribute(KEY.responseModel, result.model);
  call.setAttribute(KEY.responseId, result.id);
  call.setAttribute(KEY.finishReasons, result.choices.map(finishReasonOf));
  call.usage(result.usage ? chatUsage(result.usage) : undefined);
  if (captureContent) {
    call.setAttribute(KEY.outputMessages, JSON.stringify(result.choices.map((c) => c.message)));
  }
}

function finishReasonOf(choice: ChatCompletion['choices'][number]): ChatCompletion['choices'][number]['finish_reason'] {
  return choice.finish_reason;
}

/**
 * Watches a streamed completion. `usageInjected`: we asked for usage (`stream_options.include_usage`) though
 * the caller did not, so the usage-only chunk and the `usage` fields are hidden from the caller. A class, not
 * closures: nothing is made per call but the recorder itself.
 */
export class ChatStreamRecorder implements StreamObserver<ChatCompletionChunk> {
  private readonly reasons: string[] = [];
  private readonly texts: string[] = [];
  // Every chunk repeats the model and id: set them when they change, not once per chunk.
  private model: string | undefined;
  private id: string | undefined;

  constructor(
    private readonly call: CallSpan,
    private readonly captureContent: boolean,
    private readonly usageInjected: boolean,
  ) {}

  /** Reads a chunk; returns it as the caller should see it, or undefined to drop it. */
  observe(chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
    const call = this.call;
    if (chunk.model && (chunk.model !== this.model || chunk.id !== this.id)) {
      this.model = chunk.model;
      this.id = chunk.id;
      call.setAttribute(KEY.responseModel, chunk.model);
      call.setAttribute(KEY.responseId, chunk.id);
    }
    if (chunk.usage) call.usage(chatUsage(chunk.usage));
    for (const choice of chunk.choices) {
      if (choice.finish_reason) {
        this.reasons[choice.index] = choice.finish_reason;
        call.setAttribute(KEY.finishReasons, this.reasons.filter(Boolean));
      }
      if (this.captureContent && choice.delta.content)
        this.texts[choice.index] = (this.texts[choice.index] ?? '') + choice.delta.content;
    }
    return this.usageInjected ? withoutInjectedUsage(chunk) : chunk;
  }

  /** Called once when the stream is over. */
  done(): void {
    if (this.captureContent) {
      const messages = this.texts.map((content) => ({ role: 'assistant', content }));
      this.call.setAttribute(KEY.outputMessages, JSON.stringify(messages.filter(Boolean)));
    }
  }
}

function withoutInjectedUsage(chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
  if (chunk.choices.length === 0 && chunk.usage) return undefined;
  if ('usage' in chunk) {
    const { usage: _usage, ...rest } = chunk;
    return rest;
  }
  return chunk;
}

export function chatUsage(usage: NonNullable<ChatCompletion['usage']>): Usage {
  return {
    input: usage.prompt_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens,
    output: usage.completion_tokens,
    reasoning: usage.completion_tokens_details?.reasoning_tokens,
  };
}
