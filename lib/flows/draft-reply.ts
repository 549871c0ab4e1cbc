// Drafts a reply to a lead from the conversation so far (the last few emails), and stores it as the lead's
// pending reply: the next inbound email's auto-send evaluator judges it. One OpenAI call.
import { z } from 'zod';
import { getAIClient } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';

export const DraftRequestSchema = z.object({
  instructions: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
});
export type DraftRequest = z.infer<typeof DraftRequestSchema>;

/** How many of the lead's latest emails the model reads. */
export const DRAFT_CONTEXT_EMAILS = 5;

export interface ReplyDraft {
  draftId: string;
  leadId: string;
  text: string;
}

export class LeadNotFoundError extends Error {
  override name = 'LeadNotFoundError';
}

export async function draftReply(leadId: string, request: DraftRequest, now: Date = new Date()): Promise<ReplyDraft> {
  const { prisma } = await getDatabase();
  const lead = await prisma.lead.findUnique({
    where: { id: leadId },
    select: {
      id: true,
      name: true,
      company: true,
      lastTopic: true,
      emails: {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: DRAFT_CONTEXT_EMAILS,
        select: { direction: true, subject: true, body: true },
      },
    },
  });
  if (!lead) throw new LeadNotFoundError(`No lead with id '${leadId}'.`);
  const conversation = lead.emails
    .reverse()
    .map((e) => `${e.direction === 'inbound' ? lead.name : 'Us'}: ${e.subject}\n${e.body}`)
    .join('\n\n');
  const ai = await getAIClient();
  const completion = await ai.chat.completions.create({
    feature: 'drafts.reply',
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Draft a short, warm reply to the lead. Plain text, no subject line.' },
      {
        role: 'user',
        content: `Reply to ${lead.name} at ${lead.company} about ${lead.lastTopic}.${
          request.instructions ? ` ${request.instructions}` : ''
        }\n\n${conversation || '(no emails yet)'}`,
      },
    ],
  });
  const text = completion.choices[0]?.message.content?.trim() ?? '';
  if (text === '') throw new Error('The model returned an empty draft.');
  const draft = await prisma.draft.create({
    data: { leadId: lead.id, kind: 'reply', text, createdAt: now },
    select: { id: true },
  });
  return { draftId: draft.id, leadId: lead.id, text };
}
