// computeCoverage on hand-made inventories and recorded sources, and parseInventory on the committed inventory
// and on files that are not one.
import { describe, expect, expectTypeOf, it } from 'vitest';

import committedInventory from '../../docs/ai-inventory.json';
import type { InventoryEntry as WrittenEntry } from '../../scripts/inventory/types';
import { appInventory } from './app-inventory';
import { computeCoverage, parseInventory, type InventoryEntry, type ObservedSource } from './coverage';

const ZERO = '0.000000000000';

const SEND: InventoryEntry = {
  kind: 'action',
  file: 'app/actions/send-message.ts',
  export: 'sendMessage',
  source: 'action:insights_chat.send_message',
  features: ['insights_chat.answer'],
};
const FOLLOWUPS: InventoryEntry = {
  kind: 'cron',
  file: 'app/api/cron/followups/route.ts',
  export: 'GET',
  source: '/api/cron/followups',
  features: ['followups.draft'],
};
const DRAFT: InventoryEntry = {
  kind: 'route',
  file: 'app/api/leads/[id]/draft/route.ts',
  export: 'POST',
  source: '/api/leads/[id]/draft',
  features: ['followups.draft'],
};
const DIGEST: InventoryEntry = {
  kind: 'job',
  file: 'scripts/jobs/weekly-digest.ts',
  export: 'aiJob',
  source: 'job:weekly_digest',
  features: ['digest.weekly'],
};
/** An entry point whose calls nothing attributes. */
const UNWRAPPED: InventoryEntry = {
  kind: 'action',
  file: 'app/actions/summarize.ts',
  export: 'summarize',
  source: null,
  features: [],
};

/** A recorded source; no token counts and no unpriced calls unless given. */
function seen(
  source: string,
  sourceKind: string,
  calls: number,
  costUsd: string,
  tokenCountRequests = 0,
  unpricedCalls = 0,
): ObservedSource {
  return { source, sourceKind, calls, tokenCountRequests, costUsd, unpricedCalls };
}

