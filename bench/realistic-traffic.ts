// Realistic spans for the ingest benchmarks, drawn from a seeded generator: the traces of a web app where
// most spans are HTTP and database work and some are GenAI calls with usage, as the sink receives them.
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { SpanRecord } from '../lib/ledger/span-to-interaction';

/** A small, fast, seeded PRNG (mulberry32), so every run draws the same traffic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelSpec {
  name: string;
  response: string;
  operation: 'chat' | 'embeddings';
  input: number;
  output: number;
  ms: number;
  reasoning?: boolean;
}

const MODELS: ModelSpec[] = [
  { name: 'gpt-4o-mini', response: 'gpt-4o-mini-2024-07-18', operation: 'chat', input: 900, output: 250, ms: 1400 },
  { name: 'gpt-4.1-mini', response: 'gpt-4.1-mini-2025-04-14', operation: 'chat', input: 1100, output: 300, ms: 1700 },
  { name: 'gpt-4o', response: 'gpt-4o-2024-08-06', operation: 'chat', input: 1500, output: 350, ms: 2600 },
  {
    name: 'o4-mini',
    response: 'o4-mini-2025-04-16',
    operation: 'chat',
    input: 1200,
    output: 900,
    ms: 6500,
    reasoning: true,
  },
  {
    name: 'text-embedding-3-small',
    response: 'text-embedding-3-small',
    operation: 'embeddings',
    input: 300,
    output: 0,
    ms: 120,
  },
  // A fine-tune the price book does not know: its rows are unpriced.
  {
    name: 'ft:gpt-4o-mini-2024-07-18:acme:support:bench',
    response: 'ft:gpt-4o-mini-2024-07-18:acme:support:bench',
    operation: 'chat',
    input: 900,
    output: 250,
    ms: 1500,
  },
];

const ROUTES: [string, string][] = [
  ['/api/webhooks/email', 'email.sentiment'],
  ['/api/leads/[id]/draft', 'followups.draft'],
  ['/api/cron/followups', 'followups.draft'],
  ['/api/chat', 'insights_chat.answer'],
  ['/api/tickets/[id]/triage', 'tickets.triage'],
  ['/api/search', 'search.embed'],
  ['/api/documents/[id]/embed', 'documents.embed'],
  ['/api/reports/[id]/narrative', 'reports.narrative'],
];

const TABLES = ['lead', 'email_message', 'reply_draft', 'knowledge_document', 'ticket', 'account'];
const HOSTS = ['api.stripe.com', 'hooks.slack.com', 'crm.internal', 'search.internal'];

/** A span of a generated trace, before any SDK or encoding: ids are filled in by the caller. */
export interface TrafficSpan {
  /** Index within its trace; 0 is the root. */
  index: number;
  /** Index of the parent within the trace; undefined for the root. */
  parent: number | undefined;
  name: string;
  kind: 'server' | 'client' | 'internal';
  /** Milliseconds after the trace's start. */
  offsetMs: number;
  durationMs: number;
  attributes: Attributes;
  error: boolean;
  ai: boolean;
}

function logNormal(random: () => number, median: number, sigma: number): number {
  const u = Math.max(1e-12, random());
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()));
}

function aiAttributes(
  random: () => number,
  route: string,
  feature: string,
): { attributes: Attributes; error: boolean; ms: number } {
  const model = MODELS[Math.floor(random() * random() * MODELS.length)] ?? MODELS[0];
  if (!model) throw new Error('no models');
  const error = random() < 0.02;
  const attributes: Attributes = {
    'gen_ai.operation.name': model.operation,
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model.name,
    'ai.feature': feature,
  };
  // The app's own spans carry ai.source; other services' spans are attributed through their root.
  if (random() < 0.6) attributes['ai.source'] = route;
  if (random() < 0.7) {
    attributes['ai.attr.tenant'] = `t${String(1 + Math.floor(50 * random() ** 2)).padStart(3, '0')}`;
    attributes['ai.attr.plan'] = random() < 0.6 ? 'free' : 'pro';
  }
  if (error) {
    attributes['error.type'] = random() < 0.6 ? 'RateLimitError' : 'APIConnectionTimeoutError';
  } else {
    const input = Math.max(1, Math.round(logNormal(random, model.input, 0.9)));
    attributes['gen_ai.response.model'] = model.response;
    attributes['gen_ai.usage.input_tokens'] = input;
    if (model.operation === 'chat') {
      const output = Math.max(1, Math.round(logNormal(random, model.output, 0.8)));
      attributes['gen_ai.usage.output_tokens'] = output;
      if (input >= 1024 && random() < 0.3) {
        attributes['gen_ai.usage.cache_read.input_tokens'] = Math.floor((input * 0.5) / 128) * 128;
      }
      if (model.reasoning) attributes['gen_ai.usage.reasoning.output_tokens'] = Math.round(output * 0.6);
      attributes['gen_ai.response.finish_reasons'] = ['stop'];
      if (random() < 0.3) attributes['ai.streamed'] = true;
    }
  }
  return { attributes, error, ms: logNormal(random, model.ms, 0.6) * (error ? 0.4 : 1) };
}

