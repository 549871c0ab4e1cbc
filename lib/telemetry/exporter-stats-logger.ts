// Tells operators (and the memory benchmark) what the InteractionExporter holds: every interval, one
// `exporter stats` log line, at `info` when a figure changed since the last line and at `debug` otherwise,
// so a quiet app stays quiet at the default level.
import type { Logger } from 'pino';
import type { InteractionExporterStats } from './interaction-exporter';

export interface ExporterStatsLoggerOptions {
  /** The exporter's figures, read each interval. */
  stats: () => InteractionExporterStats;
  logger: Pick<Logger, 'info' | 'debug'>;
  intervalMs: number;
  /** The buffer's bound (`SPENDTRACE_BUFFER_MAX_ROWS`), logged alongside so a line reads on its own. */
  maxBufferedRows: number;
}

export class ExporterStatsLogger {
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;

  constructor(private readonly options: ExporterStatsLoggerOptions) {}

  /** Starts logging every interval; the timer never keeps the process alive. Safe to call twice. */
  start(): void {
    this.timer ??= setInterval(() => this.log(), this.options.intervalMs).unref();
  }

  /** Writes one line now: `info` if a figure changed since the last line, `debug` if not. Never throws. */
  log(): void {
    try {
      const stats = this.options.stats();
      const key = JSON.stringify(stats);
      const level = key === this.last ? 'debug' : 'info';
      this.last = key;
      this.options.logger[level](
        { component: 'spendtrace', exporter: { ...stats, maxBufferedRows: this.options.maxBufferedRows } },
        'exporter stats',
      );
    } catch {
      // A log line is not worth breaking the app for.
    }
  }

  /** Stops the timer, after one last line so the final figures are on record. Safe to call twice. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.log();
  }
}
