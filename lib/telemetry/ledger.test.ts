// The sampling-proof ledger in-process: LedgerSampler keeps the spans the ledger needs recorded in traces the
// configured sampler drops, and LedgerSpanProcessor hands every AI span to the exporter, sampled or not,
// while a trace exporter (here a SimpleSpanProcessor, which exports sampled spans only) gets what was sampled.
import { context, propagation, ROOT_CONTEXT, SpanKind, type Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { enableAsyncContext } from '../../test/support/enable-async-context';
import { LedgerSampler, ledgerNeeds, standardSampler } from './ledger-sampler';
import { LedgerSpanProcessor } from './ledger-span-processor';
import { SourceSpanProcessor } from './source-span-processor';
import { withAISource } from './source-context';
import { TRACES_SAMPLERS } from '../config/sampler-names';

enableAsyncContext();

/** Keeps what it is given, like the InteractionExporter's input. */
class RecordingExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  shutdowns = 0;
  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    this.batches.push(spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    this.shutdowns += 1;
    return Promise.resolve();
  }
}

const AI = { 'gen_ai.operation.name': 'chat', 'ai.operation': 'chat', 'ai.feature': 'email.sentiment' };
const names = (spans: readonly ReadableSpan[]) => spans.map((s) => s.name);

function setup(sampler: string, ratio?: number) {
  const ledger = new RecordingExporter();
  const traces = new InMemorySpanExporter();
  const ledgerProcessor = new LedgerSpanProcessor(ledger, { scheduledDelayMillis: 60_000, maxBatchSpans: 3 });
  const provider = new BasicTracerProvider({
    sampler: new LedgerSampler(standardSampler(sampler as 'always_on', ratio)),
    spanProcessors: [new SourceSpanProcessor(), ledgerProcessor, new SimpleSpanProcessor(traces)],
  });
  return { ledger, traces, ledgerProcessor, provider, tracer: provider.getTracer('test') };
}

/** A request as Next.js traces it: SERVER root, the route handler's span with next.route, one AI call inside. */
function request(tracer: Tracer, route: string): void {
  tracer.startActiveSpan('POST', { kind: SpanKind.SERVER }, (root) => {
    tracer.startActiveSpan('render', {}, (middle) => {
      tracer.startActiveSpan(`executing api route (app) ${route}`, { attributes: { 'next.route': route } }, (h) => {
        tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: AI }).end();
        tracer.startSpan('prisma:query').end();
        h.end();
      });
      middle.end();
    });
    root.end();
  });
}

describe('LedgerSampler', () => {
  const dropAll = new LedgerSampler(standardSampler('parentbased_traceidratio', 0));
  const decide = (kind: SpanKind, attributes = {}) =>
    dropAll.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'x', kind, attributes, []).decision;

  it('records, unsampled, what the ledger needs in a trace the sampler drops; nothing else', () => {
    expect({
      ai: decide(SpanKind.CLIENT, AI),
      otherGenAI: decide(SpanKind.CLIENT, { 'gen_ai.operation.name': 'embeddings' }),
      server: decide(SpanKind.SERVER),
      route: decide(SpanKind.INTERNAL, { 'next.route': '/api/x' }),
      httpRoute: decide(SpanKind.INTERNAL, { 'http.route': '/api/x' }),
      plain: decide(SpanKind.INTERNAL),
      client: decide(SpanKind.CLIENT, { 'http.request.method': 'GET' }),
    }).toEqual({
      ai: SamplingDecision.RECORD,
      otherGenAI: SamplingDecision.RECORD,
      server: SamplingDecision.RECORD,
      route: SamplingDecision.RECORD,
      httpRoute: SamplingDecision.RECORD,
      plain: SamplingDecision.NOT_RECORD,
      client: SamplingDecision.NOT_RECORD,
    });
    expect(ledgerNeeds(SpanKind.PRODUCER, {})).toBe(false);
  });

  it('leaves a sampled decision alone', () => {
    const keepAll = new LedgerSampler(standardSampler('always_on'));
    expect(
      keepAll.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'x', SpanKind.INTERNAL, {}, []).decision,
    ).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('names the sampler it wraps', () => {
    expect(TRACES_SAMPLERS.map((name) => new LedgerSampler(standardSampler(name, 0.25)).toString())).toEqual([
      'LedgerSampler{AlwaysOnSampler}',
      'LedgerSampler{AlwaysOffSampler}',
      'LedgerSampler{TraceIdRatioBased{0.25}}',
      'LedgerSampler{ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}}',
      'LedgerSampler{ParentBased{root=AlwaysOffSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}}',
      'LedgerSampler{ParentBased{root=TraceIdRatioBased{0.25}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}}',
    ]);
  });
});

