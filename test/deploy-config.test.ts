// The deploy wiring, checked without Docker (CI has no Docker engine): otel-collector.yaml and
// docker-compose.yml parsed and cross-checked, so a renamed service, port or variable fails here rather
// than in `docker compose up`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COLLECTOR_DEFAULT_GRPC_PORT,
  COLLECTOR_DEFAULT_MAX_BODY_BYTES,
  COLLECTOR_DEFAULT_PORT,
  loadCollectorConfig,
} from '../collector/config';
import { loadConfig } from '../lib/config/config';
import { MARKER_KEYS, readSpan } from '../lib/ledger/dialects';
import { loadFixtures, type FixtureSpan } from './support/dialect-fixtures';

interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}

interface Exporter {
  endpoint?: string;
  headers?: Record<string, string>;
  compression?: string;
  tls?: { insecure?: boolean };
  sending_queue?: { enabled?: boolean; storage?: string };
  retry_on_failure?: Record<string, unknown>;
  /** The load_balancing exporter's: how to route, what to send with, where the backends are. */
  routing_key?: string;
  protocol?: { otlp?: Exporter };
  resolver?: { dns?: { hostname?: string; port?: number } };
}

interface CollectorConfig {
  extensions: Record<string, Record<string, unknown> | null>;
  receivers: Record<string, unknown>;
  processors: Record<string, Record<string, unknown> | null>;
  exporters: Record<string, Exporter>;
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
}

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  user?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  init?: boolean;
  stop_grace_period?: string;
  container_name?: string;
  deploy?: { replicas?: number; resources?: Record<string, unknown> };
}

interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, null>;
}

const collector: CollectorConfig = parse(readFileSync(new URL('../otel-collector.yaml', import.meta.url), 'utf8'));
const compose: Compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'));

function get<T>(record: Record<string, T> | undefined, key: string): T {
  const value = record?.[key];
  if (value === undefined) throw new Error(`missing ${key}`);
  return value;
}

const service = (name: string): ComposeService => get(compose.services, name);
const env = (name: string, variable: string): string => get(service(name).environment, variable);
const exporter = (id: string): Exporter => get(collector.exporters, id);

const SINK_EXPORTER = 'load_balancing/spendtrace';
const JAEGER_EXPORTER = 'otlp_grpc/jaeger';
const AI_SPAN_FILTER = 'filter/ai_spans';
const FILE_STORAGE_DIRECTORY = '/var/lib/otelcol/file_storage';
const TOKEN_FROM_DOTENV = '${COLLECTOR_TOKEN:?set COLLECTOR_TOKEN in .env, at least 16 characters}';

/**
 * The one condition of the sink's filter: a span it matches is dropped. Built from the dialects' marker keys,
 * so a dialect added to the ledger without its marker in otel-collector.yaml fails here.
 */
const DROP_UNLESS_AI_OR_ROOT_SERVER = [
  ...MARKER_KEYS.map((key) => `span.attributes["${key}"] == nil`),
  'not (span.kind == SPAN_KIND_SERVER and IsRootSpan())',
].join(' and ');

// A small model of the OTTL subset the filter uses, so its syntax is checked and its meaning tested on
// spans. Names are the documented ones: the span context's paths and SpanKind enums
// (pkg/ottl/contexts/ottlspan), and IsRootSpan(), true when parent_span_id is empty (pkg/ottl/ottlfuncs).
interface SpanFixture {
  kind: number;
  parentSpanId?: string;
  attributes: Record<string, string>;
}

type Predicate = (span: SpanFixture) => boolean;
type Operand = (span: SpanFixture) => string | number | null;

// The OTLP proto's numbering, which OTTL uses (not @opentelemetry/api's SpanKind, which starts at 0).
const SPAN_KINDS = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
} as const;
const { SPAN_KIND_INTERNAL: INTERNAL, SPAN_KIND_SERVER: SERVER, SPAN_KIND_CLIENT: CLIENT } = SPAN_KINDS;

