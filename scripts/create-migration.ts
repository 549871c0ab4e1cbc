// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
// that takes the committed migrations to prisma/schema.prisma. Offline: Prisma's own schema engine as
// WebAssembly, on throwaway in-memory PGlite databases (no schema-engine binary, no server).
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineModule from '@prisma/schema-engine-wasm/schema_engine_bg';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { readMigrations } from '../lib/db/apply-migrations';

interface SchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}
interface EngineBindings {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: { new: (options: unknown, log: (line: string) => void, adapter: unknown) => Promise<SchemaEngine> };
}

const SCHEMA = path.join('prisma', 'schema.prisma');
const MIGRATIONS = path.join('prisma', 'migrations');

async function loadEngine(): Promise<EngineBindings> {
  // The package imports its .wasm as an ES module, which Node.js cannot do: instantiate it ourselves.
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const bindings = engineModule as unknown as EngineBindings & WebAssembly.ModuleImports;
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { './schema_engine_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('Usage: npm run db:migration -- <name>   (lowercase letters, digits and underscores)');
  }
  const schema = await readFile(SCHEMA, 'utf8');
  const migrations = await readMigrations(path.resolve(MIGRATIONS));
  const bindings = await loadEngine();
  const lite = await PGlite.create('memory://');
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[SCHEMA, schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(lite)),
  );
  const result = await engine.diff({
    from: {
      tag: 'migrations',
      baseDir: path.resolve(MIGRATIONS),
      lockfile: {
        path: 'migration_lock.toml',
        content: await readFile(path.join(MIGRATIONS, 'migration_lock.toml'), 'utf8'),
      },
      shadowDbInitScript: '',
      migrationDirectories: migrations.map((m) => ({
        path: path.resolve(MIGRATIONS, m.name),
        migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
      })),
    },
    to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA, content: schema }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  await lite.close();
  const sql = (result.stdout ?? '').trim();
  if (sql === '' || sql === '-- This is an empty migration.') {
    console.log('prisma/schema.prisma matches the committed migrations: nothing to write.');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
  console.log(`Wrote ${path.join(dir, 'migration.sql')}. Review it, then run npm run db:migrate.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
