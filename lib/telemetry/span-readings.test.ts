// SpanReadings in the pipeline createSpendtraceProcessors builds (cost processor, ledger processor, exporter) on a
// real BasicTracerProvider and the real price book: each ended span is read once and priced once between them,
// and its row is the one the uncached mapping gives. Reads are counted through the constructor's `read` seam,
// prices through a price book that passes every query on to the real one.
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { CallSpan, type CallFacts } from '../ai/call-span';
import { costOfCall } from '../ledger/ai-span';
import { createPriceBook } from '../ledger/price-book';
import type { PriceBook } from '../ledger/price-types';
import { fromReadableSpan, spanToInteraction, type InteractionRow } from '../ledger/span-to-interaction';
import { CostSpanProcessor } from './cost-span-processor';
import { InteractionExporter } from './interaction-exporter';
import { LedgerSpanProcessor } from './ledger-span-processor';
import { LocalRoots } from './local-roots';
import { SpanReadings } from './span-readings';
import { modelCallOf } from './span-view';

const priceBook = createPriceBook();

/** A chat as another GenAI instrumentation records it: no cost on the span, so the cost processor sets it. */
const CHAT: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.usage.input_tokens': 20,
  'gen_ai.usage.output_tokens': 10,
  'ai.source': 'job:test',
};

/** A chat as our client records it: priced by the client before it ends. */
const OUR_CHAT: Attributes = {
  ...CHAT,
  'ai.operation': 'chat',
  'ai.cost.status': 'priced',
  'ai.cost.usd': 0.000009,
  'ai.price.ref': 'genai-prices@0.1.8:openai/gpt-4o-mini',
};

/** CHAT as our client starts it: what it learns (the answering model, the usage) comes later. */
const OUR_START: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'ai.operation': 'chat',
  'ai.streamed': false,
  'ai.source': 'job:test',
};

/** What our client knows of CHAT as it starts it. */
const FACTS: CallFacts = { operation: 'chat', provider: 'openai', requestModel: 'gpt-4o-mini', streamed: false };

const FULL_USAGE = { input: 20, cached: 5, output: 10, reasoning: 2 };
/** Counts as an OpenAI-compatible server might send them: fractional, negative, as text, too large. */
const ODD_USAGE = { input: 12.7, cached: -1, output: '15' as unknown as number, reasoning: 3e10 };

/** Counts what is asked of the real price book. */
function countingPriceBook(book: PriceBook): PriceBook & { queries: number } {
  const counting = {
    queries: 0,
    price(query: Parameters<PriceBook['price']>[0]) {
      counting.queries += 1;
      return book.price(query);
    },
  };
  return counting;
}

/**
 * The pipeline, its spans from `tracerName`. `reads`: `counted` reads spans through the constructor's seam and
 * lists them in `read` (a SpanReadings that reads spans its own way takes no preset reading); `ledger` reads
 * them the ledger's own way, as createSpendtraceProcessors does, and lists nothing.
 */
