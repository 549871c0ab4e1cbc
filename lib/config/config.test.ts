// loadConfig: the defaults, a full environment, every validation message, blank values and the
// derived settings (exporter default, endpoint and protocol precedence, boolean flags).
import { describe, expect, it } from 'vitest';

import { ConfigError, isBuildPhase, loadConfig, type Config } from './config';

const DEFAULTS: Config = {
  databaseUrl: undefined,
  dataDir: '.data/pglite',
  openaiApiKey: undefined,
  openaiBaseUrl: undefined,
  openaiTimeoutMs: 60_000,
  openaiMaxRetries: 2,
  cronSecret: undefined,
  dashboardToken: undefined,
  dashboardSessionSecret: undefined,
  dashboardSessionHours: 12,
  jaegerUrl: undefined,
  port: 3000,
  logLevel: 'info',
  captureContent: false,
  exporter: 'database',
  bufferMaxRows: 10_000,
  statsLogSeconds: 60,
  propagateUrls: [],
  serviceName: 'spendtrace-app',
  otlpEndpoint: undefined,
  otlpProtocol: 'http/protobuf',
  sdkDisabled: false,
  tracesSampler: 'parentbased_always_on',
  tracesSamplerRatio: 1,
  shutdownGraceMs: 20_000,
  alertWebhookUrl: undefined,
  alertIntervalSeconds: 15,
  budgetRefreshSeconds: 5,
  spikeFactor: 5,
  breakdownKeys: ['tenant', 'user_id', 'plan'],
  retentionDays: 0,
  serviceVersion: undefined,
};

const VARIABLES = [
  'DATABASE_URL',
  'SPENDTRACE_DATA_DIR',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_TIMEOUT_MS',
  'OPENAI_MAX_RETRIES',
  'CRON_SECRET',
  'DASHBOARD_TOKEN',
  'DASHBOARD_SESSION_SECRET',
  'DASHBOARD_SESSION_HOURS',
  'JAEGER_URL',
  'PORT',
  'LOG_LEVEL',
  'SPENDTRACE_CAPTURE_CONTENT',
  'SPENDTRACE_EXPORTER',
  'SPENDTRACE_BUFFER_MAX_ROWS',
  'SPENDTRACE_STATS_LOG_SECONDS',
  'SPENDTRACE_PROPAGATE_URLS',
  'OTEL_SERVICE_NAME',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'SPENDTRACE_SHUTDOWN_GRACE_MS',
  'SPENDTRACE_ALERT_WEBHOOK_URL',
  'SPENDTRACE_ALERT_INTERVAL_SECONDS',
  'SPENDTRACE_BUDGET_REFRESH_SECONDS',
  'SPENDTRACE_SPIKE_FACTOR',
];

/** The message loadConfig throws for these `VARIABLE: message` lines. */
function invalid(...lines: string[]): string {
  return `Invalid configuration:\n${lines.map((line) => `  ${line}`).join('\n')}\nFix these variables (see .env.example) and start again.`;
}

