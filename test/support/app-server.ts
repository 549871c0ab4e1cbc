// Starts the built app (`npm start`: server.ts) as its own process on a free port, as a user would run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface AppServer {
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for exit (the app flushes its rows first). */
  stop(): Promise<number | null>;
}

export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    throw new Error('The app is not built: run `npm run build` (npm test does it for you).');
  }
}

/** The id Next.js gave a server action at build time. */
export function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const entry = Object.entries(manifest.node).find(([, v]) => v.filename === file && v.exportedName === exportedName);
  if (!entry) throw new Error(`No server action ${exportedName} in ${file} in the build manifest.`);
  return entry[0];
}

export interface StartAppOptions {
  /**
   * `node` (default): the server process itself, as the Dockerfile runs it. `npm`: through `npm start`, so
   * that signals reach the server the way npm passes them on (as under `docker stop` of an npm command).
   */
  via?: 'node' | 'npm';
}

export async function startApp(env: Record<string, string>, options: StartAppOptions = {}): Promise<AppServer> {
  assertBuilt();
  const port = await freePort();
  let output = '';
  const command =
    options.via === 'npm' ? ['npm', ['start', '--silent']] : [process.execPath, ['--import', 'tsx', 'server.ts']];
  const child = spawn(command[0] as string, command[1] as string[], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not answer GET /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
