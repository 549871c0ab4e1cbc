// `npm run job:digest`: the weekly AI spend digest, as the job `job:weekly_digest`. A plain Node.js
// process: telemetry through NodeSDK, its one AI call recorded like any other, rows flushed before exit.
import { writeWeeklyDigest } from '../../lib/flows/weekly-digest';
import { registerNodeTelemetry } from '../../lib/telemetry/register-node';
import { aiJob } from '../../lib/telemetry/source-context';

async function main(): Promise<void> {
  const telemetry = registerNodeTelemetry({ serviceName: 'spendtrace-jobs' });
  try {
    const digest = await aiJob('weekly_digest', () => writeWeeklyDigest(new Date()));
    process.stdout.write(`${digest.facts}\n\n${digest.summary}\n`);
  } finally {
    await telemetry.shutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`weekly digest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
