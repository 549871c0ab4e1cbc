// The life of a job process (`npm run job:*`, a queue worker's one-off task): telemetry for a plain Node.js
// process, the work, then everything closed so the process ends by itself. A stop (SIGTERM, SIGINT) is
// ordinary: the AI calls already sent get up to the grace period to answer, what was recorded is flushed,
// and the process exits with 128 + the signal's number, as a shell reports a job stopped by a signal.
import { closeAIClient } from '../ai/get-ai-client';
import { getConfig } from '../config/config';
import { getLogger } from '../logger';
import { waitForCalls } from '../telemetry/in-flight';
import { registerNodeTelemetry, type NodeTelemetry } from '../bootstrap/register-node';
import { startAppBudgets, stopAppBudgets } from '../bootstrap/app-budgets';
import type { RegisterTelemetryOptions } from '../telemetry/types';
import { stopOnSignals } from '../server/stop-on-signals';

/**
 * Runs `work` as this process's job and exits: 0 when it succeeded, 1 when it threw (its message on
 * stderr). Wrap the work's AI calls in `aiJob('<id>', ...)` at the call site, so that the inventory sees it.
 */
export function runJob(name: string, work: () => Promise<void>, options: RegisterTelemetryOptions = {}): void {
  let telemetry: NodeTelemetry;
  try {
    getConfig();
    telemetry = registerNodeTelemetry(options);
  } catch (error) {
    fail(name, error);
    process.exit(1);
  }
  const close = async (): Promise<void> => {
    await stopAppBudgets();
    await telemetry.shutdown();
    await closeAIClient();
  };
  const graceMs = getConfig().shutdownGraceMs;
  const stop = stopOnSignals({
    logger: getLogger(),
    graceMs,
    async stop(signal) {
      const open = await waitForCalls(graceMs);
      getLogger().warn({ signal, aiCallsCut: open }, `${name}: stopped by ${signal}; flushing what was recorded`);
      await close().catch((error: unknown) => getLogger().error({ err: error }, `${name}: flushing failed`));
      return signal === 'SIGINT' ? 130 : 143;
    },
  });
  // The job's calls are checked against budgets from its first one.
  startAppBudgets()
    .then(work)
    .then(
      () => 0,
      (error: unknown) => {
        fail(name, error);
        return 1;
      },
    )
    .then(async (code) => {
      if (stop.stopping) return;
      await close();
      process.exit(code);
    })
    .catch((error: unknown) => {
      fail(name, error);
      process.exit(1);
    });
}

function fail(name: string, error: unknown): void {
  process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
}
