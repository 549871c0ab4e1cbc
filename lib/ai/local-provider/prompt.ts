// What the simulation reads from a prompt in either API: each message's text, and the last user message's
// text that the reply echoes.
import { z } from 'zod';

const TextPart = z.object({ type: z.string(), text: z.string().optional() });
export const MessageContent = z.union([z.string(), z.array(TextPart), z.null()]).optional();

export function contentText(content: z.infer<typeof MessageContent>): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

export interface Prompt {
  texts: string[];
  lastUserText: string;
}
