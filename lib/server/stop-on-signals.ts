// SIGTERM and SIGINT as an ordinary stop, the same way in each of our processes (the app, the sink, a job):
// the first signal runs `stop`, a repeated one changes nothing (Ctrl-C under npm arrives twice), a watchdog
// ends the process if the stop hangs past its bound, and the process exits with the code `stop` returns.
import type { Logger } from 'pino';

/** How long a stop may take after its grace period (the flush, closing the database) before the watchdog ends it. */
export const STOP_BOUND_AFTER_GRACE_MS = 15_000;

export interface StopOnSignalsOptions {
  logger: Logger;
  /** The grace period the stop has for work in flight; the watchdog fires {@link STOP_BOUND_AFTER_GRACE_MS} after it. */
  graceMs: number;
  /** Does the stop and returns the exit code. A throw is logged and exits 1. */
  stop: (signal: NodeJS.Signals) => Promise<number>;
}

export interface StopState {
  /** Whether a signal has started the stop: work that ends meanwhile leaves the exit to it. */
  readonly stopping: boolean;
}

export function stopOnSignals({ logger, graceMs, stop }: StopOnSignalsOptions): StopState {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    // Whatever hangs (a database that never answers a flush), the process ends.
    setTimeout(() => {
      logger.error(`shutdown took longer than the grace period plus ${STOP_BOUND_AFTER_GRACE_MS} ms; exiting now`);
      process.exit(1);
    }, graceMs + STOP_BOUND_AFTER_GRACE_MS).unref();
    stop(signal).then(
      (code) => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed; exiting now');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    get stopping() {
      return stopping;
    },
  };
}
