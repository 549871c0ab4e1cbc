'use server';

import { answerInsight, QuestionSchema } from '@/lib/flows/answer-insight';
import { getLogger } from '@/lib/logger';
import { aiAction } from '@/lib/telemetry/source-context';

export type SendMessageResult = { ok: true; answer: string } | { ok: false; error: string };

/** The insights chat's server action; every AI call inside is attributed to `action:insights_chat.send_message`. */
export const sendMessage = aiAction(
  'insights_chat.send_message',
  async (question: unknown): Promise<SendMessageResult> => {
    const parsed = QuestionSchema.safeParse(question);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'Invalid question.' };
    try {
      return { ok: true, answer: await answerInsight(parsed.data) };
    } catch (error) {
      getLogger().error({ err: error }, 'insights chat failed');
      return { ok: false, error: 'The AI provider failed. Try again in a moment.' };
    }
  },
);
