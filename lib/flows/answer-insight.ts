// The insights chat: answers a question about the pipeline with a streamed chat completion.
import { z } from 'zod';
import { chatTextStream, type ChatTextStreamOptions } from '../ai/chat-text-stream';
import { getAIClient } from '../ai/get-ai-client';

export const QuestionSchema = z
  .string()
  .trim()
  .min(1, 'Ask a question first.')
  .max(4000, 'Keep the question under 4000 characters.');

/**
 * Starts the answer and returns its text as it arrives. Rejects when the provider refuses the request
 * (after the SDK's retries); a failure after that errors the returned stream (`options.onError` first).
 */
export async function answerInsight(
  question: string,
  options: ChatTextStreamOptions = {},
): Promise<ReadableStream<string>> {
  const ai = await getAIClient();
  const stream = await ai.chat.completions.create({
    feature: 'insights_chat.answer',
    model: 'gpt-4o',
    stream: true,
    messages: [
      { role: 'system', content: 'You answer questions about the sales pipeline in two or three sentences.' },
      { role: 'user', content: question },
    ],
  });
  return chatTextStream(stream, options);
}
