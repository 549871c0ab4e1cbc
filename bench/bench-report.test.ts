import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markdownTable, writeDocsSection } from './bench-report';

describe('writeDocsSection', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    // Inside the repository, so Prettier resolves the project's own config for it.
    dir = await mkdtemp(path.join(process.cwd(), '.bench-report-test-'));
    file = path.join(dir, 'benchmarks.md');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces only its own section, and leaves the file as Prettier formats it', async () => {
    await writeFile(file, '# Benchmarks\n\nIntro.\n\n## A\n\nold A\n\n## B\n\nkept B\n');
    const table = markdownTable(
      ['name', 'rows/s'],
      [
        ['store', '12,954'],
        ['pg multi-row INSERT', '12,008'],
      ],
      new Set([1]),
    );

    await writeDocsSection('## A', `## A\n\nnew A\n\n${table}\n`, file);

    const written = await readFile(file, 'utf8');
    expect(written).toBe(
      [
        '# Benchmarks',
        '',
        'Intro.',
        '',
        '## A',
        '',
        'new A',
        '',
        '| name                | rows/s |',
        '| ------------------- | -----: |',
        '| store               | 12,954 |',
        '| pg multi-row INSERT | 12,008 |',
        '',
        '## B',
        '',
        'kept B',
        '',
      ].join('\n'),
    );
    const options = await prettier.resolveConfig(file);
    expect(await prettier.check(written, { ...options, filepath: file })).toBe(true);
  });
});
