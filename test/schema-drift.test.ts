// The committed migrations build exactly the database prisma/schema.prisma describes: Prisma's schema
// engine finds nothing to migrate. A schema edited without a migration is caught.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { diffMigrationsToSchema } from '../scripts/schema-diff';

describe('diffMigrationsToSchema', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spendtrace-schema-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing between the committed migrations and prisma/schema.prisma', async () => {
    expect(await diffMigrationsToSchema()).toEqual('');
  });

  it('returns the SQL for a column the migrations lack', async () => {
    const schema = await readFile(path.join('prisma', 'schema.prisma'), 'utf8');
    const attributes = '  attributes        Json              @default("{}")\n';
    expect(schema).toContain(attributes);
    const edited = path.join(dir, 'schema.prisma');
    await writeFile(edited, schema.replace(attributes, `${attributes}  reviewNote String? @map("review_note")\n`));

    expect(await diffMigrationsToSchema(edited)).toEqual(
      '-- AlterTable\nALTER TABLE "ai_interaction" ADD COLUMN     "review_note" TEXT;',
    );
  });
});
