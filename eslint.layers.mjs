// The layers of lib/, bottom to top. A layer's modules import only from the layers it lists (and from
// their own layer); nothing in lib/ imports app/, collector/, scripts/, bench/, test/ or e2e/. `npm run lint`
// enforces this with import/no-restricted-paths (and import/no-cycle for circles within a layer), and
// test/layers.test.ts checks that every folder of lib/ belongs to a layer. docs/architecture.md draws it.

/** @type {{ name: string; paths: string[]; imports: string[] }[]} */
export const LAYERS = [
  // The pure ledger core: attribute names, source rules, pricing, span reading, the span → row mapping.
  { name: 'ledger', paths: ['lib/ledger'], imports: [] },
  // The environment, read once and validated.
  { name: 'config', paths: ['lib/config'], imports: [] },
  { name: 'logger', paths: ['lib/logger.ts'], imports: ['ledger', 'config'] },
  // Span processors, the exporter, the source context, the sampler.
  { name: 'telemetry', paths: ['lib/telemetry'], imports: ['ledger', 'config', 'logger'] },
  // Beside telemetry: Prisma, migrations, the interaction store, the PGlite lock.
  { name: 'db', paths: ['lib/db'], imports: ['ledger', 'config', 'logger'] },
  // The instrumented OpenAI client and the local provider.
  { name: 'ai', paths: ['lib/ai'], imports: ['ledger', 'config', 'logger', 'telemetry'] },
  // Budgets: their store and spend, the guard the client asks (spend in memory), the alerts.
  { name: 'budgets', paths: ['lib/budgets'], imports: ['ledger', 'config', 'logger', 'telemetry', 'db', 'ai'] },
  // What the app does: its domain, flows, dashboard queries, sign-in and HTTP helpers.
  {
    name: 'features',
    paths: ['lib/domain', 'lib/flows', 'lib/dashboard', 'lib/auth', 'lib/http'],
    imports: ['ledger', 'config', 'logger', 'telemetry', 'db', 'ai', 'budgets'],
  },
  // Process start-up and shutdown: telemetry registration, the production server, job processes.
  {
    name: 'bootstrap',
    paths: ['lib/bootstrap', 'lib/server', 'lib/jobs'],
    imports: ['ledger', 'config', 'logger', 'telemetry', 'db', 'ai', 'budgets', 'features'],
  },
];

/** What sits above lib/ and may import any of it, but never the other way round. */
const OUTSIDE_LIB = ['app', 'collector', 'scripts', 'bench', 'test', 'e2e'];

/** import/no-restricted-paths zones: for each layer, every path it may not import. */
export function layerZones() {
  return LAYERS.map((layer) => {
    const allowed = new Set([layer.name, ...layer.imports]);
    const from = LAYERS.filter((other) => !allowed.has(other.name))
      .flatMap((other) => other.paths)
      .concat(OUTSIDE_LIB)
      .map((path) => `./${path}`);
    return {
      target: layer.paths.map((path) => `./${path}`),
      from,
      message: `lib layers import only downwards: ${layer.name} may import ${layer.imports.join(', ') || 'nothing of ours'} (eslint.layers.mjs).`,
    };
  });
}
