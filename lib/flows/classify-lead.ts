// Classifies a lead as hot, warm or cold from the conversation so far, with the Vercel AI SDK (not our
// client): its call is ledgered from the AI SDK's own spans, attributed to the route that runs it like any
// other call, and to the lead's company (tenant) and the lead (user_id). One model call.
import { generateText } from 'ai';
import { aiSdkTelemetry } from '../ai/ai-sdk-telemetry';
import { getAISdkOpenAI } from '../ai/get-ai-client';
import { getDatabase } from '../db/get-database';
import { findLeadConversation } from '../domain/leads';
import { withAIAttributes } from '../telemetry/source-context';

export type LeadTier = 'hot' | 'warm' | 'cold';

export interface LeadClassification {
  leadId: string;
  tier: LeadTier;
  /** The model's answer, as it gave it. */
  reason: string;
}

/** The first of hot, warm or cold the answer names; cold when it names none. */
export function tierOf(answer: string): LeadTier {
  const word = /\b(hot|warm|cold)\b/i.exec(answer)?.[1]?.toLowerCase();
  return word === 'hot' || word === 'warm' ? word : 'cold';
}

export async function classifyLead(leadId: string): Promise<LeadClassification> {
  const { prisma } = await getDatabase();
  const lead = await findLeadConversation(prisma, leadId);
  const { conversation } = lead;
  const openai = await getAISdkOpenAI();
  const { text } = await withAIAttributes({ tenant: lead.company, user_id: lead.id }, () =>
    generateText({
      model: openai.chat('gpt-4o-mini'),
      system: 'Classify the sales lead as hot, warm or cold. Answer with the word, then one short reason.',
      prompt: `${lead.name} at ${lead.company}, about ${lead.lastTopic}.\n\n${conversation || '(no emails yet)'}`,
      experimental_telemetry: aiSdkTelemetry({ feature: 'lead.classify' }),
    }),
  );
  const reason = text.trim();
  return { leadId: lead.id, tier: tierOf(reason), reason };
}
