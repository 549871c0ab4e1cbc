// Spendtrace's configuration: the environment read once, validated with zod, and passed down typed.
// Nothing else in the app reads process.env (the OpenTelemetry SDK reads its own OTEL_* variables).
import { z } from 'zod';
import { TRACES_SAMPLERS, type TracesSamplerName } from './sampler-names';
import {
  alertIntervalSeconds,
  alertWebhookUrl,
  booleanFlag,
  breakdownKeys,
  retentionDays,
  DEFAULT_BREAKDOWN_KEYS,
  databaseUrl,
  httpUrl,
  logLevel,
  optionalEnum,
  optionalInt,
  optionalString,
  parseEnv,
  spikeFactor,
} from './env-schema';

export { ConfigError } from './env-schema';

const EnvSchema = z.object({
  DATABASE_URL: databaseUrl,
  SPENDTRACE_DATA_DIR: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: httpUrl('must be an http(s) URL such as https://api.openai.com/v1'),
  OPENAI_TIMEOUT_MS: optionalInt(100, 600_000),
  OPENAI_MAX_RETRIES: optionalInt(0, 10),
  CRON_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  DASHBOARD_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  DASHBOARD_SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DASHBOARD_SESSION_HOURS: optionalInt(1, 720),
  JAEGER_URL: httpUrl('must be an http(s) URL such as http://localhost:16686'),
  PORT: optionalInt(1, 65535),
  LOG_LEVEL: logLevel,
  SPENDTRACE_CAPTURE_CONTENT: booleanFlag,
  SPENDTRACE_EXPORTER: optionalEnum(['database', 'otlp', 'both', 'none']),
  SPENDTRACE_BUFFER_MAX_ROWS: optionalInt(1),
  SPENDTRACE_STATS_LOG_SECONDS: optionalInt(0, 86_400),
  SPENDTRACE_PROPAGATE_URLS: optionalString,
  OTEL_SERVICE_NAME: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('must be an http(s) URL such as http://localhost:4318'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl('must be an http(s) URL such as http://localhost:4318/v1/traces'),
  OTEL_EXPORTER_OTLP_PROTOCOL: optionalEnum(['http/protobuf', 'http/json']),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optionalEnum(['http/protobuf', 'http/json']),
  OTEL_SDK_DISABLED: booleanFlag,
  OTEL_TRACES_SAMPLER: optionalEnum(TRACES_SAMPLERS),
  OTEL_TRACES_SAMPLER_ARG: optionalString.pipe(
    z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1, such as 0.01')
      .transform(Number)
      .optional(),
  ),
  SPENDTRACE_SHUTDOWN_GRACE_MS: optionalInt(0, 600_000),
  SPENDTRACE_ALERT_WEBHOOK_URL: alertWebhookUrl,
  SPENDTRACE_ALERT_INTERVAL_SECONDS: alertIntervalSeconds,
  SPENDTRACE_BUDGET_REFRESH_SECONDS: optionalInt(1, 3600),
  SPENDTRACE_SPIKE_FACTOR: spikeFactor,
  SPENDTRACE_BREAKDOWN_KEYS: breakdownKeys,
  SPENDTRACE_RETENTION_DAYS: retentionDays,
  SPENDTRACE_SERVICE_VERSION: optionalString,
});

/** Typed, validated configuration. Defaults are applied in {@link loadConfig}. */
export interface Config {
  /** Postgres URL. Unset: the embedded PGlite database under {@link Config.dataDir}. */
  databaseUrl: string | undefined;
  /** Where the embedded database lives. Default `.data/pglite`. */
  dataDir: string;
  /** OpenAI API key. Unset: the app talks to the simulated local provider. */
  openaiApiKey: string | undefined;
  /** The OpenAI SDK's base URL override. */
  openaiBaseUrl: string | undefined;
  /** Per-request timeout of OpenAI calls, each attempt. Default 60000 ms. */
  openaiTimeoutMs: number;
  /** Retries of a failed OpenAI request (429, 5xx, connection errors), by the SDK. Default 2. */
  openaiMaxRetries: number;
  /** Bearer secret required by cron endpoints. Unset: cron endpoints answer 503. */
  cronSecret: string | undefined;
  /** The shared admin token that opens the dashboard. Unset: the dashboard is closed (503). */
  dashboardToken: string | undefined;
  /**
   * Signs dashboard session cookies. Unset: a key derived from {@link Config.dashboardToken}, so
   * rotating the token signs everyone out.
   */
  dashboardSessionSecret: string | undefined;
  /** How long a dashboard sign-in lasts, in hours (1 to 720). Default 12. */
  dashboardSessionHours: number;
  /** Jaeger's UI, for a trace link on each call (`<jaegerUrl>/trace/<trace id>`). Unset: no links. */
  jaegerUrl: string | undefined;
  port: number;
  /** pino level. Default `info`. */
  logLevel: NonNullable<z.infer<typeof EnvSchema>['LOG_LEVEL']>;
  /** Record prompt and completion text on spans. Default false (private by default). */
  captureContent: boolean;
  /**
   * Where spans go: `database` writes AIInteraction rows in-process; `otlp` sends spans to an
   * OpenTelemetry Collector; `both` does both. Default: `both` when an OTLP endpoint is set, else `database`.
   */
  exporter: 'database' | 'otlp' | 'both' | 'none';
  /** Rows the exporter holds while the database is unreachable. Default 10000. */
  bufferMaxRows: number;
  /**
   * How often the exporter's figures (rows buffered, written, dropped) are logged as `exporter stats`: at
   * `info` when they changed, else at `debug`. 0 turns it off. Default 60 s.
   */
  statsLogSeconds: number;
  /**
   * URL prefixes of downstream services that receive trace context and baggage (so `ai.source`) on
   * outgoing fetches. Default: none besides http://localhost; never third parties such as OpenAI.
   */
  propagateUrls: string[];
  serviceName: string;
  otlpEndpoint: string | undefined;
  /** OTLP encoding. Default `http/protobuf`. */
  otlpProtocol: 'http/protobuf' | 'http/json';
  sdkDisabled: boolean;
  /**
   * Which traces are sampled (sent to trace backends). Default `parentbased_always_on`. The ledger is not
   * sampled: AI calls in dropped traces are still recorded and become rows (see LedgerSampler).
   */
  tracesSampler: TracesSamplerName;
  /** The ratio of the `*traceidratio` samplers. Default 1. */
  tracesSamplerRatio: number;
  /**
   * On SIGTERM/SIGINT, how long the server lets requests in flight finish (it takes no new ones meanwhile)
   * before it closes their connections, flushes the rows and exits. Default 20000 ms, under Kubernetes'
   * default 30 s termination grace period.
   */
  shutdownGraceMs: number;
  /** Budget and spike alerts are posted here as JSON with a `text` line (Slack, Discord). Unset: no alerts. */
  alertWebhookUrl: string | undefined;
  /** How often due alerts are recorded and posted. Default 15 s. */
  alertIntervalSeconds: number;
  /**
   * How often each process re-reads budgets and their spend from the database, in seconds. Between reads it
   * adds the calls it prices itself. Default 5. Bounds how far N processes can overshoot an enforced budget.
   */
  budgetRefreshSeconds: number;
  /** A source whose last hour cost more than this many times its trailing 7-day hourly average alerts. Default 5; 0 turns it off. */
  spikeFactor: number;
  /** Developer attribute keys the customers breakdown rolls up. Default `tenant,user_id,plan`. */
  breakdownKeys: readonly string[];
  /**
   * Days of calls and requests to keep: older months of ai_interaction are dropped whole, older ai_request rows
   * deleted; the daily rollups keep the totals. Default 0: keep everything.
   */
  retentionDays: number;
  /**
   * The release on every span (resource `service.version`), for spend by release. Unset: the version the
   * build recorded (see next.config.ts), else the package's.
   */
  serviceVersion: string | undefined;
}

/** Validates the environment; throws a {@link ConfigError} naming every bad variable and what to do. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, env, 'Invalid configuration');
  const otlpEndpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.SPENDTRACE_DATA_DIR ?? '.data/pglite',
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    openaiTimeoutMs: e.OPENAI_TIMEOUT_MS ?? 60_000,
    openaiMaxRetries: e.OPENAI_MAX_RETRIES ?? 2,
    cronSecret: e.CRON_SECRET,
    dashboardToken: e.DASHBOARD_TOKEN,
    dashboardSessionSecret: e.DASHBOARD_SESSION_SECRET,
    dashboardSessionHours: e.DASHBOARD_SESSION_HOURS ?? 12,
    jaegerUrl: e.JAEGER_URL,
    port: e.PORT ?? 3000,
    logLevel: e.LOG_LEVEL ?? 'info',
    captureContent: e.SPENDTRACE_CAPTURE_CONTENT,
    exporter: e.SPENDTRACE_EXPORTER ?? (otlpEndpoint ? 'both' : 'database'),
    bufferMaxRows: e.SPENDTRACE_BUFFER_MAX_ROWS ?? 10_000,
    statsLogSeconds: e.SPENDTRACE_STATS_LOG_SECONDS ?? 60,
    propagateUrls: (e.SPENDTRACE_PROPAGATE_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
    serviceName: e.OTEL_SERVICE_NAME ?? 'spendtrace-app',
    otlpEndpoint,
    otlpProtocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    sdkDisabled: e.OTEL_SDK_DISABLED,
    tracesSampler: e.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    tracesSamplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
    shutdownGraceMs: e.SPENDTRACE_SHUTDOWN_GRACE_MS ?? 20_000,
    alertWebhookUrl: e.SPENDTRACE_ALERT_WEBHOOK_URL,
    alertIntervalSeconds: e.SPENDTRACE_ALERT_INTERVAL_SECONDS ?? 15,
    budgetRefreshSeconds: e.SPENDTRACE_BUDGET_REFRESH_SECONDS ?? 5,
    spikeFactor: e.SPENDTRACE_SPIKE_FACTOR ?? 5,
    breakdownKeys: e.SPENDTRACE_BREAKDOWN_KEYS ?? DEFAULT_BREAKDOWN_KEYS,
    retentionDays: e.SPENDTRACE_RETENTION_DAYS ?? 0,
    serviceVersion: e.SPENDTRACE_SERVICE_VERSION,
  };
}

/**
 * Whether this process is `next build`, which loads instrumentation.ts too: then nothing is configured or
 * opened. Read apart from {@link loadConfig}, because a build needs no valid configuration.
 */
export function isBuildPhase(env: Record<string, string | undefined> = process.env): boolean {
  return env.NEXT_PHASE === 'phase-production-build';
}

let cached: Config | undefined;

/** The process's configuration, validated on first use. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
