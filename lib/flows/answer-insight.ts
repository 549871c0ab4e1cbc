// The insights chat: answers a question about the pipeline with a streamed chat completion.
import { z } from 'zod';
import { collectChatText } from '../ai/collect-chat-text';
import { getAIClient } from '../ai/get-ai-client';

export const QuestionSchema = z
  .string()
  .trim()
  .min(1, 'Ask a question first.')
  .max(4000, 'Keep the question under 4000 characters.');

export async function answerInsight(question: string): Promise<string> {
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
  return collectChatText(stream);
}