/**
 * One request's trace: a SERVER root on a route, database queries and outgoing HTTP calls under it, and
 * `aiCalls` GenAI calls. `spans` spans in all (at least 1 + aiCalls).
 */
export function generateTrace(random: () => number, spans: number, aiCalls: number): TrafficSpan[] {
  const [route, feature] = ROUTES[Math.floor(random() * ROUTES.length)] ?? ROUTES[0] ?? ['/', 'none'];
  const out: TrafficSpan[] = [];
  let clock = 0;
  out.push({
    index: 0,
    parent: undefined,
    name: `POST ${route}`,
    kind: 'server',
    offsetMs: 0,
    durationMs: 0,
    attributes: {
      'http.request.method': 'POST',
      'http.route': route,
      'url.path': route.replace('[id]', String(Math.floor(random() * 100_000))),
      'http.response.status_code': 200,
      'server.address': 'app.internal',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)',
    },
    error: false,
    ai: false,
  });
  const others = spans - 1 - aiCalls;
  const aiAt = new Set<number>();
  while (aiAt.size < aiCalls) aiAt.add(1 + Math.floor(random() * (spans - 1)));
  for (let index = 1; index < spans; index++) {
    clock += random() * 3;
    if (aiAt.has(index)) {
      const call = aiAttributes(random, route, feature);
      const name = `${String(call.attributes['gen_ai.operation.name'])} ${String(call.attributes['gen_ai.request.model'])}`;
      out.push({
        index,
        parent: 0,
        name,
        kind: 'client',
        offsetMs: clock,
        durationMs: call.ms,
        attributes: call.attributes,
        error: call.error,
        ai: true,
      });
      clock += call.ms;
    } else if (random() < 0.75 || others < 2) {
      const table = TABLES[Math.floor(random() * TABLES.length)] ?? 'lead';
      const ms = logNormal(random, 1.5, 0.8);
      out.push({
        index,
        parent: 0,
        name: `SELECT ${table}`,
        kind: 'client',
        offsetMs: clock,
        durationMs: ms,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': 'spendtrace',
          'db.operation.name': 'SELECT',
          'db.collection.name': table,
          'db.query.text': `SELECT "id", "status", "updated_at" FROM "${table}" WHERE "id" = $1 LIMIT $2`,
          'server.address': 'db.internal',
          'server.port': 5432,
        },
        error: false,
        ai: false,
      });
      clock += ms;
    } else {
      const host = HOSTS[Math.floor(random() * HOSTS.length)] ?? 'crm.internal';
      const ms = logNormal(random, 40, 0.7);
      out.push({
        index,
        parent: 0,
        name: 'POST',
        kind: 'client',
        offsetMs: clock,
        durationMs: ms,
        attributes: {
          'http.request.method': 'POST',
          'url.full': `https://${host}/v1/events`,
          'server.address': host,
          'server.port': 443,
          'http.response.status_code': 200,
        },
        error: false,
        ai: false,
      });
      clock += ms;
    }
  }
  const root = out[0];
  if (root) root.durationMs = clock + 2;
  return out;
}

/** A generated span as the sink's decoder would hand it to the mapping. */
export function toSpanRecord(
  span: TrafficSpan,
  ids: { traceId: string; spanIdOf: (index: number) => string },
  traceStartMs: number,
  serviceName: string,
): SpanRecord {
  return {
    traceId: ids.traceId,
    spanId: ids.spanIdOf(span.index),
    parentSpanId: span.parent === undefined ? undefined : ids.spanIdOf(span.parent),
    name: span.name,
    startTimeMs: traceStartMs + span.offsetMs,
    durationMs: span.durationMs,
    attributes: span.attributes,
    statusCode: span.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET,
    serviceName,
  };
}
