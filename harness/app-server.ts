// Starts the built app (`npm start`: server.ts) as its own process on a free port, as a user would run it.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startChild } from './child-process';
import { freePort } from './free-port';

export { ROOT } from './child-process';

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
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild({
    name: 'the app',
    ...(options.via === 'npm'
      ? { command: 'npm', args: ['start', '--silent'] }
      : { command: process.execPath, args: ['--import', 'tsx', 'server.ts'] }),
    env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    healthUrl: `${url}/healthz`,
  });
  return {
    url,
    process: child.process,
    output: child.output,
    async stop() {
      if (child.process.exitCode === null) child.process.kill('SIGTERM');
      return child.exited;
    },
  };
}