/** Runs loadConfig and returns what it threw; fails the test when it did not throw a ConfigError. */
function errorOf(env: Record<string, string>): { name: string; message: string } {
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { name: error.name, message: error.message };
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('returns every default for an empty environment', () => {
      expect(loadConfig({})).toEqual(DEFAULTS);
    });

    it('ignores variables it does not know', () => {
      expect(loadConfig({ HOME: '/home/app', OTEL_LOG_LEVEL: 'debug' })).toEqual(DEFAULTS);
    });
  });

  describe('a full environment', () => {
    it('maps every variable to its field', () => {
      expect(
        loadConfig({
          DATABASE_URL: 'postgresql://postgres@db:5432/spendtrace',
          SPENDTRACE_DATA_DIR: '/var/lib/spendtrace',
          OPENAI_API_KEY: 'sk-test-key',
          OPENAI_BASE_URL: 'https://api.openai.com/v1',
          OPENAI_TIMEOUT_MS: '5000',
          OPENAI_MAX_RETRIES: '0',
          CRON_SECRET: 'a-long-random-cron-secret',
          DASHBOARD_TOKEN: 'a-long-random-dashboard-token',
          DASHBOARD_SESSION_SECRET: 'a-long-random-session-secret-0123456789',
          DASHBOARD_SESSION_HOURS: '24',
          JAEGER_URL: 'http://jaeger.internal:16686',
          PORT: '8080',
          LOG_LEVEL: 'debug',
          SPENDTRACE_CAPTURE_CONTENT: 'true',
          SPENDTRACE_EXPORTER: 'otlp',
          SPENDTRACE_BUFFER_MAX_ROWS: '500',
          SPENDTRACE_STATS_LOG_SECONDS: '0',
          SPENDTRACE_PROPAGATE_URLS: ' https://billing.internal/ , ,http://worker:8080',
          OTEL_SERVICE_NAME: 'billing-web',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
          OTEL_SDK_DISABLED: '1',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.01',
          SPENDTRACE_SHUTDOWN_GRACE_MS: '25000',
          SPENDTRACE_ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
          SPENDTRACE_ALERT_INTERVAL_SECONDS: '30',
          SPENDTRACE_BUDGET_REFRESH_SECONDS: '2',
          SPENDTRACE_SPIKE_FACTOR: '2.5',
          SPENDTRACE_BREAKDOWN_KEYS: ' org , plan,org,,',
          SPENDTRACE_RETENTION_DAYS: '400',
          SPENDTRACE_SERVICE_VERSION: ' 1.4.2 ',
        }),
      ).toEqual({
        databaseUrl: 'postgresql://postgres@db:5432/spendtrace',
        dataDir: '/var/lib/spendtrace',
        openaiApiKey: 'sk-test-key',
        openaiBaseUrl: 'https://api.openai.com/v1',
        openaiTimeoutMs: 5000,
        openaiMaxRetries: 0,
        cronSecret: 'a-long-random-cron-secret',
        dashboardToken: 'a-long-random-dashboard-token',
        dashboardSessionSecret: 'a-long-random-session-secret-0123456789',
        dashboardSessionHours: 24,
        jaegerUrl: 'http://jaeger.internal:16686',
        port: 8080,
        logLevel: 'debug',
        captureContent: true,
        exporter: 'otlp',
        bufferMaxRows: 500,
        statsLogSeconds: 0,
        propagateUrls: ['https://billing.internal/', 'http://worker:8080'],
        serviceName: 'billing-web',
        otlpEndpoint: 'http://collector:4318/v1/traces',
        otlpProtocol: 'http/json',
        sdkDisabled: true,
        tracesSampler: 'parentbased_traceidratio',
        tracesSamplerRatio: 0.01,
        shutdownGraceMs: 25_000,
        alertWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
        alertIntervalSeconds: 30,
        budgetRefreshSeconds: 2,
        spikeFactor: 2.5,
        breakdownKeys: ['org', 'plan'],
        retentionDays: 400,
        serviceVersion: '1.4.2',
      } satisfies Config);
    });

    it('trims surrounding whitespace from string values', () => {
      expect(
        loadConfig({
          DATABASE_URL: '  postgres://db/spendtrace  ',
          OPENAI_API_KEY: ' sk-test-key\n',
          OPENAI_BASE_URL: ' http://127.0.0.1:4010/v1 ',
          PORT: ' 8080 ',
        }),
      ).toEqual({
        ...DEFAULTS,
        databaseUrl: 'postgres://db/spendtrace',
        openaiApiKey: 'sk-test-key',
        openaiBaseUrl: 'http://127.0.0.1:4010/v1',
        port: 8080,
      });
    });
  });

  describe('validation', () => {
    const cases: { name: string; env: Record<string, string>; lines: string[] }[] = [
      {
        name: 'a DATABASE_URL that is not postgres',
        env: { DATABASE_URL: 'mysql://x' },
        lines: ['DATABASE_URL: must be a postgres:// or postgresql:// URL'],
      },
      { name: 'a PORT that is not a number', env: { PORT: 'abc' }, lines: ['PORT: must be a whole number'] },
      {
        name: 'an alert webhook that is not an http(s) URL',
        env: { SPENDTRACE_ALERT_WEBHOOK_URL: 'slack:#spend' },
        lines: ['SPENDTRACE_ALERT_WEBHOOK_URL: must be an http(s) URL, such as a Slack or Discord incoming webhook'],
      },
      {
        name: 'a negative spike factor',
        env: { SPENDTRACE_SPIKE_FACTOR: '-5' },
        lines: ['SPENDTRACE_SPIKE_FACTOR: must be a number such as 5 (0 turns spike alerts off)'],
      },
      {
        name: 'a breakdown key with a space',
        env: { SPENDTRACE_BREAKDOWN_KEYS: 'tenant,user id' },
        lines: ['SPENDTRACE_BREAKDOWN_KEYS.1: each key must be 1 to 64 letters, digits, _ . or -'],
      },
      {
        name: 'more than ten breakdown keys',
        env: { SPENDTRACE_BREAKDOWN_KEYS: 'a,b,c,d,e,f,g,h,i,j,k' },
        lines: ['SPENDTRACE_BREAKDOWN_KEYS: at most 10 keys'],
      },
      {
        name: 'a negative retention',
        env: { SPENDTRACE_RETENTION_DAYS: '-30' },
        lines: ['SPENDTRACE_RETENTION_DAYS: must be a whole number of days, such as 90 (0 or unset keeps every call)'],
      },
      {
        name: 'a retention in months',
        env: { SPENDTRACE_RETENTION_DAYS: '3m' },
        lines: ['SPENDTRACE_RETENTION_DAYS: must be a whole number of days, such as 90 (0 or unset keeps every call)'],
      },
      {
        name: 'a retention over 100 years',
        env: { SPENDTRACE_RETENTION_DAYS: '36501' },
        lines: ['SPENDTRACE_RETENTION_DAYS: must be at most 36500 days (100 years); 0 or unset keeps every call'],
      },
      {
        name: 'a budget refresh of 0 seconds',
        env: { SPENDTRACE_BUDGET_REFRESH_SECONDS: '0' },
        lines: ['SPENDTRACE_BUDGET_REFRESH_SECONDS: Too small: expected number to be >=1'],
      },
      { name: 'a negative PORT', env: { PORT: '-1' }, lines: ['PORT: must be a whole number'] },
      { name: 'a fractional PORT', env: { PORT: '80.5' }, lines: ['PORT: must be a whole number'] },
      { name: 'PORT 0', env: { PORT: '0' }, lines: ['PORT: Too small: expected number to be >=1'] },
      { name: 'PORT above 65535', env: { PORT: '70000' }, lines: ['PORT: Too big: expected number to be <=65535'] },
      {
        name: 'a CRON_SECRET under 16 characters',
        env: { CRON_SECRET: 'short' },
        lines: ['CRON_SECRET: must be at least 16 characters'],
      },
      {
        name: 'a CRON_SECRET long enough only with its padding',
        env: { CRON_SECRET: '     short-secret' },
        lines: ['CRON_SECRET: must be at least 16 characters'],
      },
      {
        name: 'a DASHBOARD_TOKEN under 16 characters',
        env: { DASHBOARD_TOKEN: 'short-token' },
        lines: ['DASHBOARD_TOKEN: must be at least 16 characters'],
      },
      {
        name: 'a DASHBOARD_TOKEN long enough only with its padding',
        env: { DASHBOARD_TOKEN: '      short-token' },
        lines: ['DASHBOARD_TOKEN: must be at least 16 characters'],
      },
      {
        name: 'a DASHBOARD_SESSION_SECRET under 32 characters',
        env: { DASHBOARD_SESSION_SECRET: 'a-secret-of-31-characters-00000' },
        lines: ['DASHBOARD_SESSION_SECRET: must be at least 32 characters'],
      },
      {
        name: 'a DASHBOARD_SESSION_HOURS that is not a whole number',
        env: { DASHBOARD_SESSION_HOURS: '1.5' },
        lines: ['DASHBOARD_SESSION_HOURS: must be a whole number'],
      },
      {
        name: 'DASHBOARD_SESSION_HOURS 0',
        env: { DASHBOARD_SESSION_HOURS: '0' },
        lines: ['DASHBOARD_SESSION_HOURS: Too small: expected number to be >=1'],
      },
      {
        name: 'DASHBOARD_SESSION_HOURS above 720 (30 days)',
        env: { DASHBOARD_SESSION_HOURS: '721' },
        lines: ['DASHBOARD_SESSION_HOURS: Too big: expected number to be <=720'],
      },
      {
        name: 'a SPENDTRACE_SHUTDOWN_GRACE_MS over 10 minutes',
        env: { SPENDTRACE_SHUTDOWN_GRACE_MS: '600001' },
        lines: ['SPENDTRACE_SHUTDOWN_GRACE_MS: Too big: expected number to be <=600000'],
      },
      {
        name: 'a SPENDTRACE_SHUTDOWN_GRACE_MS in seconds',
        env: { SPENDTRACE_SHUTDOWN_GRACE_MS: '20s' },
        lines: ['SPENDTRACE_SHUTDOWN_GRACE_MS: must be a whole number'],
      },
      {
        name: 'an OPENAI_BASE_URL that is not a URL',
        env: { OPENAI_BASE_URL: 'not a url' },
        lines: ['OPENAI_BASE_URL: must be an http(s) URL such as https://api.openai.com/v1'],
      },
      {
        name: 'an unknown LOG_LEVEL',
        env: { LOG_LEVEL: 'verbose' },
        lines: ['LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"'],
      },
      {
        name: 'an unknown SPENDTRACE_EXPORTER',
        env: { SPENDTRACE_EXPORTER: 'kafka' },
        lines: ['SPENDTRACE_EXPORTER: Invalid option: expected one of "database"|"otlp"|"both"|"none"'],
      },
      {
        name: 'a SPENDTRACE_CAPTURE_CONTENT that is not a flag',
        env: { SPENDTRACE_CAPTURE_CONTENT: 'yes' },
        lines: ['SPENDTRACE_CAPTURE_CONTENT: Invalid option: expected one of "0"|"1"|"true"|"false"'],
      },
      {
        name: 'SPENDTRACE_BUFFER_MAX_ROWS 0',
        env: { SPENDTRACE_BUFFER_MAX_ROWS: '0' },
        lines: ['SPENDTRACE_BUFFER_MAX_ROWS: Too small: expected number to be >=1'],
      },
      {
        name: 'SPENDTRACE_STATS_LOG_SECONDS over a day',
        env: { SPENDTRACE_STATS_LOG_SECONDS: '86401' },
        lines: ['SPENDTRACE_STATS_LOG_SECONDS: Too big: expected number to be <=86400'],
      },
      {
        name: 'an OTEL_EXPORTER_OTLP_ENDPOINT that is not a URL',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://' },
        lines: ['OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL such as http://localhost:4318'],
      },
      {
        name: 'an OTEL_EXPORTER_OTLP_ENDPOINT without a scheme',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
        lines: ['OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL such as http://localhost:4318'],
      },
      {
        name: 'an OTEL_EXPORTER_OTLP_TRACES_ENDPOINT that is not a URL',
        env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' },
        lines: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must be an http(s) URL such as http://localhost:4318/v1/traces'],
      },
      {
        name: 'the grpc OTLP protocol',
        env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
        lines: ['OTEL_EXPORTER_OTLP_PROTOCOL: Invalid option: expected one of "http/protobuf"|"http/json"'],
      },
      {
        name: 'an unknown sampler',
        env: { OTEL_TRACES_SAMPLER: 'jaeger_remote' },
        lines: [
          'OTEL_TRACES_SAMPLER: Invalid option: expected one of "always_on"|"always_off"|"traceidratio"|"parentbased_always_on"|"parentbased_always_off"|"parentbased_traceidratio"',
        ],
      },
      ...['1.5', '-0.1', 'one percent', '1e-2'].map((value) => ({
        name: `a sampler ratio of ${value}`,
        env: { OTEL_TRACES_SAMPLER_ARG: value },
        lines: ['OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1, such as 0.01'],
      })),
      {
        name: 'several bad variables, each named in one message in schema order',
        env: {
          PORT: '70000',
          SPENDTRACE_EXPORTER: 'kafka',
          DATABASE_URL: 'mysql://x',
          CRON_SECRET: 'short',
          OPENAI_BASE_URL: 'not a url',
          OTEL_SDK_DISABLED: 'yes',
        },
        lines: [
          'DATABASE_URL: must be a postgres:// or postgresql:// URL',
          'OPENAI_BASE_URL: must be an http(s) URL such as https://api.openai.com/v1',
          'CRON_SECRET: must be at least 16 characters',
          'PORT: Too big: expected number to be <=65535',
          'SPENDTRACE_EXPORTER: Invalid option: expected one of "database"|"otlp"|"both"|"none"',
          'OTEL_SDK_DISABLED: Invalid option: expected one of "0"|"1"|"true"|"false"',
        ],
      },
    ];

    it.each(cases)('rejects $name', ({ env, lines }) => {
      expect(errorOf(env)).toEqual({ name: 'ConfigError', message: invalid(...lines) });
    });
  });

  describe('blank values', () => {
    // An `.env` line such as `LOG_LEVEL=` or a compose file's `${LOG_LEVEL:-}` sets a blank value.
    it.each(VARIABLES)('treats an empty %s as unset', (variable) => {
      expect(loadConfig({ [variable]: '' })).toEqual(DEFAULTS);
    });

    it.each(VARIABLES)('treats a whitespace-only %s as unset', (variable) => {
      expect(loadConfig({ [variable]: '   ' })).toEqual(DEFAULTS);
    });
  });

  describe('exporter', () => {
    it('defaults to database without an OTLP endpoint', () => {
      expect(loadConfig({}).exporter).toEqual('database');
    });

    it('defaults to both when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
        ...DEFAULTS,
        exporter: 'both',
        otlpEndpoint: 'http://collector:4318',
      });
    });

    it('defaults to both when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set', () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toEqual({
        ...DEFAULTS,
        exporter: 'both',
        otlpEndpoint: 'http://collector:4318/v1/traces',
      });
    });

    it('keeps an explicit SPENDTRACE_EXPORTER over the endpoint default', () => {
      expect(
        loadConfig({ SPENDTRACE_EXPORTER: 'database', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
      ).toEqual({ ...DEFAULTS, exporter: 'database', otlpEndpoint: 'http://collector:4318' });
    });

    it('defaults to database when the OTLP endpoint is blank', () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toEqual(DEFAULTS);
    });
  });

  describe('OTLP endpoint and protocol', () => {
    it('takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT over OTEL_EXPORTER_OTLP_ENDPOINT', () => {
      expect(
        loadConfig({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/v1/traces',
        }),
      ).toEqual({ ...DEFAULTS, exporter: 'both', otlpEndpoint: 'http://traces:4318/v1/traces' });
    });

    it('takes OTEL_EXPORTER_OTLP_TRACES_PROTOCOL over OTEL_EXPORTER_OTLP_PROTOCOL', () => {
      expect(
        loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }),
      ).toEqual({ ...DEFAULTS, otlpProtocol: 'http/json' });
    });

    it('uses OTEL_EXPORTER_OTLP_PROTOCOL alone', () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual({
        ...DEFAULTS,
        otlpProtocol: 'http/json',
      });
    });
  });

  describe('boolean flags', () => {
    const flags = [
      { variable: 'SPENDTRACE_CAPTURE_CONTENT', field: 'captureContent' },
      { variable: 'OTEL_SDK_DISABLED', field: 'sdkDisabled' },
    ] as const;
    const values = [
      { value: 'true', expected: true },
      { value: '1', expected: true },
      { value: 'false', expected: false },
      { value: '0', expected: false },
    ];
    const rows = flags.flatMap((flag) => values.map((v) => ({ ...flag, ...v })));

    it.each(rows)('reads $variable=$value as $field: $expected', ({ variable, field, value, expected }) => {
      expect(loadConfig({ [variable]: value })).toEqual({ ...DEFAULTS, [field]: expected });
    });
  });
});

describe('isBuildPhase', () => {
  it('is true only under next build', () => {
    expect(isBuildPhase({ NEXT_PHASE: 'phase-production-build' })).toBe(true);
    expect(isBuildPhase({ NEXT_PHASE: 'phase-production-server' })).toBe(false);
    expect(isBuildPhase({})).toBe(false);
  });
});
