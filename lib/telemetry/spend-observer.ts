// Told of every AI call this process prices, as its span ends: budgets add it to the spend they keep in
// memory between reads of the database. Installed at start-up, once the database (and budgets) are open.
import type { Attributes } from '@opentelemetry/api';

export interface SpendObserver {
  /** A call ended: its span's attributes (source, feature, model, `ai.attr.*`) and its cost; never throws. */
  spent(attributes: Attributes, costUsd: number): void;
}

const globalForObserver = globalThis as unknown as { spendtraceSpendObserver?: SpendObserver };

/** Installs the process's observer; undefined removes it. */
export function installSpendObserver(observer: SpendObserver | undefined): void {
  globalForObserver.spendtraceSpendObserver = observer;
}

/** Whichever observer is installed at the time of the call. */
export const installedSpendObserver: SpendObserver = {
  spent: (attributes, costUsd) => globalForObserver.spendtraceSpendObserver?.spent(attributes, costUsd),
};
