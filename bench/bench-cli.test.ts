import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError, type OptionSpec } from './bench-cli';

const OPTIONS = {
  rows: { kind: 'count', default: 20_000 },
  batches: { kind: 'counts', default: [100, 500] },
  latencyMs: { kind: 'number', default: 200, min: 0, flag: '--latency' },
  profileDir: { kind: 'path', flag: '--profile' },
} satisfies Record<string, OptionSpec>;

describe('parseBenchArgs', () => {
  it('gives the defaults and docs on without arguments', () => {
    expect(parseBenchArgs([], OPTIONS)).toEqual({
      rows: 20_000,
      batches: [100, 500],
      latencyMs: 200,
      profileDir: undefined,
      docs: true,
    });
  });

  it('reads every kind of option, camelCase names as kebab-case flags unless a flag is given', () => {
    const args = parseBenchArgs(
      ['--rows', '1_000_000', '--batches', '10,20,30', '--latency', '2.5', '--profile', 'out', '--no-docs'],
      OPTIONS,
    );
    expect(args).toEqual({
      rows: 1_000_000,
      batches: [10, 20, 30],
      latencyMs: 2.5,
      profileDir: `${process.cwd()}/out`,
      docs: false,
    });
  });

  it('refuses an unknown flag with the usage line made from the table', () => {
    expect(() => parseBenchArgs(['--bogus'], OPTIONS)).toThrow(
      new UsageError(
        'unknown argument --bogus; usage: [--rows 20000] [--batches 100,500] [--latency 200] [--profile DIR] [--no-docs]',
      ),
    );
  });

  it('refuses a flag without its value', () => {
    expect(() => parseBenchArgs(['--rows'], OPTIONS)).toThrow(/^unknown argument --rows; usage: /);
  });

  it.each([
    [['--rows', '0'], '--rows takes positive integers, not "0"'],
    [['--rows', '1.5'], '--rows takes positive integers, not "1.5"'],
    [['--batches', '10,x'], '--batches takes positive integers, not "10,x"'],
    [['--latency', '-1'], '--latency takes a number ≥ 0, not "-1"'],
    [['--latency', 'soon'], '--latency takes a number ≥ 0, not "soon"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBenchArgs(argv, OPTIONS)).toThrow(new UsageError(message));
  });
});
