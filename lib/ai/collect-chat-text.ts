// Reads a streamed chat completion to its end and returns the first choice's text.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

export async function collectChatText(stream: AsyncIterable<ChatCompletionChunk>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}
