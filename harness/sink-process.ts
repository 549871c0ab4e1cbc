// Starts the collector sink (`npm run collector`) as its own process on a free port, as a deployment runs it.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startChild } from './child-process';
import { freePort } from './free-port';

/** The bearer token the sink is started with unless the caller gives another. */
export const SINK_TOKEN = 'test-collector-token-0123456789';

export interface SinkProcess {
  /** The sink's base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** `${url}/v1/traces`. */
  tracesUrl: string;
  token: string;
  /** The sink's process: node itself, running the sources through tsx's CommonJS hook (no launcher). */
  process: ChildProcess;
  /** The sink's process id, for reading /proc/<pid>. */
  pid: number;
  /** Everything the sink wrote to stdout and stderr so far. */
  output(): string;
  /** The resident memory of the sink process, in bytes, from /proc. */
  rssBytes(): number;
  /** The most resident memory the sink process has had since it started (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** SIGTERM, then waits for exit; resolves to the exit code. Safe to call twice. */
  stop(): Promise<number | null>;
  /**
   * SIGKILL to the sink, as `kill -9 <pid>` does: no handler runs, requests in flight are cut. Resolves once it
   * has exited, so the port is free for another sink.
   */
  kill(): Promise<void>;
}

export interface StartSinkOptions {
  /** The port to listen on, e.g. a killed sink's, to start it again where clients send. Default: a free one. */
  port?: number;
}

/** The node arguments of package.json's `collector` script (`exec node <arguments>`). */
function collectorArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [exec, node, ...args] = (scripts.collector ?? '').split(' ');
  if (exec !== 'exec' || node !== 'node') throw new Error(`package.json's collector script is not 'exec node …'`);
  return args;
}

/** A memory figure of /proc/<pid>/status (VmRSS, VmHWM), in bytes. */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/**
 * Starts the sink with `env` (COLLECTOR_TOKEN defaults to {@link SINK_TOKEN}; give DATABASE_URL or
 * SPENDTRACE_DATA_DIR) and resolves once GET /healthz answers.
 */
export async function startSink(env: Record<string, string>, options: StartSinkOptions = {}): Promise<SinkProcess> {
  const port = options.port ?? (await freePort());
  const token = env.COLLECTOR_TOKEN ?? SINK_TOKEN;
  const url = `http://127.0.0.1:${port}`;
  const started = await startChild({
    name: 'the sink',
    // As `npm run collector` runs it (package.json says why each flag).
    command: process.execPath,
    args: collectorArgs(),
    env: {
      NODE_ENV: 'production',
      COLLECTOR_HOST: '127.0.0.1',
      COLLECTOR_PORT: String(port),
      COLLECTOR_TOKEN: token,
      // A free port each: test sinks run side by side (the default, 4317, would clash).
      COLLECTOR_GRPC_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    healthUrl: `${url}/healthz`,
  });
  const { process: child, output, exited } = started;
  const pid = child.pid ?? -1;
  let stopping = false;
  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    token,
    process: child,
    pid,
    output,
    rssBytes: () => memoryOf(pid, 'VmRSS'),
    peakRssBytes: () => memoryOf(pid, 'VmHWM'),
    stop() {
      // Once: the sink is already draining, and says so in its log only once.
      if (!stopping && child.exitCode === null) child.kill('SIGTERM');
      stopping = true;
      return exited;
    },
    async kill() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      await exited;
    },
  };
}
