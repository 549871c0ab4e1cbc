// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
// that takes the committed migrations to prisma/schema.prisma (computed offline, see schema-diff.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffMigrationsToSchema, MIGRATIONS_DIR } from './schema-diff';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('Usage: npm run db:migration -- <name>   (lowercase letters, digits and underscores)');
  }
  const sql = await diffMigrationsToSchema();
  if (sql === '') {
    console.log('prisma/schema.prisma matches the committed migrations: nothing to write.');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
  console.log(`Wrote ${path.join(dir, 'migration.sql')}. Review it, then run npm run db:migrate.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