const FUNCTIONS: Record<string, Predicate> = {
  'IsRootSpan()': (span) => span.parentSpanId === undefined,
};

const TOKEN =
  /\s*(span\.attributes\["[^"\\]+"\]|span\.kind|[A-Z][A-Za-z]*\(\)|[A-Z_]+|nil|==|!=|(?:and|or|not)\b|\(|\))/y;

function tokenize(condition: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < condition.trimEnd().length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(condition);
    if (match?.[1] === undefined) throw new SyntaxError(`unexpected text at ${at}: ${condition.slice(at)}`);
    tokens.push(match[1]);
  }
  return tokens;
}

/** Parses with OTTL's precedence (not, then and, then or); throws on anything outside the subset. */
function compile(condition: string): Predicate {
  const tokens = tokenize(condition);
  let i = 0;
  const take = (): string => {
    const token = tokens[i++];
    if (token === undefined) throw new SyntaxError(`condition ends early: ${condition}`);
    return token;
  };
  const operand = (token: string): Operand => {
    if (token === 'nil') return () => null;
    if (token === 'span.kind') return (span) => span.kind;
    if (token in SPAN_KINDS) {
      const kind = SPAN_KINDS[token as keyof typeof SPAN_KINDS];
      return () => kind;
    }
    const attribute = /^span\.attributes\["(.+)"\]$/.exec(token)?.[1];
    if (attribute !== undefined) return (span) => span.attributes[attribute] ?? null;
    throw new SyntaxError(`not an operand: ${token}`);
  };
  const primary = (): Predicate => {
    const token = take();
    if (token === '(') {
      const inner = or();
      if (take() !== ')') throw new SyntaxError(`unbalanced parentheses: ${condition}`);
      return inner;
    }
    const fn = FUNCTIONS[token];
    if (fn !== undefined) return fn;
    const left = operand(token);
    const op = take();
    const right = operand(take());
    if (op === '==') return (span) => left(span) === right(span);
    if (op === '!=') return (span) => left(span) !== right(span);
    throw new SyntaxError(`expected == or != after ${token}, got ${op}`);
  };
  const not = (): Predicate => {
    if (tokens[i] !== 'not') return primary();
    i++;
    const inner = not();
    return (span) => !inner(span);
  };
  const and = (): Predicate => {
    let left = not();
    while (tokens[i] === 'and') {
      i++;
      const [l, r] = [left, not()];
      left = (span) => l(span) && r(span);
    }
    return left;
  };
  const or = (): Predicate => {
    let left = and();
    while (tokens[i] === 'or') {
      i++;
      const [l, r] = [left, and()];
      left = (span) => l(span) || r(span);
    }
    return left;
  };
  const predicate = or();
  if (i !== tokens.length) throw new SyntaxError(`unexpected ${tokens[i] ?? ''} in ${condition}`);
  return predicate;
}

