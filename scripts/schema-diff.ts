// The SQL that takes the committed migrations to a Prisma schema. Offline: Prisma's own schema engine as
// WebAssembly, on a throwaway in-memory PGlite shadow database (no schema-engine binary, no server).
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineModule from '@prisma/schema-engine-wasm/schema_engine_bg';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { readMigrations } from '../lib/db/apply-migrations';

export const SCHEMA_PATH = path.join('prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join('prisma', 'migrations');

interface SchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}
interface EngineBindings {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: { new: (options: unknown, log: (line: string) => void, adapter: unknown) => Promise<SchemaEngine> };
}

// The module holds a single wasm instance: instantiate it once per process, however many diffs run.
let engineBindings: Promise<EngineBindings> | undefined;

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

/**
 * Returns the SQL that takes the migrations in `prisma/migrations` to the schema at `schemaPath`
 * (default `prisma/schema.prisma`), or '' when they already match.
 */
export async function diffMigrationsToSchema(schemaPath: string = SCHEMA_PATH): Promise<string> {
  const schema = await readFile(schemaPath, 'utf8');
  const migrations = await readMigrations(path.resolve(MIGRATIONS_DIR));
  const lockfile = await readFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8');
  engineBindings ??= loadEngine();
  const bindings = await engineBindings;
  const lite = await PGlite.create('memory://');
  try {
    const engine = await bindings.SchemaEngine.new(
      { datamodels: [[schemaPath, schema]] },
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(lite)),
    );
    try {
      const result = await engine.diff({
        from: {
          tag: 'migrations',
          baseDir: path.resolve(MIGRATIONS_DIR),
          lockfile: { path: 'migration_lock.toml', content: lockfile },
          shadowDbInitScript: '',
          migrationDirectories: migrations.map((m) => ({
            path: path.resolve(MIGRATIONS_DIR, m.name),
            migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
          })),
        },
        to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      const sql = (result.stdout ?? '').trim();
      return sql === '-- This is an empty migration.' ? '' : sql;
    } finally {
      engine.free();
    }
  } finally {
    await lite.close();
  }
}