describe('computeCoverage', () => {
  it('finds every entry point called, no unknown source and no unattributed call', () => {
    expect(
      computeCoverage(
        [SEND, FOLLOWUPS, DIGEST],
        [
          seen('/api/cron/followups', 'route', 4, '0.004000000000'),
          seen('action:insights_chat.send_message', 'action', 2, '0.020000000000'),
          seen('job:weekly_digest', 'job', 1, '0.000500000000'),
        ],
      ),
    ).toEqual({
      entryPoints: 3,
      calledEntryPoints: 3,
      uncalled: [],
      unknownSources: [],
      unattributed: { calls: 0, tokenCountRequests: 0, costUsd: ZERO, unpricedCalls: 0 },
    });
  });

  it('lists uncalled entry points in inventory order, unknown sources in recorded order, and sums the unattributed rows', () => {
    expect(
      computeCoverage(
        [SEND, FOLLOWUPS, DRAFT, DIGEST],
        [
          seen('/api/other-service/summarize', 'route', 3, '0.090000000000'),
          seen('action:insights_chat.send_message', 'action', 2, '0.020000000000'),
          // No source, under two kinds (the rollup keys by both): one bucket.
          seen('', 'unattributed', 2, '0.003000000000', 1, 1),
          seen('', 'route', 1, '0.000250000000'),
          seen('job:nightly_cleanup', 'job', 1, ZERO, 0, 1),
        ],
      ),
    ).toEqual({
      entryPoints: 4,
      calledEntryPoints: 1,
      uncalled: [FOLLOWUPS, DRAFT, DIGEST],
      unknownSources: [
        seen('/api/other-service/summarize', 'route', 3, '0.090000000000'),
        seen('job:nightly_cleanup', 'job', 1, ZERO, 0, 1),
      ],
      unattributed: { calls: 3, tokenCountRequests: 1, costUsd: '0.003250000000', unpricedCalls: 1 },
    });
  });

  it('counts token-count requests as proof of a call, for known and unknown sources alike', () => {
    expect(
      computeCoverage(
        [SEND, DIGEST],
        [seen('job:weekly_digest', 'job', 0, ZERO, 2), seen('job:token_audit', 'job', 0, ZERO, 5)],
      ),
    ).toEqual({
      entryPoints: 2,
      calledEntryPoints: 1,
      uncalled: [SEND],
      unknownSources: [seen('job:token_audit', 'job', 0, ZERO, 5)],
      unattributed: { calls: 0, tokenCountRequests: 0, costUsd: ZERO, unpricedCalls: 0 },
    });
  });

  it('matches sources exactly: a raw path, another case or a trailing slash is another source', () => {
    const observed = [
      seen('/api/leads/123/draft', 'route', 1, '0.001000000000'),
      seen('/API/leads/[id]/draft', 'route', 1, '0.001000000000'),
      seen('/api/leads/[id]/draft/', 'route', 1, '0.001000000000'),
    ];
    expect(computeCoverage([DRAFT], observed)).toEqual({
      entryPoints: 1,
      calledEntryPoints: 0,
      uncalled: [DRAFT],
      unknownSources: observed,
      unattributed: { calls: 0, tokenCountRequests: 0, costUsd: ZERO, unpricedCalls: 0 },
    });
  });

  it('counts an entry point without a source as never called, even with unattributed calls', () => {
    expect(computeCoverage([UNWRAPPED, SEND], [seen('', 'unattributed', 1, '0.001000000000')])).toEqual({
      entryPoints: 2,
      calledEntryPoints: 0,
      uncalled: [UNWRAPPED, SEND],
      unknownSources: [],
      unattributed: { calls: 1, tokenCountRequests: 0, costUsd: '0.001000000000', unpricedCalls: 0 },
    });
  });

  it('counts entry points that share a source as called together', () => {
    const draftGet: InventoryEntry = { ...DRAFT, export: 'GET' };
    expect(computeCoverage([DRAFT, draftGet, DIGEST], [seen(DRAFT.source ?? '', 'route', 1, ZERO)])).toEqual({
      entryPoints: 3,
      calledEntryPoints: 2,
      uncalled: [DIGEST],
      unknownSources: [],
      unattributed: { calls: 0, tokenCountRequests: 0, costUsd: ZERO, unpricedCalls: 0 },
    });
  });

  it('ignores a recorded source with nothing in it (a rollup key left at zero)', () => {
    expect(
      computeCoverage([DIGEST], [seen('job:weekly_digest', 'job', 0, ZERO), seen('/api/late', 'route', 0, ZERO)]),
    ).toEqual({
      entryPoints: 1,
      calledEntryPoints: 0,
      uncalled: [DIGEST],
      unknownSources: [],
      unattributed: { calls: 0, tokenCountRequests: 0, costUsd: ZERO, unpricedCalls: 0 },
    });
  });

  it('is empty for an empty inventory and a period without calls', () => {
    expect(computeCoverage([], [])).toEqual({
      entryPoints: 0,
      calledEntryPoints: 0,
      uncalled: [],
      unknownSources: [],
      unattributed: { calls: 0, tokenCountRequests: 0, costUsd: ZERO, unpricedCalls: 0 },
    });
  });
});

describe('parseInventory', () => {
  it('reads the committed inventory as it is, which is what the app is built with', () => {
    expect(parseInventory(committedInventory)).toEqual(committedInventory);
    expect(appInventory()).toEqual(committedInventory);
  });

  it('has the shape the inventory script writes', () => {
    expectTypeOf<InventoryEntry>().toEqualTypeOf<WrittenEntry>();
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'entries', '(root): Invalid input: expected object, received string'],
    [
      'an unknown kind',
      { entries: [{ ...SEND, kind: 'webhook' }], registeredFeatures: [], unusedFeatures: [] },
      'entries.0.kind: Invalid option: expected one of "route"|"cron"|"action"|"job"',
    ],
    [
      'a missing list',
      { entries: [], registeredFeatures: [] },
      'unusedFeatures: Invalid input: expected array, received undefined',
    ],
  ])('refuses %s, saying what is wrong and what to do', (_case, json, issue) => {
    expect(() => parseInventory(json)).toThrow(
      new Error(`docs/ai-inventory.json is not an AI inventory (${issue}). Run \`npm run inventory\` and rebuild.`),
    );
  });
});