describe('otel-collector.yaml', () => {
  it('defines every component its pipelines and service use, and nothing else', () => {
    const pipelines = Object.values(collector.service.pipelines);
    const used = {
      extensions: collector.service.extensions,
      receivers: pipelines.flatMap((p) => p.receivers),
      processors: pipelines.flatMap((p) => p.processors ?? []),
      exporters: pipelines.flatMap((p) => p.exporters),
    };
    const sorted = (ids: string[]) => [...new Set(ids)].sort();
    expect({
      extensions: sorted(Object.keys(collector.extensions)),
      receivers: sorted(Object.keys(collector.receivers)),
      processors: sorted(Object.keys(collector.processors)),
      exporters: sorted(Object.keys(collector.exporters)),
    }).toEqual({
      extensions: sorted(used.extensions),
      receivers: sorted(used.receivers),
      processors: sorted(used.processors),
      exporters: sorted(used.exporters),
    });
  });

  it('sends every span to Jaeger, and only the filtered spans to the sink', () => {
    expect(collector.service.pipelines).toEqual({
      'traces/jaeger': { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: [JAEGER_EXPORTER] },
      'traces/spendtrace': {
        receivers: ['otlp'],
        processors: ['memory_limiter', AI_SPAN_FILTER, 'batch'],
        exporters: [SINK_EXPORTER],
      },
    });
  });

  it('receives OTLP over gRPC and HTTP on every interface', () => {
    expect(collector.receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
    });
  });

  it('queues every exporter on disk and retries it', () => {
    const delivery = Object.fromEntries(
      Object.entries(collector.exporters).map(([id, e]) => [
        id,
        { queue: e.sending_queue, retry: e.retry_on_failure?.enabled },
      ]),
    );
    const onDisk = { queue: { enabled: true, storage: 'file_storage' }, retry: true };
    expect(delivery).toEqual({ [JAEGER_EXPORTER]: onDisk, [SINK_EXPORTER]: onDisk });
    expect(collector.service.extensions).toContain('file_storage');
    expect(collector.extensions.file_storage).toEqual({ directory: FILE_STORAGE_DIRECTORY });
  });

  it('retries the sink for 10 minutes, long enough to ride out a database restart', () => {
    expect(exporter(SINK_EXPORTER).retry_on_failure).toEqual({
      enabled: true,
      initial_interval: '1s',
      max_interval: '30s',
      max_elapsed_time: '10m',
    });
    expect(exporter(JAEGER_EXPORTER).retry_on_failure).toEqual({
      enabled: true,
      initial_interval: '1s',
      max_interval: '30s',
      max_elapsed_time: '5m',
    });
  });

  it('sends the sink gzipped OTLP/gRPC with the bearer token, each trace to one replica, queued and retried once', () => {
    // Queue and retry at the load balancer only: a batch a replica failed is retried wherever its trace then
    // hashes to, and the queue on disk survives a restart (a per-replica queue cannot be persistent).
    expect(exporter(SINK_EXPORTER)).toEqual({
      routing_key: 'traceID',
      protocol: {
        otlp: {
          tls: { insecure: true },
          headers: { authorization: 'Bearer ${env:COLLECTOR_TOKEN}' },
          compression: 'gzip',
          sending_queue: { enabled: false },
          retry_on_failure: { enabled: false },
        },
      },
      resolver: { dns: { hostname: 'sink', port: COLLECTOR_DEFAULT_GRPC_PORT } },
      sending_queue: { enabled: true, storage: 'file_storage' },
      retry_on_failure: { enabled: true, initial_interval: '1s', max_interval: '30s', max_elapsed_time: '10m' },
    });
  });

  describe(AI_SPAN_FILTER, () => {
    it('is one exact condition, errors ignored', () => {
      expect(collector.processors[AI_SPAN_FILTER]).toEqual({
        error_mode: 'ignore',
        trace_conditions: [DROP_UNLESS_AI_OR_ROOT_SERVER],
      });
    });

    it('uses only span-context paths, SpanKind enums and IsRootSpan(), in well-formed OTTL', () => {
      expect(tokenize(DROP_UNLESS_AI_OR_ROOT_SERVER)).toEqual([
        ...MARKER_KEYS.flatMap((key) => [`span.attributes["${key}"]`, '==', 'nil', 'and']),
        'not',
        '(',
        'span.kind',
        '==',
        'SPAN_KIND_SERVER',
        'and',
        'IsRootSpan()',
        ')',
      ]);
      expect(MARKER_KEYS).toEqual([
        'ai.operation',
        'ai.operationId',
        'openinference.span.kind',
        'langfuse.observation.type',
        'gen_ai.operation.name',
      ]);
      expect(() => compile(DROP_UNLESS_AI_OR_ROOT_SERVER)).not.toThrow();
      expect(() => compile('span.kind == SPAN_KIND_SERVER and (IsRootSpan()')).toThrow(SyntaxError);
      expect(() => compile('kind == SPAN_KIND_SERVER')).toThrow(SyntaxError);
    });

    const AI = { 'gen_ai.operation.name': 'chat', 'ai.operation': 'chat', 'ai.source': '/api/webhooks/email' };
    it.each<[string, SpanFixture, 'kept' | 'dropped']>([
      ['an OpenAI call from our client', { kind: CLIENT, parentSpanId: 'a1', attributes: AI }, 'kept'],
      [
        'a GenAI span from another instrumentation',
        { kind: CLIENT, parentSpanId: 'a1', attributes: { 'gen_ai.operation.name': 'chat' } },
        'kept',
      ],
      [
        'a span with only ai.operation',
        { kind: INTERNAL, parentSpanId: 'a1', attributes: { 'ai.operation': 'chat' } },
        'kept',
      ],
      ['the root SERVER span of a request', { kind: SERVER, attributes: { 'http.route': '/api/leads/[id]' } }, 'kept'],
      ['a parentless INTERNAL span from startup', { kind: INTERNAL, attributes: {} }, 'dropped'],
      ['a SERVER span with a remote parent', { kind: SERVER, parentSpanId: 'b2', attributes: {} }, 'dropped'],
      ['a route child span', { kind: INTERNAL, parentSpanId: 'a1', attributes: { 'next.route': '/api/x' } }, 'dropped'],
      ['a database CLIENT span', { kind: CLIENT, parentSpanId: 'a1', attributes: { 'db.system': 'pg' } }, 'dropped'],
    ])('%s is %s', (_name, span, expected) => {
      expect(filtered(span)).toBe(expected);
    });

    /** What the filter, with the conditions as the file has them, does to a span: any match drops it. */
    function filtered(span: SpanFixture): 'kept' | 'dropped' {
      const conditions = get(collector.processors[AI_SPAN_FILTER] ?? undefined, 'trace_conditions') as string[];
      return conditions.some((condition) => compile(condition)(span)) ? 'dropped' : 'kept';
    }

    it.each(loadFixtures().map((fixture) => [fixture.emitter, fixture] as const))(
      'passes every model call and the root of the recorded %s spans, and nothing else',
      (_emitter, fixture) => {
        const outcome = (span: FixtureSpan): string => {
          const reading = readSpan({ name: span.name, attributes: span.attributes });
          // A call of one dialect must reach the sink; so must the root it is attributed to.
          if (span.parentSpanId === null) return 'kept';
          return reading === undefined ? 'dropped' : 'kept';
        };
        expect(
          fixture.spans.map((span) =>
            filtered({
              // OTLP numbers span kinds from 1 (INTERNAL); @opentelemetry/api from 0.
              kind: span.kind + 1,
              ...(span.parentSpanId !== null && { parentSpanId: span.parentSpanId }),
              attributes: Object.fromEntries(Object.entries(span.attributes).map(([k, v]) => [k, String(v)])),
            }),
          ),
        ).toEqual(fixture.spans.map(outcome));
      },
    );
  });
});

