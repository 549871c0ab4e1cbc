// A fresh, migrated database with an InteractionStore writing to it, for the tests of one describe block.
import { afterAll, beforeAll } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import type { PrismaClient } from '../../lib/db/generated/client';
import { InteractionStore } from '../../lib/db/interaction-store';

export interface StoreDatabase {
  /** The database's client, for reading back what the store wrote. */
  readonly prisma: PrismaClient;
  readonly store: InteractionStore;
}

/**
 * Creates the database (see createTestDatabase) before the tests of the suite it is called in, and drops it after
 * them. Its fields are there once those tests (and their hooks) run.
 */
export function testDatabaseWithStore(): StoreDatabase {
  let opened: { database: TestDatabase; store: InteractionStore } | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase();
    opened = { database, store: new InteractionStore(database.db) };
  });
  afterAll(async () => {
    await opened?.database.drop();
  });
  const current = (): { database: TestDatabase; store: InteractionStore } => {
    if (opened === undefined) throw new Error('the test database is created before the tests of its suite');
    return opened;
  };
  return {
    get prisma() {
      return current().database.db.prisma;
    },
    get store() {
      return current().store;
    },
  };
}
