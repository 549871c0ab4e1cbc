// `npm run job:digest`: the weekly AI spend digest, as the job `job:weekly_digest`. A plain Node.js
// process: telemetry through NodeSDK, its one AI call recorded like any other, rows flushed before exit.
import { writeWeeklyDigest } from '../../lib/flows/weekly-digest';
import { runJob } from '../../lib/jobs/run-job';
import { aiJob } from '../../lib/telemetry/source-context';

runJob(
  'weekly digest',
  async () => {
    const digest = await aiJob('weekly_digest', () => writeWeeklyDigest(new Date()));
    process.stdout.write(`${digest.facts}\n\n${digest.summary}\n`);
  },
  { serviceName: 'spendtrace-jobs' },
);
