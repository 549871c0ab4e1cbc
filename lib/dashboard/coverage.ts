// Coverage: the AI inventory (what the code can call) against the sources recorded in a period (what was
// called). Entry points that recorded nothing, recorded sources the inventory does not know, and calls with no
// source at all. Pure: the inventory and the recorded sources come in, nothing is read here.
import { z } from 'zod';
import { addDecimal } from './format';

const InventoryEntrySchema = z.object({
  kind: z.enum(['route', 'cron', 'action', 'job']),
  file: z.string(),
  export: z.string(),
  /** `null` when nothing attributes the entry point's calls (`npm run inventory:check` fails on it). */
  source: z.string().nullable(),
  features: z.array(z.string()),
});

const InventorySchema = z.object({
  entries: z.array(InventoryEntrySchema),
  registeredFeatures: z.array(z.string()),
  unusedFeatures: z.array(z.string()),
});

/** One entry point of `docs/ai-inventory.json` (written by `npm run inventory`). */
export type InventoryEntry = z.infer<typeof InventoryEntrySchema>;
export type Inventory = z.infer<typeof InventorySchema>;

/** The inventory from its JSON, or an error naming what is wrong with it and how to regenerate it. */
export function parseInventory(json: unknown): Inventory {
  const parsed = InventorySchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Error(`docs/ai-inventory.json is not an AI inventory (${issues}). Run \`npm run inventory\` and rebuild.`);
}

/** A source as the rollup recorded it in a period. */
export interface ObservedSource {
  /** The recorded `ai.source`; '' when the calls had none. */
  source: string;
  /** route, action, job or unattributed. */
  sourceKind: string;
  /** Billable calls (token-count requests apart), as everywhere on the dashboard. */
  calls: number;
  /** Token-count requests: not billed, but proof that the source reached OpenAI. */
  tokenCountRequests: number;
  /** Exact USD of the priced calls. */
  costUsd: string;
  /** Calls whose cost is unknown (unpriced model): the cost is a lower bound. */
  unpricedCalls: number;
}

export interface Coverage {
  /** Entry points in the inventory. */
  entryPoints: number;
  /** Entry points whose source recorded at least one request (a call or a token count). */
  calledEntryPoints: number;
  /** Entry points that recorded nothing, in inventory order (those without a source among them). */
  uncalled: InventoryEntry[];
  /** Recorded sources no entry point has, in the order they came in. */
  unknownSources: ObservedSource[];
  /** Calls that recorded no source (source ''), all kinds summed. */
  unattributed: { calls: number; tokenCountRequests: number; costUsd: string; unpricedCalls: number };
}

const ZERO_USD = '0.000000000000';

/**
 * Matches the inventory's sources to the recorded ones exactly, by string (route templates such as
 * `/api/leads/[id]/draft`, `action:<id>`, `job:<id>`). Entry points that share a source (two methods of one
 * route) are called or not together: the recorded source cannot tell them apart.
 */
export function computeCoverage(entries: readonly InventoryEntry[], observed: readonly ObservedSource[]): Coverage {
  const recorded = new Set(
    observed.filter((o) => o.source !== '' && o.calls + o.tokenCountRequests > 0).map((o) => o.source),
  );
  const known = new Set(entries.flatMap((e) => (e.source === null ? [] : [e.source])));
  const uncalled = entries.filter((e) => e.source === null || !recorded.has(e.source));
  const unknownSources = observed.filter(
    (o) => o.source !== '' && !known.has(o.source) && o.calls + o.tokenCountRequests > 0,
  );
  const unattributed = observed
    .filter((o) => o.source === '')
    .reduce(
      (sum, o) => ({
        calls: sum.calls + o.calls,
        tokenCountRequests: sum.tokenCountRequests + o.tokenCountRequests,
        costUsd: addDecimal(sum.costUsd, o.costUsd),
        unpricedCalls: sum.unpricedCalls + o.unpricedCalls,
      }),
      { calls: 0, tokenCountRequests: 0, costUsd: ZERO_USD, unpricedCalls: 0 },
    );
  return {
    entryPoints: entries.length,
    calledEntryPoints: entries.length - uncalled.length,
    uncalled,
    unknownSources,
    unattributed,
  };
}
