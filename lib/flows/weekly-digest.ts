// The weekly digest: last week's AI spend from the dashboard's own queries, summed up by the model in a
// few sentences for the team. Run as a job (`npm run job:digest`), outside any request.
import { collectChatText } from '../ai/collect-chat-text';
import { getAIClient } from '../ai/get-ai-client';
import { parseFilters } from '../dashboard/filters';
import { getBreakdown, getTotals } from '../dashboard/queries';
import { getDatabase } from '../db/get-database';

export interface WeeklyDigest {
  /** The figures the summary was written from. */
  facts: string;
  summary: string;
}

export async function writeWeeklyDigest(now: Date): Promise<WeeklyDigest> {
  const parsed = parseFilters({ period: '7d' }, now);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const { prisma } = await getDatabase();
  const [totals, sources] = await Promise.all([
    getTotals(prisma, parsed.filters),
    getBreakdown(prisma, parsed.filters, 'source'),
  ]);
  const top = sources
    .slice(0, 5)
    .map((s) => `${s.key || '(unattributed)'}: $${s.costUsd} over ${s.calls} calls`)
    .join('\n');
  const facts = `Last 7 days: $${totals.costUsd} over ${totals.calls} AI calls, ${totals.errors} failed.\nTop sources:\n${top || '(none)'}`;
  const ai = await getAIClient();
  const stream = await ai.chat.completions.create({
    feature: 'digest.weekly',
    model: 'gpt-4o-mini',
    stream: true,
    messages: [
      { role: 'system', content: 'Summarise this AI spend report for the team in three short sentences.' },
      { role: 'user', content: facts },
    ],
  });
  return { facts, summary: await collectChatText(stream) };
}
