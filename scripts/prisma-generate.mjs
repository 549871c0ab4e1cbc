// Generates the Prisma client (lib/db/generated) offline. `prisma generate` does not run the schema
// engine, but Prisma's CLI tries to download one unless PRISMA_SCHEMA_ENGINE_BINARY names an executable.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], {
  stdio: 'inherit',
  env: { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', ...process.env },
});
process.exit(result.status ?? 1);