function pipeline(reads: 'counted' | 'ledger' = 'counted', tracerName = 'another-instrumentation') {
  const read: string[] = [];
  const readings =
    reads === 'ledger'
      ? new SpanReadings()
      : new SpanReadings((span) => {
          read.push(span.name);
          return modelCallOf(span);
        });
  const book = countingPriceBook(priceBook);
  const rows: InteractionRow[] = [];
  const exporter = new InteractionExporter({
    priceBook: book,
    readings,
    sink: {
      insertMany(batch) {
        rows.push(...batch);
        return Promise.resolve(batch.length);
      },
    },
  });
  const ledger = new LedgerSpanProcessor(exporter, { scheduledDelayMillis: 60_000, readings });
  const cost = new CostSpanProcessor({ priceBook: book, roots: new LocalRoots(), readings });
  const ended: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [
      cost,
      ledger,
      {
        onStart: () => undefined,
        onEnd: (span) => ended.push(span),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  return { read, book, rows, ledger, ended, tracer: provider.getTracer(tracerName) };
}

describe('SpanReadings', () => {
  describe('with the cost processor, the ledger processor and the exporter', () => {
    it('reads and prices a span our client priced once, and writes the row the uncached mapping gives', async () => {
      const { read, book, rows, ledger, ended, tracer } = pipeline();

      tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: OUR_CHAT }).end();
      await ledger.forceFlush();

      expect(read).toEqual(['chat gpt-4o-mini']);
      expect(book.queries).toBe(1);
      const span = ended[0] as ReadableSpan;
      expect(rows).toEqual([spanToInteraction(fromReadableSpan(span), { priceBook })]);
      expect(rows[0]?.costUsd).toBe('0.000009000000');
    });

    it("reads another instrumentation's span as it ends and once ended, and prices it at each", async () => {
      const { read, book, rows, ledger, ended, tracer } = pipeline();

      tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: CHAT }).end();
      await ledger.forceFlush();

      // onEnding reads the open span (its attributes may still change), onEnd the ended one, for all three.
      expect(read).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
      expect(book.queries).toBe(2);
      const span = ended[0] as ReadableSpan;
      expect(span.attributes['ai.cost.status']).toBe('priced');
      expect(rows).toEqual([spanToInteraction(fromReadableSpan(span), { priceBook })]);
    });

    it('keeps the reading of every span waiting for its batch, not only of the span that ended last', async () => {
      const { read, book, rows, ledger, ended, tracer } = pipeline();

      tracer.startSpan('first', { kind: SpanKind.CLIENT, attributes: OUR_CHAT }).end();
      tracer
        .startSpan('second', { kind: SpanKind.CLIENT, attributes: { ...OUR_CHAT, 'gen_ai.usage.output_tokens': 20 } })
        .end();
      await ledger.forceFlush();

      expect(read).toEqual(['first', 'second']);
      expect(book.queries).toBe(2);
      expect(rows).toEqual(ended.map((span) => spanToInteraction(fromReadableSpan(span), { priceBook })));
      expect(rows.map((row) => row.costUsd)).toEqual(['0.000009000000', '0.000015000000']);
    });

    it('reads a span that is no model call as it ends and once ended, and writes no row', async () => {
      const { read, book, rows, ledger, tracer } = pipeline();

      tracer.startSpan('prisma:query').end();
      await ledger.forceFlush();

      expect(read).toEqual(['prisma:query', 'prisma:query']);
      expect(book.queries).toBe(0);
      expect(rows).toEqual([]);
    });
  });

  describe("a span our client read and priced as it ended (CallSpan's preset reading)", () => {
    it('is priced once in all (by the client), and its row is the one the uncached mapping gives', async () => {
      const { book, rows, ledger, ended, tracer } = pipeline('ledger', 'spendtrace');
      const span = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: OUR_START });
      const call = new CallSpan(span, FACTS, book, false);
      call.setAttribute('gen_ai.response.model', 'gpt-4o-mini-2024-07-18');
      call.usage({ input: 20, output: 10 });
      call.end();
      await ledger.forceFlush();

      expect(book.queries).toBe(1);
      const ended0 = ended[0] as ReadableSpan;
      expect(ended0.attributes['ai.cost.usd']).toBe(0.000009);
      expect(rows).toEqual([spanToInteraction(fromReadableSpan(ended0), { priceBook })]);
      expect(rows[0]?.costUsd).toBe('0.000009000000');
      expect(rows[0]?.inputTokens).toBe(20);
    });

    // The client builds its call from what it holds rather than reading its span back; the ledger reads the span.
    it.each<[string, CallFacts, (call: CallSpan) => void]>([
      [
        'a chat with every count',
        FACTS,
        (c) => (c.setAttribute('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'), c.usage(FULL_USAGE)),
      ],
      [
        'a streamed chat whose usage came in two parts',
        { ...FACTS, streamed: true },
        (c) => (c.usage({ input: 20 }), c.usage({ output: 10, reasoning: 2 })),
      ],
      [
        'a responses call with odd counts and a model name past the row limit',
        { operation: 'responses', provider: 'openai', requestModel: 'x'.repeat(600), streamed: false },
        (c) => (c.setAttribute('gen_ai.response.model', ''), c.usage(ODD_USAGE)),
      ],
      [
        'an embeddings call with no model named',
        { operation: 'embeddings', provider: 'openai', requestModel: undefined, streamed: false },
        (c) => c.usage({ input: 7 }),
      ],
      ['a token count', { ...FACTS, operation: 'token_count' }, () => undefined],
      ['a call without usage', FACTS, () => undefined],
    ])("builds the reading the ledger's dialect makes of its ended span: %s", (_name, facts, learn) => {
      const tracer = new BasicTracerProvider().getTracer('spendtrace');
      const start: Attributes = { 'ai.operation': facts.operation, 'ai.streamed': facts.streamed };
      start['gen_ai.provider.name'] = facts.provider;
      if (facts.requestModel !== undefined) start['gen_ai.request.model'] = facts.requestModel;
      const span = tracer.startSpan('chat', { kind: SpanKind.CLIENT, attributes: start });
      const call = new CallSpan(span, facts, priceBook, false);
      learn(call);
      call.end();

      const ended = span as unknown as ReadableSpan;
      const built = new SpanReadings().modelCallOf(ended);
      expect(built).toEqual(modelCallOf(ended));
      expect(built).not.toBe(modelCallOf(ended));
    });

    it('is read afresh by a SpanReadings that reads spans its own way', async () => {
      const { read, book, rows, ledger, ended, tracer } = pipeline();
      const span = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: OUR_START });
      const call = new CallSpan(span, FACTS, book, false);
      call.setAttribute('gen_ai.response.model', 'gpt-4o-mini-2024-07-18');
      call.usage({ input: 20, output: 10 });
      call.end();
      await ledger.forceFlush();

      expect(read).toEqual(['chat gpt-4o-mini']);
      // The client's price, and the processors' own once they read the span.
      expect(book.queries).toBe(2);
      expect(rows).toEqual([spanToInteraction(fromReadableSpan(ended[0] as ReadableSpan), { priceBook })]);
    });
  });

  describe('modelCallOf', () => {
    it('reads an open span afresh each time, and keeps the reading of the ended span', () => {
      let reads = 0;
      const readings = new SpanReadings((span) => {
        reads += 1;
        return modelCallOf(span);
      });
      const provider = new BasicTracerProvider();
      const span = provider.getTracer('test').startSpan('chat', { attributes: CHAT }) as unknown as ReadableSpan;

      expect(readings.modelCallOf(span)?.usage.outputTokens).toBe(10);
      (span as unknown as { setAttribute(key: string, value: number): void }).setAttribute(
        'gen_ai.usage.output_tokens',
        12,
      );
      expect(readings.modelCallOf(span)?.usage.outputTokens).toBe(12);
      (span as unknown as { end(): void }).end();
      const call = readings.modelCallOf(span);

      expect(readings.modelCallOf(span)).toBe(call);
      expect(call).toEqual(modelCallOf(span));
      expect(reads).toBe(3);
    });
  });

  describe('costOf', () => {
    function endedChat(): ReadableSpan {
      const span = new BasicTracerProvider().getTracer('test').startSpan('chat', { attributes: CHAT });
      span.end();
      return span as unknown as ReadableSpan;
    }

    it("prices again with another price book, and a call that is not the span's own reading", () => {
      const readings = new SpanReadings();
      const span = endedChat();
      const call = readings.modelCallOf(span);
      if (call === undefined) throw new Error('not read as a call');
      const other = createPriceBook({
        overrides: [{ model: 'gpt-4o-mini-2024-07-18', inputMtok: '1', outputMtok: '1' }],
      });
      const startedAt = fromReadableSpan(span).startTimeMs;

      const first = readings.costOf(span, call, priceBook);
      expect(readings.costOf(span, call, priceBook)).toBe(first);
      expect(first).toEqual(costOfCall(call, new Date(startedAt), priceBook));
      expect(readings.costOf(span, call, other)).toEqual(costOfCall(call, new Date(startedAt), other));
      expect(readings.costOf(span, call, other).costUsd).toBe('0.000030000000');
      const copy = { ...call, usage: { ...call.usage, outputTokens: 20 } };
      expect(readings.costOf(span, copy, other)).toEqual(costOfCall(copy, new Date(startedAt), other));
    });
  });
});
