import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import {
  daysQuiet,
  DEMO_LEADS,
  findQuietLeads,
  FOLLOWUPS_PER_RUN,
  leadFromAddress,
  seedDemoLeads,
  touchLeadByEmail,
} from './leads';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const DAY = 86_400_000;

describe('leads', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });
  beforeEach(async () => {
    await test.db.prisma.lead.deleteMany();
  });

  it('counts whole days of quiet, rounded down', () => {
    expect(daysQuiet(new Date(NOW.getTime() - 7 * DAY + 1), NOW)).toBe(6);
    expect(daysQuiet(new Date(NOW.getTime() - 7 * DAY), NOW)).toBe(7);
  });

  it('guesses a name and company from an address', () => {
    expect(leadFromAddress('ada.l@analytical.io')).toEqual({ name: 'ada.l', company: 'analytical.io' });
  });

  it('seeds the demo leads once', async () => {
    expect(await seedDemoLeads(test.db.prisma, NOW)).toBe(4);
    expect(await seedDemoLeads(test.db.prisma, NOW)).toBe(0);
    const ada = await test.db.prisma.lead.findUniqueOrThrow({ where: { id: 'lead_1' } });
    expect(ada.lastContactAt).toEqual(new Date(NOW.getTime() - 9 * DAY - 3_600_000));
    expect(DEMO_LEADS.map((l) => l.email)).toEqual([
      'ada@example.com',
      'grace@example.com',
      'linus@example.com',
      'alan@example.com',
    ]);
  });

  it('finds open leads quiet for seven days or more without a pending follow-up, longest quiet first', async () => {
    await seedDemoLeads(test.db.prisma, NOW);
    expect(await findQuietLeads(test.db.prisma, NOW)).toEqual([
      { id: 'lead_2', name: 'Grace', company: 'Compilers Inc', lastTopic: 'security review', daysQuiet: 14 },
      { id: 'lead_1', name: 'Ada', company: 'Analytical Engines', lastTopic: 'pilot pricing', daysQuiet: 9 },
    ]);
    // A pending follow-up takes Grace out; a pending reply draft does not take Ada out.
    await test.db.prisma.draft.create({ data: { leadId: 'lead_2', kind: 'followup', text: 'Hi Grace' } });
    await test.db.prisma.draft.create({ data: { leadId: 'lead_1', kind: 'reply', text: 'Hi Ada' } });
    expect((await findQuietLeads(test.db.prisma, NOW)).map((l) => l.id)).toEqual(['lead_1']);
    // Once sent, a follow-up no longer holds the lead back.
    await test.db.prisma.draft.updateMany({ where: { leadId: 'lead_2' }, data: { status: 'sent', sentAt: NOW } });
    expect((await findQuietLeads(test.db.prisma, NOW)).map((l) => l.id)).toEqual(['lead_2', 'lead_1']);
  });

  it(`takes at most ${FOLLOWUPS_PER_RUN} leads per run`, async () => {
    await test.db.prisma.lead.createMany({
      data: Array.from({ length: FOLLOWUPS_PER_RUN + 5 }, (_, i) => ({
        id: `bulk_${String(i).padStart(2, '0')}`,
        email: `bulk${i}@example.com`,
        name: `Bulk ${i}`,
        company: 'Bulk',
        lastTopic: 'volume',
        lastContactAt: new Date(NOW.getTime() - (30 + i) * DAY),
      })),
    });
    const quiet = await findQuietLeads(test.db.prisma, NOW);
    expect(quiet.length).toBe(FOLLOWUPS_PER_RUN);
    expect(quiet[0]).toEqual({ id: 'bulk_24', name: 'Bulk 24', company: 'Bulk', lastTopic: 'volume', daysQuiet: 54 });
  });

  it('creates a lead from a new address and updates a known one', async () => {
    const created = await touchLeadByEmail(test.db.prisma, 'New.Person@Example.com', 'Hello', NOW);
    expect(created.name).toBe('new.person');
    const later = new Date(NOW.getTime() + DAY);
    const again = await touchLeadByEmail(test.db.prisma, 'new.person@example.com', 'Pricing', later);
    expect(again).toEqual(created);
    expect(await test.db.prisma.lead.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
      email: 'new.person@example.com',
      company: 'example.com',
      lastTopic: 'Pricing',
      lastContactAt: later,
      status: 'open',
    });
  });
});
