// The CI rules, as pure functions over an analysis: every problem names a file:line and the fix.
import type { Analysis, Problem } from './types';

export function featureProblems(analysis: Analysis): Problem[] {
  const { registry, inventory, sites } = analysis;
  const problems: Problem[] = [];
  for (const site of sites) {
    if (site.feature === null || registry.features.has(site.feature)) continue;
    problems.push({
      file: site.file,
      line: site.line,
      message: `feature id '${site.feature}' is not in PROMPT_REGISTRY`,
      fix: `add '${site.feature}' to PROMPT_REGISTRY in ${registry.file}, or use a registered id`,
    });
  }
  for (const id of inventory.unusedFeatures) {
    problems.push({
      file: registry.file,
      line: registry.features.get(id) ?? 1,
      message: `feature '${id}' is registered but never used`,
      fix: `use it at a call site (feature: '${id}') or remove it from PROMPT_REGISTRY`,
    });
  }
  return problems;
}

/** All rule failures, sorted by file and line. */
export function checkProblems(
  analysis: Analysis,
  committed: { json: string; md: string } | null,
  expected: { json: string; md: string },
): Problem[] {
  const problems = [...analysis.problems, ...featureProblems(analysis)];
  if (committed !== null) {
    if (committed.json !== expected.json) problems.push(staleProblem('docs/ai-inventory.json'));
    if (committed.md !== expected.md) problems.push(staleProblem('docs/ai-inventory.md'));
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function staleProblem(file: string): Problem {
  return {
    file,
    line: 1,
    message: 'the committed inventory is out of date',
    fix: 'run `npm run inventory` and commit the result',
  };
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}. Fix: ${problem.fix}.`;
}