describe('the ledger under sampling', () => {
  let shutdown: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await shutdown?.();
    shutdown = undefined;
  });

  it('at 1%: every AI call reaches the ledger with its route; traces get exactly the sampled ones', async () => {
    const t = setup('parentbased_traceidratio', 0.01);
    shutdown = () => t.provider.shutdown();
    for (let i = 0; i < 300; i++) request(t.tracer, `/api/route/${String(i % 3)}`);
    await t.ledgerProcessor.forceFlush();

    const ledger = t.ledger.batches.flat();
    expect(ledger).toHaveLength(300);
    expect(t.ledger.batches.map((b) => b.length)).toEqual(Array.from({ length: 100 }, () => 3));
    expect(new Set(ledger.map((s) => s.name))).toEqual(new Set(['chat gpt-4o-mini']));
    expect(ledger.map((s) => s.attributes['ai.source'])).toEqual(
      Array.from({ length: 300 }, (_, i) => `/api/route/${String(i % 3)}`),
    );
    // The trace exporter got whole sampled traces only: those the ratio sampler picks by trace id.
    const ratio = new TraceIdRatioBasedSampler(0.01);
    const picked = new Set(
      ledger
        .map((s) => s.spanContext().traceId)
        .filter((id) => ratio.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED),
    );
    const exported = t.traces.getFinishedSpans();
    expect(new Set(exported.map((s) => s.spanContext().traceId))).toEqual(picked);
    // Each sampled trace whole: the root, the middle span, the handler, the AI call and the query.
    expect(exported).toHaveLength(picked.size * 5);
    // The ledger's spans carry the trace's flag: sampled (1) in the picked traces, not sampled (0) elsewhere.
    expect(ledger.map((s) => s.spanContext().traceFlags)).toEqual(
      ledger.map((s) => (picked.has(s.spanContext().traceId) ? 1 : 0)),
    );
  });

  it('with always_off: the ledger is complete, and the AI call takes the source from baggage or the local root', async () => {
    const t = setup('always_off');
    shutdown = () => t.provider.shutdown();
    await withAISource('job:nightly', async () => {
      t.tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, attributes: AI }).end();
      await Promise.resolve();
    });
    // The root's source reaches an AI call whose parent was not recorded.
    t.tracer.startActiveSpan('GET', { kind: SpanKind.SERVER }, (root) => {
      root.setAttribute('ai.source', '/api/cron/followups');
      t.tracer.startActiveSpan('unrecorded', (middle) => {
        expect(middle.isRecording()).toBe(false);
        t.tracer.startSpan('embeddings', { kind: SpanKind.CLIENT, attributes: AI }).end();
        middle.end();
      });
      root.end();
    });
    await t.ledgerProcessor.forceFlush();
    expect(t.ledger.batches.flat().map((s) => [s.name, s.attributes['ai.source']])).toEqual([
      ['chat gpt-4o', 'job:nightly'],
      ['embeddings', '/api/cron/followups'],
    ]);
    expect(t.traces.getFinishedSpans()).toEqual([]);
    expect(propagation.getBaggage(context.active())).toBeUndefined();
  });

  it('sends a batch after the delay, and what is pending on shutdown, once', async () => {
    const ledger = new RecordingExporter();
    const processor = new LedgerSpanProcessor(ledger, { scheduledDelayMillis: 20 });
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('test');
    tracer.startSpan('chat', { attributes: AI }).end();
    await new Promise((r) => setTimeout(r, 100));
    expect(ledger.batches.map(names)).toEqual([['chat']]);
    tracer.startSpan('embeddings', { attributes: AI }).end();
    tracer.startSpan('not ai').end();
    await provider.shutdown();
    await processor.shutdown();
    expect(ledger.batches.map(names)).toEqual([['chat'], ['embeddings']]);
    expect(ledger.shutdowns).toBe(1);
    // After shutdown, nothing more is taken.
    processor.onEnd(ledger.batches[0]?.[0] as ReadableSpan);
    await processor.forceFlush();
    expect(ledger.batches).toHaveLength(2);
  });
});
