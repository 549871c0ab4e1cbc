// Loaded with `--import` (through NODE_OPTIONS, which refuses --cpu-prof) by `bench:sink --profile-sink DIR`:
// profiles the process from its start until SIGUSR2, then writes DIR/<pid>.cpuprofile (for Chrome DevTools).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR ?? '.';
const session = new Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
process.once('SIGUSR2', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
