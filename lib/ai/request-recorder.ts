// What a call's request says about it, as GenAI attributes: token limit, temperature, and (with content
// capture on) the prompt.
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
} from '../ledger/attributes';
import type { CallSpan } from './call-span';

// Looked up once: where modules are compiled to CommonJS (tsx runs the Node.js scripts so) an imported binding is a
// getter, and these are read on every call.
const KEY = {
  maxTokens: ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  temperature: ATTR_GEN_AI_REQUEST_TEMPERATURE,
  inputMessages: ATTR_GEN_AI_INPUT_MESSAGES,
} as const;

/** Records the request's parameters on the call's span. */
export function recordRequest(call: CallSpan, params: object, captureContent: boolean): void {
  const p = params as {
    max_tokens?: unknown;
    max_completion_tokens?: unknown;
    max_output_tokens?: unknown;
    temperature?: unknown;
  };
  const maxTokens = p.max_completion_tokens ?? p.max_tokens ?? p.max_output_tokens;
  if (typeof maxTokens === 'number') call.setAttribute(KEY.maxTokens, maxTokens);
  if (typeof p.temperature === 'number') call.setAttribute(KEY.temperature, p.temperature);
  if (captureContent) {
    const { messages, input, instructions } = params as {
      messages?: unknown;
      input?: unknown;
      instructions?: unknown;
    };
    const recorded = messages ?? (instructions === undefined ? input : { instructions, input });
    if (recorded !== undefined) call.setAttribute(KEY.inputMessages, JSON.stringify(recorded));
  }
}
