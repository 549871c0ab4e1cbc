'use server';

import { answerInsight, QuestionSchema } from '@/lib/flows/answer-insight';
import { getLogger } from '@/lib/logger';
import { aiAction } from '@/lib/telemetry/source-context';

/**
 * The answer is a stream of text deltas, which React sends to the browser as they arrive. A failure after
 * the answer has started errors the stream (the browser is told no detail, as for any server error).
 */
export type SendMessageResult = { ok: true; answer: ReadableStream<string> } | { ok: false; error: string };

/**
 * The insights chat's server action; every AI call inside is attributed to `action:insights_chat.send_message`,
 * and the action's span stays open until the answer has been streamed (see `aiAction`).
 */
export const sendMessage = aiAction(
  'insights_chat.send_message',
  async (question: unknown): Promise<SendMessageResult> => {
    const parsed = QuestionSchema.safeParse(question);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'Invalid question.' };
    try {
      const answer = await answerInsight(parsed.data, {
        onError: (error) => getLogger().error({ err: error }, 'insights chat failed mid-answer'),
      });
      return { ok: true, answer };
    } catch (error) {
      getLogger().error({ err: error }, 'insights chat failed');
      return { ok: false, error: 'The AI provider failed. Try again in a moment.' };
    }
  },
);
