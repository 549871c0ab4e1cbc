// SourceSpanProcessor on a real BasicTracerProvider: where ai.source comes from, how it reaches the root,
// and that onStart never throws into the caller.
import {
  context,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  trace,
  type Baggage,
  type Tracer,
} from '@opentelemetry/api';
import type { InMemorySpanExporter, Span } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { captureDiag } from '../../test/support/capture-diag';
import { enableAsyncContext } from '../../test/support/enable-async-context';
import { finishedSpan } from '../../test/support/finished-span';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { SourceSpanProcessor } from './source-span-processor';
import { withAISource } from './source-context';

const ROUTE = '/api/leads/[id]/draft';

enableAsyncContext();

function setup(): { tracer: Tracer; exporter: InMemorySpanExporter } {
  return inMemoryTracing({ processors: [new SourceSpanProcessor()] });
}

function remoteParent(): ReturnType<typeof trace.setSpanContext> {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

describe('SourceSpanProcessor', () => {
  describe('onStart', () => {
    it('stamps ai.source from baggage', () => {
      const { tracer, exporter } = setup();
      withAISource('job:nightly_digest', () => tracer.startSpan('work').end());

      expect(finishedSpan(exporter, 'work').attributes).toEqual({ 'ai.source': 'job:nightly_digest' });
    });

    it('stamps the route template of a Next.js request on every span, the root included', () => {
      const { tracer, exporter } = setup();
      // Next.js starts the root before it knows the route; only the child that runs the handler carries it.
      const root = tracer.startSpan('GET', {
        kind: SpanKind.SERVER,
        attributes: { 'http.target': '/api/leads/42/draft' },
      }) as Span;
      expect(root.attributes).toEqual({ 'http.target': '/api/leads/42/draft' });

      const rootContext = trace.setSpan(ROOT_CONTEXT, root);
      const handler = tracer.startSpan(
        `executing api route (app) ${ROUTE}`,
        { attributes: { 'next.route': ROUTE } },
        rootContext,
      );
      expect(root.attributes).toEqual({ 'http.target': '/api/leads/42/draft', 'ai.source': ROUTE });

      const client = tracer.startSpan('POST', { kind: SpanKind.CLIENT }, trace.setSpan(rootContext, handler));
      client.end();
      handler.end();
      root.end();

      expect(finishedSpan(exporter, 'GET').attributes).toEqual({
        'http.target': '/api/leads/42/draft',
        'ai.source': ROUTE,
      });
      expect(finishedSpan(exporter, `executing api route (app) ${ROUTE}`).attributes).toEqual({
        'next.route': ROUTE,
        'ai.source': ROUTE,
      });
      expect(finishedSpan(exporter, 'POST').attributes).toEqual({ 'ai.source': ROUTE });
    });

    it('stamps ai.source from http.route', () => {
      const { tracer, exporter } = setup();
      tracer.startSpan('GET /api/cron/followups', { attributes: { 'http.route': '/api/cron/followups' } }).end();

      expect(finishedSpan(exporter, 'GET /api/cron/followups').attributes).toEqual({
        'http.route': '/api/cron/followups',
        'ai.source': '/api/cron/followups',
      });
    });

    it('prefers next.route over http.route', () => {
      const { tracer, exporter } = setup();
      tracer.startSpan('handler', { attributes: { 'next.route': ROUTE, 'http.route': '/api/other' } }).end();

      expect(finishedSpan(exporter, 'handler').attributes).toEqual({
        'next.route': ROUTE,
        'http.route': '/api/other',
        'ai.source': ROUTE,
      });
    });

    it('inherits ai.source from the parent span', () => {
      const { tracer, exporter } = setup();
      const parent = withAISource('action:leads.draft', () => tracer.startSpan('parent'));
      // The child starts outside the baggage: only its parent span knows the source.
      tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
      parent.end();

      expect(finishedSpan(exporter, 'child').attributes).toEqual({ 'ai.source': 'action:leads.draft' });
    });

    it('prefers the source in baggage over the route', () => {
      const { tracer, exporter } = setup();
      withAISource('action:leads.draft', () =>
        tracer.startSpan('handler', { attributes: { 'next.route': ROUTE } }).end(),
      );

      expect(finishedSpan(exporter, 'handler').attributes).toEqual({
        'next.route': ROUTE,
        'ai.source': 'action:leads.draft',
      });
    });

    it('prefers the route over the parent span source', () => {
      const { tracer, exporter } = setup();
      const parent = withAISource('job:warmup', () => tracer.startSpan('parent'));
      tracer.startSpan('handler', { attributes: { 'next.route': ROUTE } }, trace.setSpan(ROOT_CONTEXT, parent)).end();
      parent.end();

      expect(finishedSpan(exporter, 'handler').attributes).toEqual({ 'next.route': ROUTE, 'ai.source': ROUTE });
    });

    it('keeps an ai.source the span was started with', () => {
      const { tracer, exporter } = setup();
      withAISource('job:outer', () => tracer.startSpan('work', { attributes: { 'ai.source': 'job:explicit' } }).end());

      expect(finishedSpan(exporter, 'work').attributes).toEqual({ 'ai.source': 'job:explicit' });
    });

    it('copies ai.feature and ai.attr.* from baggage, and no other baggage entry', () => {
      const { tracer, exporter } = setup();
      const withUser = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'user.id': { value: 'u-7' } }));
      context.with(withUser, () =>
        withAISource('action:leads.draft', () => tracer.startSpan('work').end(), {
          feature: 'lead_draft',
          attributes: { customer_tier: 'pro', region: 'eu' },
        }),
      );

      expect(finishedSpan(exporter, 'work').attributes).toEqual({
        'ai.source': 'action:leads.draft',
        'ai.feature': 'lead_draft',
        'ai.attr.customer_tier': 'pro',
        'ai.attr.region': 'eu',
      });
    });

    it('leaves a span with no source without ai.source', () => {
      const { tracer, exporter } = setup();
      const root = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.target': '/healthz' } });
      tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
      root.end();

      expect(finishedSpan(exporter, 'GET').attributes).toEqual({ 'http.target': '/healthz' });
      expect(finishedSpan(exporter, 'child').attributes).toEqual({});
    });

    it('does not touch a root that already ended', () => {
      const { tracer, exporter } = setup();
      const root = tracer.startSpan('GET', {
        kind: SpanKind.SERVER,
        attributes: { 'http.target': '/api/leads/42/draft' },
      });
      root.end();
      const messages = captureDiag(DiagLogLevel.WARN);
      // Work that outlives the response, started in the request's context.
      tracer.startSpan('late', { attributes: { 'next.route': ROUTE } }, trace.setSpan(ROOT_CONTEXT, root)).end();

      expect(finishedSpan(exporter, 'GET').attributes).toEqual({ 'http.target': '/api/leads/42/draft' });
      expect(finishedSpan(exporter, 'late').attributes).toEqual({ 'next.route': ROUTE, 'ai.source': ROUTE });
      expect(messages).toEqual([]);
    });

    it('makes a span with a remote parent the local root that takes the route', () => {
      const { tracer, exporter } = setup();
      const server = tracer.startSpan('GET', { kind: SpanKind.SERVER }, remoteParent()) as Span;
      const handler = tracer.startSpan(
        `executing api route (app) ${ROUTE}`,
        { attributes: { 'next.route': ROUTE } },
        trace.setSpan(ROOT_CONTEXT, server),
      );
      handler.end();
      server.end();

      const exported = finishedSpan(exporter, 'GET');
      expect(exported.parentSpanContext?.isRemote).toBe(true);
      expect(exported.attributes).toEqual({ 'ai.source': ROUTE });
    });

    it('stamps ai.source from baggage that arrived with a remote parent', () => {
      const { tracer, exporter } = setup();
      const upstream = propagation.setBaggage(
        remoteParent(),
        propagation.createBaggage({ 'ai.source': { value: 'job:weekly_digest' } }),
      );
      tracer.startSpan('GET', { kind: SpanKind.SERVER }, upstream).end();

      expect(finishedSpan(exporter, 'GET').attributes).toEqual({ 'ai.source': 'job:weekly_digest' });
    });

    it('never throws on baggage that throws', () => {
      const { tracer, exporter } = setup();
      const corrupt = (): never => {
        throw new Error('corrupt baggage');
      };
      const throwingBaggage: Baggage = {
        getEntry: corrupt,
        getAllEntries: corrupt,
        setEntry: corrupt,
        removeEntry: corrupt,
        removeEntries: corrupt,
        clear: corrupt,
      };
      const messages = captureDiag(DiagLogLevel.WARN);

      expect(() =>
        tracer.startSpan('work', {}, propagation.setBaggage(ROOT_CONTEXT, throwingBaggage)).end(),
      ).not.toThrow();
      expect(finishedSpan(exporter, 'work').attributes).toEqual({});
      expect(messages).toEqual([
        {
          level: 'error',
          message: 'spendtrace: SourceSpanProcessor.onStart failed',
          args: [new Error('corrupt baggage')],
        },
      ]);
    });

    it('never throws when the span refuses attributes', () => {
      // No SDK span throws from setAttribute, so a minimal stand-in provokes it.
      const refusing = {
        name: 'refusing',
        attributes: {},
        parentSpanContext: undefined,
        spanContext: () => ({
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          traceFlags: TraceFlags.SAMPLED,
        }),
        isRecording: () => true,
        setAttribute: () => {
          throw new Error('attributes are frozen');
        },
      } as unknown as Span;
      const withSource = propagation.setBaggage(
        ROOT_CONTEXT,
        propagation.createBaggage({ 'ai.source': { value: 'job:nightly_digest' } }),
      );
      const messages = captureDiag(DiagLogLevel.WARN);

      expect(() => new SourceSpanProcessor().onStart(refusing, withSource)).not.toThrow();
      expect(messages).toEqual([
        {
          level: 'error',
          message: 'spendtrace: SourceSpanProcessor.onStart failed',
          args: [new Error('attributes are frozen')],
        },
      ]);
    });
  });

  describe('onEnd', () => {
    it('forgets the root, so a later span of its trace does not stamp it', () => {
      const { tracer } = setup();
      const root = tracer.startSpan('GET', { kind: SpanKind.SERVER }) as Span;
      root.end();
      tracer.startSpan('late', { attributes: { 'next.route': ROUTE } }, trace.setSpan(ROOT_CONTEXT, root)).end();

      expect(root.attributes).toEqual({});
    });
  });

  describe('shutdown', () => {
    it('resolves, also when called twice', async () => {
      const processor = new SourceSpanProcessor();
      await processor.shutdown();
      await expect(processor.shutdown()).resolves.toBeUndefined();
      await expect(processor.forceFlush()).resolves.toBeUndefined();
    });
  });
});
