// The follow-up engine: drafts a follow-up for each lead that went quiet. One OpenAI call per lead,
// streamed, so a long draft starts arriving at once.
import { collectChatText } from '../ai/collect-chat-text';
import { getAIClient } from '../ai/get-ai-client';

export interface QuietLead {
  id: string;
  name: string;
  company: string;
  lastTopic: string;
  daysQuiet: number;
}

export interface FollowupDraft {
  leadId: string;
  text: string;
}

/** Until the leads domain lands, the engine works on this fixed set of quiet leads. */
export const DEMO_QUIET_LEADS: readonly QuietLead[] = [
  { id: 'lead_1', name: 'Ada', company: 'Analytical Engines', lastTopic: 'pilot pricing', daysQuiet: 9 },
  { id: 'lead_2', name: 'Grace', company: 'Compilers Inc', lastTopic: 'security review', daysQuiet: 14 },
];

export async function draftFollowups(leads: readonly QuietLead[]): Promise<FollowupDraft[]> {
  const ai = await getAIClient();
  const drafts: FollowupDraft[] = [];
  for (const lead of leads) {
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
    drafts.push({ leadId: lead.id, text: await collectChatText(stream) });
  }
  return drafts;
}
