// Prisma CLI configuration. Migrations are applied by scripts/migrate.ts (offline, PGlite or Postgres);
// the CLI is used only to generate the client.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
