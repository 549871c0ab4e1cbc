// Reads a Next.js project with the TypeScript compiler API and finds the entry points (routes, cron routes,
// server actions, jobs) whose code can reach the OpenAI client, following imports and calls.
import { createEntryPointFinder } from './entry-points';
import { featureSites, registeredFeatures } from './feature-sites';
import { createProgramView, REGISTRY_FILE } from './program-view';
import type { Analysis, FeatureSite, InventoryEntry, Problem } from './types';

/** Analyses the project at `root` (which holds tsconfig.json, app/, lib/ and optionally scripts/jobs/). */
export function analyzeProject(root: string): Analysis {
  const view = createProgramView(root);
  const entryPointsOf = createEntryPointFinder(view);
  const entries: InventoryEntry[] = [];
  const problems: Problem[] = [];
  const sites: FeatureSite[] = [];
  let features = new Map<string, number>();

  for (const sf of view.program.getSourceFiles()) {
    if (!view.isProjectFile(sf)) continue;
    sites.push(...featureSites(view, sf));
    if (view.rel(sf) === REGISTRY_FILE) features = registeredFeatures(view, sf);
    const found = entryPointsOf(sf);
    entries.push(...found.entries);
    problems.push(...found.problems);
  }
  for (const site of sites) {
    if (site.feature === null) {
      problems.push({
        file: site.file,
        line: site.line,
        message: 'feature id is not a literal',
        fix: `write the id as a string literal (feature: 'email.sentiment') so the inventory can read it`,
      });
    }
  }

  const registered = [...features.keys()].sort();
  const used = new Set(sites.map((site) => site.feature));
  return {
    inventory: {
      entries: entries.sort(compareEntries),
      registeredFeatures: registered,
      unusedFeatures: registered.filter((id) => !used.has(id)),
    },
    problems,
    sites,
    registry: { file: REGISTRY_FILE, features },
  };
}

function compareEntries(a: InventoryEntry, b: InventoryEntry): number {
  return a.file.localeCompare(b.file) || a.export.localeCompare(b.export);
}
