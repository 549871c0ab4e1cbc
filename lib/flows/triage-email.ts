// Inbound email: scores its sentiment, then asks whether the reply prepared for the sender (their pending
// draft, else the standard acknowledgement) may go out without review. Stores the email and the verdict,
// and sends the reply when it may. Two OpenAI calls, attributed to whatever route or job calls this, and to
// the sender's company (tenant) and, once the sender is a lead, the lead (user_id).
import { z } from 'zod';
import { getAIClient } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';
import { leadFromAddress, touchLeadByEmail } from '../domain/leads';
import { withAIAttributes } from '../telemetry/source-context';

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

/** Scores the email's sentiment, then asks whether the prepared reply (the pending draft, else the acknowledgement) may go out. */
async function judge(
  ai: Awaited<ReturnType<typeof getAIClient>>,
  email: InboundEmail,
  draftText: string | undefined,
): Promise<{ sentiment: Sentiment; reason: string }> {
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
    input: `From: ${email.from}\nSentiment: ${sentiment}\nSubject: ${email.subject}\n\n${email.text}\n\nPrepared reply:\n${draftText ?? ACKNOWLEDGEMENT}`,
  });
  return { sentiment, reason: evaluated.output_text.trim() };
}

export async function triageEmail(email: InboundEmail, now: Date = new Date()): Promise<TriageResult> {
  const ai = await getAIClient();
  const { prisma } = await getDatabase();
  // Read first: when the database is down, fail before any money is spent on a request that cannot be stored.
  const address = email.from.toLowerCase();
  const [known, draft] = await Promise.all([
    prisma.lead.findUnique({ where: { email: address }, select: { id: true, company: true } }),
    prisma.draft.findFirst({
      where: { lead: { email: address }, status: 'pending' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, text: true },
    }),
  ]);
  // A sender the team has not seen yet becomes a lead only when the email is stored, after these calls.
  const attributes: Record<string, string> = known
    ? { tenant: known.company, user_id: known.id }
    : { tenant: leadFromAddress(address).company };
  const { sentiment, reason } = await withAIAttributes(attributes, () => judge(ai, email, draft?.text));
  // Only a positive email with an explicit "send" goes out on its own; anything unclear waits for a person.
  const autoSend = sentiment === 'positive' && /^send\b/i.test(reason);
  const replyText = draft?.text ?? ACKNOWLEDGEMENT;

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
