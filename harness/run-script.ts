// Runs a TypeScript script of the repo (a job, a fixture) as its own Node.js process through tsx, with a
// clean environment plus `env`, and collects what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './child-process';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ScriptOptions {
  /** Arguments after the script's path. */
  args?: string[];
  /** Past this the script is killed (SIGKILL) and its result says so on stderr. Default 120000 ms. */
  timeoutMs?: number;
}

export interface RunningScript {
  /** The tsx launcher, which passes signals on to the script's own process. */
  process: ChildProcess;
  result: Promise<ScriptResult>;
}

/** Starts the script; its result resolves when it exits. */
export function startScript(script: string, env: Record<string, string>, options: ScriptOptions = {}): RunningScript {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const result = new Promise<ScriptResult>((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[run-script: ${script} still running after ${timeoutMs} ms; killed]\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { process: child, result };
}

export function runScript(
  script: string,
  env: Record<string, string>,
  options: ScriptOptions = {},
): Promise<ScriptResult> {
  return startScript(script, env, options).result;
}
