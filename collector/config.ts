// The sink's configuration: its environment read once and validated, with a clear message per variable.
import { z } from 'zod';
import {
  alertIntervalSeconds,
  alertWebhookUrl,
  breakdownKeys,
  databaseUrl,
  DEFAULT_BREAKDOWN_KEYS,
  logLevel,
  optionalInt,
  optionalString,
  parseEnv,
  retentionDays,
  spikeFactor,
} from '../lib/config/env-schema';

export const COLLECTOR_DEFAULT_PORT = 4318;
export const COLLECTOR_DEFAULT_GRPC_PORT = 4317;
export const COLLECTOR_DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

const EnvSchema = z.object({
  COLLECTOR_PORT: optionalInt(0, 65535),
  COLLECTOR_GRPC_PORT: optionalString.pipe(
    z
      .string()
      .refine((v) => v === 'off' || (/^\d+$/.test(v) && Number(v) <= 65535), 'must be a port from 0 to 65535, or off')
      .transform((v) => (v === 'off' ? v : Number(v)))
      .optional(),
  ),
  COLLECTOR_HOST: optionalString,
  COLLECTOR_TOKEN: optionalString.pipe(
    z
      .string('is required: clients must send Authorization: Bearer <COLLECTOR_TOKEN>')
      .min(16, 'must be at least 16 characters'),
  ),
  COLLECTOR_MAX_BODY_BYTES: optionalInt(1024, 1024 * 1024 * 1024),
  COLLECTOR_MAX_DECOMPRESSED_BYTES: optionalInt(1024, 1024 * 1024 * 1024),
  COLLECTOR_RETRY_AFTER_SECONDS: optionalInt(1, 3600),
  DATABASE_URL: databaseUrl,
  SPENDTRACE_DATA_DIR: optionalString,
  LOG_LEVEL: logLevel,
  SPENDTRACE_SHUTDOWN_GRACE_MS: optionalInt(0, 600_000),
  SPENDTRACE_ALERT_WEBHOOK_URL: alertWebhookUrl,
  SPENDTRACE_ALERT_INTERVAL_SECONDS: alertIntervalSeconds,
  SPENDTRACE_SPIKE_FACTOR: spikeFactor,
  SPENDTRACE_BREAKDOWN_KEYS: breakdownKeys,
  SPENDTRACE_RETENTION_DAYS: retentionDays,
});

export interface CollectorConfig {
  /** Default 4318, the OTLP/HTTP port. */
  port: number;
  /** The OTLP/gRPC port. Default 4317; undefined (COLLECTOR_GRPC_PORT=off): no gRPC receiver. */
  grpcPort: number | undefined;
  /** Default 127.0.0.1; set 0.0.0.0 in a container. Both receivers listen on it. */
  host: string;
  /** Required bearer token, compared in constant time. */
  token: string;
  /** Largest request body as sent (compressed), and largest gRPC message. Default 4 MiB. */
  maxBodyBytes: number;
  /** Largest request body after gunzip. Default 8 × maxBodyBytes, at most 1 GiB. */
  maxDecompressedBytes: number;
  /** Retry-After of a 503 when the database is unavailable. Default 5 s. */
  retryAfterSeconds: number;
  /** Postgres URL; unset: the embedded PGlite database under dataDir (only when no other process uses it). */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  /** On SIGTERM/SIGINT, how long requests in flight may take before their connections are closed. Default 20000 ms. */
  shutdownGraceMs: number;
  /** Budget and spike alerts, as the app sends them (the sink's rows count toward budgets too). Unset: none. */
  alertWebhookUrl: string | undefined;
  /** How often due alerts are recorded and posted. Default 15 s. */
  alertIntervalSeconds: number;
  /** See the app's SPENDTRACE_SPIKE_FACTOR. Default 5; 0 turns spike alerts off. */
  spikeFactor: number;
  /** See the app's SPENDTRACE_BREAKDOWN_KEYS. Default `tenant,user_id,plan`. */
  breakdownKeys: readonly string[];
  /** See the app's SPENDTRACE_RETENTION_DAYS. Default 0: keep every call. */
  retentionDays: number;
}

export function loadCollectorConfig(env: Record<string, string | undefined> = process.env): CollectorConfig {
  const e = parseEnv(EnvSchema, env, 'Invalid collector sink configuration');
  const maxBodyBytes = e.COLLECTOR_MAX_BODY_BYTES ?? COLLECTOR_DEFAULT_MAX_BODY_BYTES;
  return {
    port: e.COLLECTOR_PORT ?? COLLECTOR_DEFAULT_PORT,
    grpcPort: e.COLLECTOR_GRPC_PORT === 'off' ? undefined : (e.COLLECTOR_GRPC_PORT ?? COLLECTOR_DEFAULT_GRPC_PORT),
    host: e.COLLECTOR_HOST ?? '127.0.0.1',
    token: e.COLLECTOR_TOKEN,
    maxBodyBytes,
    // Never past 1 GiB, the largest the variable itself allows (and well under Node's buffer limit).
    maxDecompressedBytes: e.COLLECTOR_MAX_DECOMPRESSED_BYTES ?? Math.min(maxBodyBytes * 8, 1024 * 1024 * 1024),
    retryAfterSeconds: e.COLLECTOR_RETRY_AFTER_SECONDS ?? 5,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.SPENDTRACE_DATA_DIR ?? '.data/pglite',
    logLevel: e.LOG_LEVEL ?? 'info',
    shutdownGraceMs: e.SPENDTRACE_SHUTDOWN_GRACE_MS ?? 20_000,
    alertWebhookUrl: e.SPENDTRACE_ALERT_WEBHOOK_URL,
    alertIntervalSeconds: e.SPENDTRACE_ALERT_INTERVAL_SECONDS ?? 15,
    spikeFactor: e.SPENDTRACE_SPIKE_FACTOR ?? 5,
    breakdownKeys: e.SPENDTRACE_BREAKDOWN_KEYS ?? DEFAULT_BREAKDOWN_KEYS,
    retentionDays: e.SPENDTRACE_RETENTION_DAYS ?? 0,
  };
}
