// The house plan, checked on the real tree: every part of lib/ belongs to a layer (eslint.layers.mjs), no
// folder of lib/ imports one that imports it back, no import circle anywhere, no source file over 400 lines,
// and the lint rule refuses a change that would break the layers or close a circle.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../eslint.layers.mjs';

const ROOT = path.resolve(__dirname, '..');

/** The repository's own TypeScript sources (tracked or new), without generated code. */
function sources(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((file) => /\.(ts|tsx)$/.test(file) && !file.includes('/generated/') && existsSync(path.join(ROOT, file)));
}

const isTest = (file: string): boolean => /\.test\.tsx?$/.test(file) || /^(test|e2e|bench)\//.test(file);

/** The repository files `file` imports (relative and `@/` specifiers), resolved as TypeScript would. */
function importsOf(file: string, known: Set<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return importedFiles.flatMap(({ fileName }) => {
    let base: string;
    if (fileName.startsWith('@/')) base = fileName.slice(2);
    else if (fileName.startsWith('.')) base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
    else return [];
    const found = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => known.has(candidate));
    return found ? [found] : [];
  });
}

/** The part of lib/ a file belongs to: its folder (`lib/db`), or the file itself at lib/'s top level. */
function libPart(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'lib') return undefined;
  return parts.length === 2 ? file : `lib/${parts[1] ?? ''}`;
}

describe('the house plan', () => {
  const files = sources();
  const known = new Set(files);
  const code = files.filter((file) => !isTest(file));
  const graph = new Map(code.map((file) => [file, importsOf(file, known)]));

  it('puts every part of lib/ in exactly one layer', () => {
    const parts = new Set(code.map(libPart).filter((part): part is string => part !== undefined));
    const layerOf = (part: string): string[] =>
      LAYERS.filter((layer) => layer.paths.includes(part)).map((layer) => layer.name);
    expect([...parts].sort().map((part) => [part, layerOf(part).length])).toEqual(
      [...parts].sort().map((part) => [part, 1]),
    );
  });

  it('has no folder of lib/ importing one that imports it back', () => {
    const edges = new Set<string>();
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = libPart(file);
        const to = libPart(target);
        if (from && to && from !== to) edges.add(`${from} -> ${to}`);
      }
    }
    const mutual = [...edges].filter((edge) => {
      const [from = '', to = ''] = edge.split(' -> ');
      return edges.has(`${to} -> ${from}`);
    });
    expect(mutual).toEqual([]);
    // The graph is not trivially empty: the check would notice a pair.
    expect(edges.has('lib/telemetry -> lib/ledger')).toBe(true);
  });

  it('has no import circle among the sources', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') circles.push([...stack.slice(stack.indexOf(next)), next].join(' > '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of code) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });

  it('keeps every source file outside bench/ and the tests at 400 lines or fewer', () => {
    const styles = execFileSync('git', ['ls-files', '*.css'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const long = [...code, ...styles.filter((file) => file !== '')]
      .map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });
});

describe('npm run lint on a change that breaks the plan', () => {
  it('refuses an upward import and an import circle, and accepts a downward import', { timeout: 120_000 }, async () => {
    const probes = {
      'lib/ledger/zz-probe-upward.ts':
        "import { TRACER_NAME } from '../telemetry/source-context';\nexport const X = TRACER_NAME;\n",
      'lib/db/zz-probe-a.ts': "import { B } from './zz-probe-b';\nexport const A = 1;\nexport const AB = A + B;\n",
      'lib/db/zz-probe-b.ts': "import { A } from './zz-probe-a';\nexport const B = 2;\nexport const BA = A + B;\n",
      'lib/db/zz-probe-downward.ts':
        "import { ATTR_AI_SOURCE } from '../ledger/attributes';\nexport const S = ATTR_AI_SOURCE;\n",
    };
    try {
      for (const [file, text] of Object.entries(probes)) writeFileSync(path.join(ROOT, file), text);
      const eslint = new ESLint({ cwd: ROOT });
      const results = await eslint.lintFiles(Object.keys(probes));
      const found = results
        .flatMap((result) => result.messages.map((m) => `${path.relative(ROOT, result.filePath)}: ${m.ruleId ?? ''}`))
        .sort();
      expect(found).toEqual([
        'lib/db/zz-probe-a.ts: import/no-cycle',
        'lib/db/zz-probe-b.ts: import/no-cycle',
        'lib/ledger/zz-probe-upward.ts: import/no-restricted-paths',
      ]);
    } finally {
      await Promise.all(Object.keys(probes).map((file) => rm(path.join(ROOT, file), { force: true })));
    }
  });
});