describe('docker-compose.yml', () => {
  const postgres = service('postgres').environment ?? {};
  const databaseUrl = `postgresql://${get(postgres, 'POSTGRES_USER')}:${get(postgres, 'POSTGRES_PASSWORD')}@postgres:5432/${get(postgres, 'POSTGRES_DB')}`;

  it('runs the migrations, the sink and the app from one image built here', () => {
    const ours = ['migrate', 'otel-collector-storage', 'sink', 'app'];
    expect(
      Object.fromEntries(ours.map((name) => [name, { build: service(name).build, image: service(name).image }])),
    ).toEqual(Object.fromEntries(ours.map((name) => [name, { build: '.', image: 'spendtrace:local' }])));
    expect({
      migrate: service('migrate').command,
      sink: service('sink').command,
      app: service('app').command,
    }).toEqual({
      migrate: ['npm', 'run', 'db:migrate'],
      sink: [
        'node',
        '--heap-growing-percent=100',
        '--max-semi-space-size=8',
        '--require',
        'tsx/cjs',
        'collector/main.ts',
      ],
      app: undefined,
    });
    // The sink runs as `npm run collector` does, without npm between Docker and node.
    const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.collector).toBe(`exec ${(service('sink').command as string[]).join(' ')}`);
  });

  it('gives the app and the sink time to drain and flush before Docker kills them, through a real PID 1', () => {
    // The default grace period (20 s) plus the bound on the flush (15 s), with room to spare.
    const defaultGraceMs = loadConfig({}).shutdownGraceMs;
    expect(defaultGraceMs).toBe(loadCollectorConfig({ COLLECTOR_TOKEN: 'x'.repeat(16) }).shutdownGraceMs);
    for (const name of ['app', 'sink']) {
      const seconds = Number(/^(\d+)s$/.exec(service(name).stop_grace_period ?? '')?.[1]);
      expect({ name, enough: seconds * 1000 > defaultGraceMs + 15_000, init: service(name).init }).toEqual({
        name,
        enough: true,
        init: true,
      });
    }
    // Ready means not draining: a stop takes the app out of rotation at once.
    expect(service('app').healthcheck?.test).toEqual([
      'CMD',
      'node',
      '-e',
      "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
    ]);
    // The image's command is the server itself, so SIGTERM reaches it with no npm or shell in between.
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile.match(/^CMD .*$/gm)).toEqual(['CMD ["node", "--import", "tsx", "server.ts"]']);
  });

  it('resolves the sink service for the sink exporter, on the port the sink listens for OTLP/gRPC on', () => {
    expect(exporter(SINK_EXPORTER).resolver).toEqual({
      dns: { hostname: 'sink', port: Number(env('sink', 'COLLECTOR_GRPC_PORT')) },
    });
    // The load balancer sets each replica's endpoint itself, and refuses a configured one.
    expect(exporter(SINK_EXPORTER).protocol?.otlp?.endpoint).toBeUndefined();
  });

  it('runs three sink replicas behind the service name, the collector routing each trace to one of them', () => {
    // Docker resolves the service name to every replica; the load balancer hashes each trace id onto them.
    expect({
      exporters: Object.keys(collector.exporters).sort(),
      routingKey: exporter(SINK_EXPORTER).routing_key,
      resolvedHost: exporter(SINK_EXPORTER).resolver?.dns?.hostname,
    }).toEqual({ exporters: [JAEGER_EXPORTER, SINK_EXPORTER].sort(), routingKey: 'traceID', resolvedHost: 'sink' });
    // load_balancing is a contrib component: the core distribution does not have it.
    expect(service('otel-collector').image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    // A fixed container name or a published port would stop the service from scaling.
    expect({
      deploy: service('sink').deploy,
      containerName: service('sink').container_name,
      ports: service('sink').ports,
    }).toEqual({ deploy: { replicas: 3 }, containerName: undefined, ports: undefined });
    expect(Object.values(compose.services).flatMap((s) => s.container_name ?? [])).toEqual([]);
  });

  it('runs the sink on its default ports, on every interface, ready when its database is', () => {
    expect({
      host: env('sink', 'COLLECTOR_HOST'),
      port: env('sink', 'COLLECTOR_PORT'),
      grpcPort: env('sink', 'COLLECTOR_GRPC_PORT'),
    }).toEqual({
      host: '0.0.0.0',
      port: String(COLLECTOR_DEFAULT_PORT),
      grpcPort: String(COLLECTOR_DEFAULT_GRPC_PORT),
    });
    expect(service('sink').healthcheck?.test).toEqual([
      'CMD',
      'node',
      '-e',
      `fetch('http://127.0.0.1:${String(COLLECTOR_DEFAULT_PORT)}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
    ]);
  });

  it('gives the collector the same COLLECTOR_TOKEN as the sink, and refuses to start without it', () => {
    const header = get(exporter(SINK_EXPORTER).protocol?.otlp?.headers, 'authorization');
    const variable = /^Bearer \$\{env:(\w+)\}$/.exec(header)?.[1];
    expect(variable).toBe('COLLECTOR_TOKEN');
    expect({
      collector: env('otel-collector', variable ?? ''),
      sink: env('sink', 'COLLECTOR_TOKEN'),
    }).toEqual({ collector: TOKEN_FROM_DOTENV, sink: TOKEN_FROM_DOTENV });
  });

  it('sends Jaeger its spans over OTLP/gRPC on the jaeger service', () => {
    expect(exporter(JAEGER_EXPORTER)).toMatchObject({ endpoint: 'jaeger:4317', tls: { insecure: true } });
    expect(service('jaeger').image).toBe('cr.jaegertracing.io/jaegertracing/jaeger:2.15.0');
  });

  it("points the app's OTLP exporter at the collector's HTTP receiver, and only there", () => {
    const receivers = collector.receivers as { otlp: { protocols: { http: { endpoint: string } } } };
    const httpPort = receivers.otlp.protocols.http.endpoint.split(':').at(-1);
    expect({
      endpoint: env('app', 'OTEL_EXPORTER_OTLP_ENDPOINT'),
      exporter: env('app', 'SPENDTRACE_EXPORTER'),
    }).toEqual({ endpoint: `http://otel-collector:${httpPort ?? ''}`, exporter: 'otlp' });
  });

  it("mounts the collector's config where the image reads it, and its queue on a named volume", () => {
    const queueVolume = `otelcol-storage:${FILE_STORAGE_DIRECTORY}`;
    expect(service('otel-collector').volumes).toEqual([
      './otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro',
      queueVolume,
    ]);
    expect(service('otel-collector-storage')).toMatchObject({
      user: '0:0',
      command: ['chown', '-R', '10001:10001', FILE_STORAGE_DIRECTORY],
      volumes: [queueVolume],
    });
    expect(compose.volumes).toEqual({ 'postgres-data': null, 'otelcol-storage': null });
  });

  it('starts each service after what it needs', () => {
    const dependencies = Object.fromEntries(
      Object.entries(compose.services).map(([name, s]) => [
        name,
        Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([dep, { condition }]) => [dep, condition])),
      ]),
    );
    expect(dependencies).toEqual({
      postgres: {},
      migrate: { postgres: 'service_healthy' },
      jaeger: {},
      'otel-collector-storage': {},
      'otel-collector': {
        'otel-collector-storage': 'service_completed_successfully',
        jaeger: 'service_started',
        sink: 'service_started',
      },
      sink: { postgres: 'service_healthy', migrate: 'service_completed_successfully' },
      app: {
        postgres: 'service_healthy',
        migrate: 'service_completed_successfully',
        'otel-collector': 'service_started',
      },
    });
  });

  it("gives every database client the postgres service's credentials", () => {
    expect({
      migrate: env('migrate', 'DATABASE_URL'),
      sink: env('sink', 'DATABASE_URL'),
      app: env('app', 'DATABASE_URL'),
    }).toEqual({ migrate: databaseUrl, sink: databaseUrl, app: databaseUrl });
  });

  it('publishes only the app, the Jaeger UI and the OTLP receivers, on localhost', () => {
    const published = Object.fromEntries(
      Object.entries(compose.services)
        .filter(([, s]) => s.ports !== undefined)
        .map(([name, s]) => [name, s.ports]),
    );
    expect(published).toEqual({
      jaeger: ['127.0.0.1:16686:16686'],
      'otel-collector': ['127.0.0.1:4317:4317', '127.0.0.1:4318:4318'],
      app: ['127.0.0.1:3000:3000'],
    });
  });
});

describe('.env.example', () => {
  it("documents the sink's defaults as collector/config.ts has them", () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const documented = (variable: string) => new RegExp(`^# ${variable}=(.*)$`, 'm').exec(example)?.[1];
    expect({
      port: documented('COLLECTOR_PORT'),
      grpcPort: documented('COLLECTOR_GRPC_PORT'),
      maxBodyBytes: documented('COLLECTOR_MAX_BODY_BYTES'),
      token: documented('COLLECTOR_TOKEN') !== undefined,
    }).toEqual({
      port: String(COLLECTOR_DEFAULT_PORT),
      grpcPort: String(COLLECTOR_DEFAULT_GRPC_PORT),
      maxBodyBytes: String(COLLECTOR_DEFAULT_MAX_BODY_BYTES),
      token: true,
    });
  });
});
