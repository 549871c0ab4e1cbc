// Generates the inventory files, or (with `check`) compares them with the committed ones and applies the rules.
import fs from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { analyzeProject } from './analyze-project';
import { checkProblems, formatProblem } from './check-inventory';
import { renderJson, renderMarkdown } from './render-inventory';

export const JSON_PATH = 'docs/ai-inventory.json';
export const MD_PATH = 'docs/ai-inventory.md';

export interface RunResult {
  exitCode: 0 | 1;
  lines: string[];
}

/** Renders both files, formatted with the project's prettier config so `prettier --write` leaves them alone. */
async function renderFiles(
  root: string,
  inventory: Parameters<typeof renderJson>[0],
): Promise<{ json: string; md: string }> {
  const mdPath = path.join(root, MD_PATH);
  const jsonPath = path.join(root, JSON_PATH);
  const [mdConfig, jsonConfig] = await Promise.all([resolveConfig(mdPath), resolveConfig(jsonPath)]);
  return {
    md: await format(renderMarkdown(inventory), { ...mdConfig, filepath: mdPath }),
    json: await format(renderJson(inventory), { ...jsonConfig, filepath: jsonPath }),
  };
}

function readOrEmpty(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/**
 * `check: false` writes docs/ai-inventory.{md,json}; `check: true` writes nothing and fails on any problem.
 * `compareCommitted: false` skips the out-of-date rule (fixture projects commit no docs).
 */
export async function runInventory(
  root: string,
  options: { check: boolean; compareCommitted?: boolean },
): Promise<RunResult> {
  const analysis = analyzeProject(root);
  const expected = await renderFiles(root, analysis.inventory);
  const { entries, unusedFeatures } = analysis.inventory;
  if (!options.check) {
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, JSON_PATH), expected.json);
    fs.writeFileSync(path.join(root, MD_PATH), expected.md);
    const lines = [`Wrote ${MD_PATH} and ${JSON_PATH}: ${entries.length} entry points reach OpenAI.`];
    const problems = checkProblems(analysis, null, expected);
    if (problems.length > 0) lines.push(`${problems.length} problem(s); run \`npm run inventory:check\` to see them.`);
    return { exitCode: 0, lines };
  }
  const committed =
    options.compareCommitted === false
      ? null
      : { json: readOrEmpty(path.join(root, JSON_PATH)), md: readOrEmpty(path.join(root, MD_PATH)) };
  const problems = checkProblems(analysis, committed, expected);
  if (problems.length > 0) return { exitCode: 1, lines: problems.map(formatProblem) };
  const features = analysis.inventory.registeredFeatures.length - unusedFeatures.length;
  return {
    exitCode: 0,
    lines: [`AI inventory OK: ${entries.length} entry points reach OpenAI, ${features} registered features all used.`],
  };
}
