// The shapes the inventory reads and writes: entry points that reach OpenAI, and the problems the check reports.

export type EntryKind = 'route' | 'cron' | 'action' | 'job';

export interface InventoryEntry {
  kind: EntryKind;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** The HTTP method for a route, the export name for an action, `aiJob` for a job. */
  export: string;
  /** The `ai.source` the calls are recorded under; `null` when nothing attributes them (a check failure). */
  source: string | null;
  features: string[];
}

export interface Inventory {
  entries: InventoryEntry[];
  registeredFeatures: string[];
  unusedFeatures: string[];
}

/** One failed rule, printed as `file:line: message. Fix: fix`. */
export interface Problem {
  file: string;
  line: number;
  message: string;
  fix: string;
}

/** A call that names a feature id: `ai.chat.completions.create({ feature: 'x', ... })`. */
export interface FeatureSite {
  file: string;
  line: number;
  /** `null` when the id is not a string literal. */
  feature: string | null;
}

export interface Analysis {
  inventory: Inventory;
  /** Problems found while reading the code (unwrapped actions and jobs, non-literal ids). */
  problems: Problem[];
  sites: FeatureSite[];
  /** Registered ids with the line each is declared on. */
  registry: { file: string; features: Map<string, number> };
}
