// Inbound email triage: scores the sentiment of an email, then decides whether a prepared reply may be
// sent automatically. Two OpenAI calls, attributed to whatever route or job calls this.
import { z } from 'zod';
import { getAIClient } from '../ai/get-ai-client';

export const InboundEmailSchema = z.object({
  from: z.email('must be an email address'),
  subject: z.string().max(998, 'must be at most 998 characters'),
  text: z.string().min(1, 'must not be empty').max(100_000, 'must be at most 100000 characters'),
});
export type InboundEmail = z.infer<typeof InboundEmailSchema>;

export type Sentiment = 'positive' | 'neutral' | 'negative';

export interface TriageResult {
  sentiment: Sentiment;
  autoSend: boolean;
  reason: string;
}

const MODEL = 'gpt-4o-mini';

function parseSentiment(text: string): Sentiment {
  const word = /\b(positive|neutral|negative)\b/i.exec(text)?.[1]?.toLowerCase();
  return word === 'positive' || word === 'negative' ? word : 'neutral';
}

export async function triageEmail(email: InboundEmail): Promise<TriageResult> {
  const ai = await getAIClient();
  const scored = await ai.chat.completions.create({
    feature: 'email.sentiment',
    model: MODEL,
    messages: [
      {
        role: 'system',
        content: 'Classify the sentiment of the email as positive, neutral or negative. Answer with one word.',
      },
      { role: 'user', content: `Subject: ${email.subject}\n\n${email.text}` },
    ],
    max_completion_tokens: 5,
  });
  const sentiment = parseSentiment(scored.choices[0]?.message.content ?? '');

  const evaluated = await ai.responses.create({
    feature: 'email.auto_send',
    model: MODEL,
    instructions:
      'A reply to this email is ready. Answer "send" if it can go out without human review, otherwise "review", then one short reason.',
    input: `From: ${email.from}\nSentiment: ${sentiment}\nSubject: ${email.subject}\n\n${email.text}`,
  });
  const verdict = evaluated.output_text.trim();
  // Only a positive email with an explicit "send" goes out on its own; anything unclear waits for a person.
  const autoSend = sentiment === 'positive' && /^send\b/i.test(verdict);
  return { sentiment, autoSend, reason: verdict };
}
