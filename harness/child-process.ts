// A process of the repo's (the app, the sink) started as its users start it, and awaited until it answers
// its health check: what tests and benchmarks share to run the real parts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The repository's root. */
export const ROOT = path.resolve(__dirname, '..');

export interface ChildOptions {
  /** What the process is, for messages: `the app`, `the sink`. */
  name: string;
  command: string;
  args: string[];
  /** The whole environment: PATH and HOME are added, nothing else is inherited. */
  env: Record<string, string> & { NODE_ENV: 'production' | 'test' };
  /** GET this URL until it answers 200. */
  healthUrl: string;
  /** How long to wait for it. Default 60000 ms. */
  timeoutMs?: number;
}

export interface Child {
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves to the exit code once it has exited. */
  exited: Promise<number | null>;
}

/** Starts the process and resolves once its health URL answers 200; rejects (with its output) if it exits first. */
export async function startChild(options: ChildOptions): Promise<Child> {
  let output = '';
  const child = spawn(options.command, options.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(options.healthUrl);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${options.name} did not answer GET ${options.healthUrl} within ${timeoutMs / 1000} s:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, output: () => output, exited };
}
