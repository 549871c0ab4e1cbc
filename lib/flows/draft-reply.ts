// Drafts a reply to a lead from the conversation so far (the last few emails), and stores it as the lead's
// pending reply: the next inbound email's auto-send evaluator judges it. One OpenAI call, attributed to the
// lead's company (tenant) and the lead (user_id), so the customers breakdown shows who the spend was for.
import { z } from 'zod';
import { getAIClient } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';
import { findLeadConversation } from '../domain/leads';
import { withAIAttributes } from '../telemetry/source-context';

export { LeadNotFoundError } from '../domain/leads';

export const DraftRequestSchema = z.object({
  instructions: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
});
export type DraftRequest = z.infer<typeof DraftRequestSchema>;

export interface ReplyDraft {
  draftId: string;
  leadId: string;
  text: string;
}

export async function draftReply(leadId: string, request: DraftRequest, now: Date = new Date()): Promise<ReplyDraft> {
  const { prisma } = await getDatabase();
  const lead = await findLeadConversation(prisma, leadId);
  const { conversation } = lead;
  const ai = await getAIClient();
  const completion = await withAIAttributes({ tenant: lead.company, user_id: lead.id }, () =>
    ai.chat.completions.create({
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
    }),
  );
  const text = completion.choices[0]?.message.content?.trim() ?? '';
  if (text === '') throw new Error('The model returned an empty draft.');
  const draft = await prisma.draft.create({
    data: { leadId: lead.id, kind: 'reply', text, createdAt: now },
    select: { id: true },
  });
  return { draftId: draft.id, leadId: lead.id, text };
}
