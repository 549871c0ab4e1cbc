// The follow-up engine: drafts a follow-up for each lead that went quiet (lib/domain/leads.ts says which),
// and stores each draft as soon as it is written, so a provider failure midway keeps the drafts before it.
// One streamed OpenAI call per lead, attributed to the lead's company (tenant) and the lead (user_id).
import { collectChatText } from '../ai/collect-chat-text';
import { getAIClient } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';
import { findQuietLeads, type QuietLead } from '../domain/leads';
import { withAIAttributes } from '../telemetry/source-context';

export interface FollowupDraft {
  leadId: string;
  draftId: string;
  daysQuiet: number;
  text: string;
}

async function writeFollowup(lead: QuietLead): Promise<string> {
  const ai = await getAIClient();
  const stream = await ai.chat.completions.create({
    feature: 'followups.draft',
    model: 'gpt-4o-mini',
    stream: true,
    messages: [
      { role: 'system', content: 'Write a two-sentence, friendly follow-up email.' },
      {
        role: 'user',
        content: `Lead ${lead.name} at ${lead.company} has been quiet for ${lead.daysQuiet} days after discussing ${lead.lastTopic}.`,
      },
    ],
  });
  return collectChatText(stream);
}

export async function draftFollowups(now: Date = new Date()): Promise<FollowupDraft[]> {
  const { prisma } = await getDatabase();
  const drafts: FollowupDraft[] = [];
  for (const lead of await findQuietLeads(prisma, now)) {
    const text = await withAIAttributes({ tenant: lead.company, user_id: lead.id }, () => writeFollowup(lead));
    const draft = await prisma.draft.create({
      data: {
        leadId: lead.id,
        kind: 'followup',
        text,
        createdAt: now,
        followUp: { create: { leadId: lead.id, daysQuiet: lead.daysQuiet, createdAt: now } },
      },
      select: { id: true },
    });
    drafts.push({ leadId: lead.id, draftId: draft.id, daysQuiet: lead.daysQuiet, text });
  }
  return drafts;
}
