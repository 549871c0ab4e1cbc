import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExporterStatsLogger } from './exporter-stats-logger';
import type { InteractionExporterStats } from './interaction-exporter';

function recorder() {
  const lines: { level: string; fields: unknown; message: string }[] = [];
  return {
    lines,
    logger: {
      info: (fields: unknown, message: string) => lines.push({ level: 'info', fields, message }),
      debug: (fields: unknown, message: string) => lines.push({ level: 'debug', fields, message }),
    },
  };
}

const IDLE: InteractionExporterStats = { buffered: 0, written: 0, dropped: 0, rejected: 0, failedWrites: 0 };

describe('ExporterStatsLogger', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('start', () => {
    it('logs at info when a figure changed since the last line and at debug when none did', () => {
      let stats = IDLE;
      const { lines, logger } = recorder();
      // pino's Logger overloads are wider than this recorder; the two methods used are what matter.
      const statsLogger = new ExporterStatsLogger({
        stats: () => stats,
        logger: logger as never,
        intervalMs: 1000,
        maxBufferedRows: 500,
      });
      statsLogger.start();
      vi.advanceTimersByTime(1000);
      vi.advanceTimersByTime(1000);
      stats = { buffered: 120, written: 30, dropped: 4, rejected: 0, failedWrites: 1 };
      vi.advanceTimersByTime(1000);
      statsLogger.stop();
      statsLogger.stop();
      vi.advanceTimersByTime(5000);

      const exporter = (s: InteractionExporterStats) => ({
        component: 'spendtrace',
        exporter: { ...s, maxBufferedRows: 500 },
      });
      expect(lines).toEqual([
        { level: 'info', fields: exporter(IDLE), message: 'exporter stats' },
        { level: 'debug', fields: exporter(IDLE), message: 'exporter stats' },
        { level: 'info', fields: exporter(stats), message: 'exporter stats' },
        // stop() writes the final figures once, then nothing more.
        { level: 'debug', fields: exporter(stats), message: 'exporter stats' },
      ]);
    });
  });

  describe('log', () => {
    it('never throws when reading the figures fails', () => {
      const { lines, logger } = recorder();
      const statsLogger = new ExporterStatsLogger({
        stats: () => {
          throw new Error('boom');
        },
        logger: logger as never,
        intervalMs: 1000,
        maxBufferedRows: 500,
      });
      expect(() => statsLogger.log()).not.toThrow();
      expect(lines).toEqual([]);
    });
  });
});
