// loadCollectorConfig: the defaults, a full environment, each validation message, blank values, and the
// decompressed-body limit derived from the body limit.
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../lib/config/env-schema';
import { loadCollectorConfig, type CollectorConfig } from './config';

const TOKEN = 'sink-token-0123456789';

const DEFAULTS: CollectorConfig = {
  port: 4318,
  grpcPort: 4317,
  host: '127.0.0.1',
  token: TOKEN,
  maxBodyBytes: 4 * 1024 * 1024,
  maxDecompressedBytes: 32 * 1024 * 1024,
  retryAfterSeconds: 5,
  databaseUrl: undefined,
  dataDir: '.data/pglite',
  logLevel: 'info',
  shutdownGraceMs: 20_000,
  alertWebhookUrl: undefined,
  alertIntervalSeconds: 15,
  spikeFactor: 5,
  breakdownKeys: ['tenant', 'user_id', 'plan'],
  retentionDays: 0,
};

/** The message loadCollectorConfig throws for these `VARIABLE: message` lines. */
function invalid(...lines: string[]): string {
  return `Invalid collector sink configuration:\n${lines.map((line) => `  ${line}`).join('\n')}\nFix these variables (see .env.example) and start again.`;
}

/** What loadCollectorConfig threw; fails the test when it did not throw a ConfigError. */
function errorOf(env: Record<string, string | undefined>): { name: string; message: string } {
  try {
    loadCollectorConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { name: error.name, message: error.message };
    throw error;
  }
  throw new Error(`loadCollectorConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadCollectorConfig', () => {
  describe('defaults', () => {
    it('needs only COLLECTOR_TOKEN', () => {
      expect(loadCollectorConfig({ COLLECTOR_TOKEN: TOKEN })).toEqual(DEFAULTS);
    });

    it('ignores variables it does not know', () => {
      expect(loadCollectorConfig({ COLLECTOR_TOKEN: TOKEN, PORT: '3000', HOME: '/home/sink' })).toEqual(DEFAULTS);
    });
  });

  describe('a full environment', () => {
    const full = {
      COLLECTOR_PORT: '14318',
      COLLECTOR_GRPC_PORT: '14317',
      COLLECTOR_HOST: '0.0.0.0',
      COLLECTOR_TOKEN: TOKEN,
      COLLECTOR_MAX_BODY_BYTES: '1048576',
      COLLECTOR_MAX_DECOMPRESSED_BYTES: '2097152',
      COLLECTOR_RETRY_AFTER_SECONDS: '30',
      DATABASE_URL: 'postgresql://spendtrace@db:5432/spendtrace',
      SPENDTRACE_DATA_DIR: '/var/lib/spendtrace',
      LOG_LEVEL: 'debug',
      SPENDTRACE_SHUTDOWN_GRACE_MS: '5000',
      SPENDTRACE_ALERT_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/x',
      SPENDTRACE_ALERT_INTERVAL_SECONDS: '60',
      SPENDTRACE_SPIKE_FACTOR: '0',
      SPENDTRACE_BREAKDOWN_KEYS: 'customer',
      SPENDTRACE_RETENTION_DAYS: '90',
    };

    it('maps every variable to its field', () => {
      expect(loadCollectorConfig(full)).toEqual({
        port: 14318,
        grpcPort: 14317,
        host: '0.0.0.0',
        token: TOKEN,
        maxBodyBytes: 1_048_576,
        maxDecompressedBytes: 2_097_152,
        retryAfterSeconds: 30,
        databaseUrl: 'postgresql://spendtrace@db:5432/spendtrace',
        dataDir: '/var/lib/spendtrace',
        logLevel: 'debug',
        shutdownGraceMs: 5000,
        alertWebhookUrl: 'https://discord.com/api/webhooks/1/x',
        alertIntervalSeconds: 60,
        spikeFactor: 0,
        breakdownKeys: ['customer'],
        retentionDays: 90,
      });
    });

    it.each([
      { env: { COLLECTOR_PORT: '0' }, field: { port: 0 } },
      { env: { COLLECTOR_PORT: '65535' }, field: { port: 65535 } },
      { env: { COLLECTOR_GRPC_PORT: '0' }, field: { grpcPort: 0 } },
      { env: { COLLECTOR_GRPC_PORT: '65535' }, field: { grpcPort: 65535 } },
      { env: { COLLECTOR_GRPC_PORT: 'off' }, field: { grpcPort: undefined } },
      { env: { COLLECTOR_GRPC_PORT: ' off ' }, field: { grpcPort: undefined } },
      { env: { DATABASE_URL: 'postgres://db/spendtrace' }, field: { databaseUrl: 'postgres://db/spendtrace' } },
      { env: { LOG_LEVEL: 'silent' }, field: { logLevel: 'silent' } },
      { env: { COLLECTOR_RETRY_AFTER_SECONDS: '3600' }, field: { retryAfterSeconds: 3600 } },
      { env: { SPENDTRACE_SHUTDOWN_GRACE_MS: '0' }, field: { shutdownGraceMs: 0 } },
    ])('accepts the edge value $env', ({ env, field }) => {
      expect(loadCollectorConfig({ COLLECTOR_TOKEN: TOKEN, ...env })).toEqual({ ...DEFAULTS, ...field });
    });
  });

  describe('blank values', () => {
    it('treats empty and whitespace-only values as unset', () => {
      const config = loadCollectorConfig({
        COLLECTOR_PORT: '',
        COLLECTOR_GRPC_PORT: ' ',
        COLLECTOR_HOST: '   ',
        COLLECTOR_TOKEN: TOKEN,
        COLLECTOR_MAX_BODY_BYTES: '',
        COLLECTOR_MAX_DECOMPRESSED_BYTES: ' ',
        COLLECTOR_RETRY_AFTER_SECONDS: '\t',
        DATABASE_URL: '',
        SPENDTRACE_DATA_DIR: ' ',
        LOG_LEVEL: '',
      });

      expect(config).toEqual(DEFAULTS);
    });

    it('trims the values it keeps', () => {
      expect(loadCollectorConfig({ COLLECTOR_TOKEN: ` ${TOKEN} `, COLLECTOR_PORT: ' 8080 ' })).toEqual({
        ...DEFAULTS,
        port: 8080,
      });
    });
  });

  describe('invalid values', () => {
    const tokenRequired = 'COLLECTOR_TOKEN: is required: clients must send Authorization: Bearer <COLLECTOR_TOKEN>';

    it.each([
      { problem: 'no COLLECTOR_TOKEN', env: {}, lines: [tokenRequired] },
      { problem: 'a blank COLLECTOR_TOKEN', env: { COLLECTOR_TOKEN: '   ' }, lines: [tokenRequired] },
      {
        problem: 'a COLLECTOR_TOKEN of 15 characters',
        env: { COLLECTOR_TOKEN: 'x'.repeat(15) },
        lines: ['COLLECTOR_TOKEN: must be at least 16 characters'],
      },
      {
        problem: 'several bad variables',
        env: { COLLECTOR_PORT: '4318.5', DATABASE_URL: 'file:./dev.db' },
        lines: [
          'COLLECTOR_PORT: must be a whole number',
          tokenRequired,
          'DATABASE_URL: must be a postgres:// or postgresql:// URL',
        ],
      },
    ])('throws a ConfigError naming $problem', ({ env, lines }) => {
      expect(errorOf(env)).toEqual({ name: 'ConfigError', message: invalid(...lines) });
    });

    // One bad variable beside a valid COLLECTOR_TOKEN: the message names that variable alone.
    it.each([
      ['a COLLECTOR_PORT that is not a number', 'COLLECTOR_PORT', 'http', 'must be a whole number'],
      ['a negative COLLECTOR_PORT', 'COLLECTOR_PORT', '-1', 'must be a whole number'],
      ['a COLLECTOR_PORT above 65535', 'COLLECTOR_PORT', '65536', 'Too big: expected number to be <=65535'],
      ['a COLLECTOR_GRPC_PORT above 65535', 'COLLECTOR_GRPC_PORT', '65536', 'must be a port from 0 to 65535, or off'],
      ['a negative COLLECTOR_GRPC_PORT', 'COLLECTOR_GRPC_PORT', '-1', 'must be a port from 0 to 65535, or off'],
      ['a COLLECTOR_GRPC_PORT of OFF', 'COLLECTOR_GRPC_PORT', 'OFF', 'must be a port from 0 to 65535, or off'],
      ['a COLLECTOR_GRPC_PORT of false', 'COLLECTOR_GRPC_PORT', 'false', 'must be a port from 0 to 65535, or off'],
      [
        'a DATABASE_URL that is not postgres',
        'DATABASE_URL',
        'mysql://db/spendtrace',
        'must be a postgres:// or postgresql:// URL',
      ],
      [
        'a COLLECTOR_MAX_BODY_BYTES under 1 KiB',
        'COLLECTOR_MAX_BODY_BYTES',
        '1023',
        'Too small: expected number to be >=1024',
      ],
      [
        'a COLLECTOR_MAX_DECOMPRESSED_BYTES over 1 GiB',
        'COLLECTOR_MAX_DECOMPRESSED_BYTES',
        String(1024 ** 3 + 1),
        'Too big: expected number to be <=1073741824',
      ],
      [
        'a COLLECTOR_RETRY_AFTER_SECONDS of 0',
        'COLLECTOR_RETRY_AFTER_SECONDS',
        '0',
        'Too small: expected number to be >=1',
      ],
      [
        'an unknown LOG_LEVEL',
        'LOG_LEVEL',
        'verbose',
        'Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
      ],
    ])('throws a ConfigError naming $0', (_problem, variable, value, message) => {
      expect(errorOf({ COLLECTOR_TOKEN: TOKEN, [variable]: value })).toEqual({
        name: 'ConfigError',
        message: invalid(`${variable}: ${message}`),
      });
    });
  });

  describe('maxDecompressedBytes', () => {
    it.each([
      { maxBodyBytes: 1024, expected: 8192 },
      { maxBodyBytes: 1_048_576, expected: 8_388_608 },
      { maxBodyBytes: 64 * 1024 * 1024, expected: 512 * 1024 * 1024 },
    ])('defaults to 8 × a maxBodyBytes of $maxBodyBytes', ({ maxBodyBytes, expected }) => {
      expect(loadCollectorConfig({ COLLECTOR_TOKEN: TOKEN, COLLECTOR_MAX_BODY_BYTES: String(maxBodyBytes) })).toEqual({
        ...DEFAULTS,
        maxBodyBytes,
        maxDecompressedBytes: expected,
      });
    });

    it('takes COLLECTOR_MAX_DECOMPRESSED_BYTES over the default', () => {
      expect(
        loadCollectorConfig({
          COLLECTOR_TOKEN: TOKEN,
          COLLECTOR_MAX_BODY_BYTES: '1048576',
          COLLECTOR_MAX_DECOMPRESSED_BYTES: '1024',
        }),
      ).toEqual({ ...DEFAULTS, maxBodyBytes: 1_048_576, maxDecompressedBytes: 1024 });
    });

    // maxDecompressedBytes defaults to 8 × maxBodyBytes but never past 1 GiB, the most
    // COLLECTOR_MAX_DECOMPRESSED_BYTES accepts and well under Node's buffer limit.
    it('keeps the default within the 1 GiB COLLECTOR_MAX_DECOMPRESSED_BYTES accepts', () => {
      const config = loadCollectorConfig({ COLLECTOR_TOKEN: TOKEN, COLLECTOR_MAX_BODY_BYTES: String(1024 ** 3) });

      expect(config.maxDecompressedBytes).toBeLessThanOrEqual(1024 ** 3);
    });
  });
});
