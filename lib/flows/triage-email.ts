// Inbound email: scores its sentiment, then asks whether the reply prepared for the sender (their pending
// draft, else the standard acknowledgement) may go out without review. Stores the email and the verdict,
// and sends the reply when it may. Two OpenAI calls, attributed to whatever route or job calls this.
import { z } from 'zod';
import { getAIClient } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';
import { touchLeadByEmail } from '../domain/leads';

export const InboundEmailSchema = z.object({
  from: z.email('must be an email address'),
  subject: z.string().max(998, 'must be at most 998 characters'),
  text: z.string().min(1, 'must not be empty').max(100_000, 'must be at most 100000 characters'),
});
export type InboundEmail = z.infer<typeof InboundEmailSchema>;

export type Sentiment = 'positive' | 'neutral' | 'negative';

/** The reply sent to a sender who has no pending draft, when the evaluator allows it. */
export const ACKNOWLEDGEMENT = 'Thank you for your email. We have it and will answer within one business day.';

export interface TriageResult {
  emailId: string;
  leadId: string;
  sentiment: Sentiment;
  autoSend: boolean;
  reason: string;
  /** The prepared reply the evaluator judged: a pending draft's id, or null for the acknowledgement. */
  reply: { draftId: string | null; sent: boolean };
}

const MODEL = 'gpt-4o-mini';

function parseSentiment(text: string): Sentiment {
  const word = /\b(positive|neutral|negative)\b/i.exec(text)?.[1]?.toLowerCase();
  return word === 'positive' || word === 'negative' ? word : 'neutral';
}

export async function triageEmail(email: InboundEmail, now: Date = new Date()): Promise<TriageResult> {
  const ai = await getAIClient();
  const { prisma } = await getDatabase();
  // Read first: when the database is down, fail before any money is spent on a request that cannot be stored.
  const address = email.from.toLowerCase();
  const draft = await prisma.draft.findFirst({
    where: { lead: { email: address }, status: 'pending' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, text: true },
  });
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

  const replyText = draft?.text ?? ACKNOWLEDGEMENT;
  const evaluated = await ai.responses.create({
    feature: 'email.auto_send',
    model: MODEL,
    instructions:
      'A reply to this email is ready. Answer "send" if it can go out without human review, otherwise "review", then one short reason.',
    input: `From: ${email.from}\nSentiment: ${sentiment}\nSubject: ${email.subject}\n\n${email.text}\n\nPrepared reply:\n${replyText}`,
  });
  const reason = evaluated.output_text.trim();
  // Only a positive email with an explicit "send" goes out on its own; anything unclear waits for a person.
  const autoSend = sentiment === 'positive' && /^send\b/i.test(reason);

  return prisma.$transaction(async (tx) => {
    const lead = await touchLeadByEmail(tx, address, email.subject, now);
    const inbound = await tx.email.create({
      data: {
        leadId: lead.id,
        direction: 'inbound',
        subject: email.subject,
        body: email.text,
        sentiment,
        autoSend,
        autoSendReason: reason,
        createdAt: now,
      },
      select: { id: true },
    });
    if (autoSend) {
      await tx.email.create({
        data: {
          leadId: lead.id,
          direction: 'outbound',
          subject: /^re:/i.test(email.subject) ? email.subject : `Re: ${email.subject}`,
          body: replyText,
          draftId: draft?.id ?? null,
          createdAt: now,
        },
      });
      if (draft) await tx.draft.update({ where: { id: draft.id }, data: { status: 'sent', sentAt: now } });
    }
    return {
      emailId: inbound.id,
      leadId: lead.id,
      sentiment,
      autoSend,
      reason,
      reply: { draftId: draft?.id ?? null, sent: autoSend },
    };
  });
}
