// Emitter `openlit`: `openlit.init()` instrumenting the `openai` SDK. openlit builds and registers a tracer
// provider of its own (it reuses an existing one only if that has `addSpanProcessor`, which OpenTelemetry 2.x
// providers no longer have, and its `tracer` option skips instrumenting altogether), exporting over OTLP/HTTP
// JSON to `otlpEndpoint`. So the spans are taken where openlit sends them: a local OTLP receiver here, whose
// payloads are decoded back into spans. Its log events (/v1/logs) and metrics (/v1/metrics) are accepted
// and ignored. For the same reason it does not take part in the live export (`otlpExport`, FIXTURE_OTLP_URL): no
// processor can be added to its provider. `pricingJson` is given inline (OpenAI list prices, in openlit's
// per-1K-token format) because the default fetches openlit's pricing file from GitHub, which this machine cannot
// reach.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import openlit from 'openlit';

import {
  API_KEY,
  emitterEnv,
  loadOpenAI,
  noteEvents,
  openaiCalls,
  packageVersions,
  ROOT_TRACER_NAME,
  runEmitter,
  serviceNameFor,
  withRootSpan,
  writeEmitterOutput,
  type FixtureSpan,
} from './common';

const PRICING = {
  chat: { 'gpt-4o-mini': { promptPrice: 0.00015, completionPrice: 0.0006, cacheReadPrice: 0.000075 } },
  embeddings: { 'text-embedding-3-small': 0.00002 },
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** An OTLP AnyValue as the span attribute it was encoded from. */
function attributeValue(value: unknown): unknown {
  if (!isObject(value)) throw new Error(`not an OTLP AnyValue: ${JSON.stringify(value)}`);
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) {
    const array = isObject(value.arrayValue) ? value.arrayValue.values : undefined;
    return (Array.isArray(array) ? array : []).map(attributeValue);
  }
  throw new Error(`unexpected OTLP AnyValue ${JSON.stringify(value)}`);
}

function attributes(values: unknown): Record<string, unknown> {
  return Object.fromEntries(list(values).map((kv) => [String(kv.key), attributeValue(kv.value)]));
}

/** Unix nanoseconds, sent as a decimal string or a number. */
function nanos(value: unknown): bigint {
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`bad OTLP time ${String(value)}`);
  return BigInt(value);
}

/** Nanoseconds as milliseconds, to the microsecond. */
const msOf = (ns: bigint): number => Number(ns / 1000n) / 1000;

function otlpKind(value: unknown): number {
  if (typeof value !== 'number' || value < 1 || value > 5) throw new Error(`bad OTLP span kind ${String(value)}`);
  return value;
}

/** The spans of one OTLP/JSON ExportTraceServiceRequest. OTLP SpanKind is the API's SpanKind + 1. */
function decodeTraces(body: Json): FixtureSpan[] {
  return list(body.resourceSpans).flatMap((resourceSpans) => {
    const resource = attributes(isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : []);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : '';
    return list(resourceSpans.scopeSpans).flatMap((scopeSpans) => {
      const scope = isObject(scopeSpans.scope) ? scopeSpans.scope : {};
      return list(scopeSpans.spans).map((span): FixtureSpan => {
        const start = nanos(span.startTimeUnixNano);
        const end = nanos(span.endTimeUnixNano);
        noteEvents(
          String(span.name),
          list(span.events).map((event) => String(event.name)),
        );
        const parent = typeof span.parentSpanId === 'string' && span.parentSpanId !== '' ? span.parentSpanId : null;
        return {
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          parentSpanId: parent,
          name: String(span.name),
          kind: otlpKind(span.kind) - 1,
          startTimeMs: msOf(start),
          durationMs: msOf(end - start),
          statusCode: isObject(span.status) && typeof span.status.code === 'number' ? span.status.code : 0,
          attributes: attributes(span.attributes),
          scope: {
            name: typeof scope.name === 'string' ? scope.name : '',
            version: typeof scope.version === 'string' && scope.version !== '' ? scope.version : null,
          },
          serviceName,
        };
      });
    });
  });
}

/** A local OTLP/HTTP receiver keeping the spans of every JSON trace export it is sent. */
async function startReceiver(): Promise<{
  endpoint: string;
  spans: FixtureSpan[];
  errors: string[];
  close: () => void;
}> {
  const spans: FixtureSpan[] = [];
  const errors: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === '/v1/traces') {
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        throw new Error(`traces arrived as ${String(req.headers['content-type'])}, not JSON`);
      }
      spans.push(...decodeTraces(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      errors.push(error instanceof Error ? error.message : String(error));
      res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, spans, errors, close: () => server.close() };
}

async function main(): Promise<void> {
  const { providerUrl, output } = emitterEnv();
  const receiver = await startReceiver();
  openlit.init({
    applicationName: serviceNameFor('openlit'),
    otlpEndpoint: receiver.endpoint,
    pricingJson: PRICING,
  });

  const OpenAI = loadOpenAI();
  const client = new OpenAI({ baseURL: providerUrl, apiKey: API_KEY });
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), () => openaiCalls(client));

  // openlit registered its provider globally (behind the API's proxy); flushing it waits for the receiver to
  // have every span.
  const proxy = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  const provider = proxy.getDelegate?.();
  if (!provider?.forceFlush) throw new Error('openlit registered no SDK tracer provider');
  await provider.forceFlush();
  if (receiver.errors.length > 0) throw new Error(`OTLP receiver: ${receiver.errors.join('; ')}`);
  writeEmitterOutput(output, { packages: packageVersions(['openlit', 'openai']), spans: receiver.spans });
  receiver.close();
}

runEmitter(main);
