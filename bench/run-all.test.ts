import { describe, expect, it } from 'vitest';
import { benchScripts } from './run-all';

describe('benchScripts', () => {
  it('runs the known benchmarks in their order, then any others by name, and nothing else', () => {
    expect(
      benchScripts({
        'bench:zeta': 'tsx bench/zeta.ts',
        'bench:memory': 'tsx bench/memory-under-load.ts',
        bench: 'tsx bench/run-all.ts',
        'bench:sink': 'tsx bench/sink.ts',
        'bench:alpha': 'tsx bench/alpha.ts',
        'bench:dashboard': 'tsx bench/dashboard-queries.ts',
        'bench:overhead': 'tsx bench/overhead.ts',
        build: 'next build',
        'bench:persistence': 'tsx bench/persistence.ts',
      }),
    ).toEqual([
      'bench:dashboard',
      'bench:overhead',
      'bench:persistence',
      'bench:sink',
      'bench:memory',
      'bench:alpha',
      'bench:zeta',
    ]);
  });

  it('runs what exists when some are missing', () => {
    expect(benchScripts({ 'bench:memory': 'm', 'bench:dashboard': 'd' })).toEqual(['bench:dashboard', 'bench:memory']);
  });
});
