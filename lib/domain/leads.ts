// The leads the flows work on: finding them, creating them from inbound email, and the demo set that
// `npm run db:seed` adds so a fresh install has quiet leads for the follow-up engine.
import type { Prisma, PrismaClient } from '../db/generated/client';

const DAY_MS = 86_400_000;

/** A lead is quiet when its last contact is at least this many days old and no follow-up is pending. */
export const QUIET_AFTER_DAYS = 7;
/** At most this many leads get a follow-up per run of the engine; the rest wait for the next run. */
export const FOLLOWUPS_PER_RUN = 20;

export interface QuietLead {
  id: string;
  name: string;
  company: string;
  lastTopic: string;
  daysQuiet: number;
}

/** How many of a lead's latest emails the model reads when drafting to or classifying the lead. */
export const CONVERSATION_EMAILS = 5;

export class LeadNotFoundError extends Error {
  override name = 'LeadNotFoundError';
}

export interface LeadConversation {
  id: string;
  name: string;
  company: string;
  lastTopic: string;
  /** The latest CONVERSATION_EMAILS emails, oldest first, each as "<who>: <subject>\n<body>"; '' with none. */
  conversation: string;
}

/** A lead with its latest emails as one text for a prompt; LeadNotFoundError for an unknown id. */
export async function findLeadConversation(prisma: PrismaClient, leadId: string): Promise<LeadConversation> {
  const lead = await prisma.lead.findUnique({
    where: { id: leadId },
    select: {
      id: true,
      name: true,
      company: true,
      lastTopic: true,
      emails: {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: CONVERSATION_EMAILS,
        select: { direction: true, subject: true, body: true },
      },
    },
  });
  if (!lead) throw new LeadNotFoundError(`No lead with id '${leadId}'.`);
  const { emails, ...rest } = lead;
  const conversation = emails
    .reverse()
    .map((e) => `${e.direction === 'inbound' ? lead.name : 'Us'}: ${e.subject}\n${e.body}`)
    .join('\n\n');
  return { ...rest, conversation };
}

/** Whole days between the last contact and now, rounded down. */
export function daysQuiet(lastContactAt: Date, now: Date): number {
  return Math.floor((now.getTime() - lastContactAt.getTime()) / DAY_MS);
}

/** Open leads quiet for QUIET_AFTER_DAYS or more with no pending follow-up draft, the longest quiet first. */
export async function findQuietLeads(prisma: PrismaClient, now: Date): Promise<QuietLead[]> {
  const leads = await prisma.lead.findMany({
    where: {
      status: 'open',
      lastContactAt: { lte: new Date(now.getTime() - QUIET_AFTER_DAYS * DAY_MS) },
      drafts: { none: { kind: 'followup', status: 'pending' } },
    },
    orderBy: [{ lastContactAt: 'asc' }, { id: 'asc' }],
    take: FOLLOWUPS_PER_RUN,
  });
  return leads.map((lead) => ({
    id: lead.id,
    name: lead.name,
    company: lead.company,
    lastTopic: lead.lastTopic,
    daysQuiet: daysQuiet(lead.lastContactAt, now),
  }));
}

/** A name and company guessed from an address the team has not seen before: ada@analytical.io → ada, analytical.io. */
export function leadFromAddress(address: string): { name: string; company: string } {
  const at = address.lastIndexOf('@');
  return { name: address.slice(0, at), company: address.slice(at + 1) };
}

/** The lead an email came from, created if new; its last contact and topic become this email's. */
export async function touchLeadByEmail(
  tx: Prisma.TransactionClient,
  address: string,
  topic: string,
  at: Date,
): Promise<{ id: string; name: string }> {
  const email = address.toLowerCase();
  return tx.lead.upsert({
    where: { email },
    create: { email, ...leadFromAddress(email), lastTopic: topic, lastContactAt: at },
    update: { lastTopic: topic, lastContactAt: at },
    select: { id: true, name: true },
  });
}

export interface DemoLead {
  id: string;
  email: string;
  name: string;
  company: string;
  status: 'open' | 'won' | 'lost';
  lastTopic: string;
  /** Days (and one hour) before the seed ran. */
  daysSinceContact: number;
}

/** Two quiet leads, one in touch recently, one lost: the follow-up engine drafts for the first two only. */
export const DEMO_LEADS: readonly DemoLead[] = [
  {
    id: 'lead_1',
    email: 'ada@example.com',
    name: 'Ada',
    company: 'Analytical Engines',
    status: 'open',
    lastTopic: 'pilot pricing',
    daysSinceContact: 9,
  },
  {
    id: 'lead_2',
    email: 'grace@example.com',
    name: 'Grace',
    company: 'Compilers Inc',
    status: 'open',
    lastTopic: 'security review',
    daysSinceContact: 14,
  },
  {
    id: 'lead_3',
    email: 'linus@example.com',
    name: 'Linus',
    company: 'Kernel Labs',
    status: 'open',
    lastTopic: 'onboarding',
    daysSinceContact: 2,
  },
  {
    id: 'lead_4',
    email: 'alan@example.com',
    name: 'Alan',
    company: 'Bletchley Ltd',
    status: 'lost',
    lastTopic: 'budget',
    daysSinceContact: 30,
  },
];

/** Adds the demo leads that are not there yet (by id or address); returns how many were added. */
export async function seedDemoLeads(prisma: PrismaClient, now: Date): Promise<number> {
  const { count } = await prisma.lead.createMany({
    data: DEMO_LEADS.map(({ daysSinceContact, ...lead }) => ({
      ...lead,
      lastContactAt: new Date(now.getTime() - daysSinceContact * DAY_MS - 3_600_000),
    })),
    skipDuplicates: true,
  });
  return count;
}
