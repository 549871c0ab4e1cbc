// The source helpers through the global OpenTelemetry API, with a real provider and context manager, as the
// app runs them: what reaches baggage, the spans aiAction and aiJob start, and errors passing through.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { enableAsyncContext } from '../../test/support/enable-async-context';
import { finishedSpan } from '../../test/support/finished-span';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { createAIClient, type AIClient } from '../ai/ai-client';
import { chatTextStream } from '../ai/chat-text-stream';
import { startLocalProvider, type LocalProvider } from '../ai/local-provider';
import { createPriceBook } from '../ledger/price-book';
import { CostSpanProcessor } from './cost-span-processor';
import { aiAction, aiJob, TRACER_NAME, withAIAttributes, withAISource } from './source-context';
import { SourceSpanProcessor } from './source-span-processor';

// The processors the app runs: attribution, and per-request totals on the trace's local root.
const { provider, exporter } = inMemoryTracing({
  processors: [new SourceSpanProcessor(), new CostSpanProcessor({ priceBook: createPriceBook() })],
});

enableAsyncContext();

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

beforeEach(() => {
  exporter.reset();
});

/** A span such as the OpenAI client starts inside the wrapped code. */
function startInnerSpan(name: string): void {
  trace.getTracer('inner').startSpan(name).end();
}

/** Every chunk of a stream, read the way React reads an action's stream: from outside the action's context. */
function readOutside<T>(stream: ReadableStream<T>): Promise<T[]> {
  return context.with(ROOT_CONTEXT, async () => {
    const chunks: T[] = [];
    const reader = stream.getReader();
    for (;;) {
      const next = await reader.read();
      if (next.done) return chunks;
      chunks.push(next.value);
    }
  });
}

function finishedNames(): string[] {
  return exporter.getFinishedSpans().map((span) => span.name);
}

describe('withAISource', () => {
  it('returns what fn returns', () => {
    expect(withAISource('job:nightly_digest', () => 42)).toBe(42);
  });

  it('attributes spans started inside to the source', () => {
    withAISource('job:nightly_digest', () => startInnerSpan('openai.chat'));

    expect(finishedSpan(exporter, 'openai.chat').attributes).toEqual({ 'ai.source': 'job:nightly_digest' });
  });

  it('keeps the source across an await', async () => {
    await withAISource('job:nightly_digest', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      startInnerSpan('openai.chat');
    });

    expect(finishedSpan(exporter, 'openai.chat').attributes).toEqual({ 'ai.source': 'job:nightly_digest' });
  });

  it('lets the innermost source win and keeps the outer feature', () => {
    withAISource(
      'job:outer',
      () => {
        withAISource('job:inner', () => startInnerSpan('inner call'));
        startInnerSpan('outer call');
      },
      { feature: 'lead_draft' },
    );

    expect(finishedSpan(exporter, 'inner call').attributes).toEqual({
      'ai.source': 'job:inner',
      'ai.feature': 'lead_draft',
    });
    expect(finishedSpan(exporter, 'outer call').attributes).toEqual({
      'ai.source': 'job:outer',
      'ai.feature': 'lead_draft',
    });
  });

  it('leaves spans after it returns unattributed', () => {
    withAISource('job:nightly_digest', () => undefined);
    startInnerSpan('after');

    expect(finishedSpan(exporter, 'after').attributes).toEqual({});
  });

  it('gives a source alone the same baggage each time, and each of 1,200 sources its own entries', () => {
    const bagOf = (source: string) => withAISource(source, () => propagation.getBaggage(context.active()));
    expect(bagOf('job:nightly_digest')).toBe(bagOf('job:nightly_digest'));

    // Past the sources kept (1,000), a source still gets a baggage of its own, made afresh each time.
    const sources = Array.from({ length: 1200 }, (_, i) => `job:run_${i}`);
    for (const source of sources) withAISource(source, () => startInnerSpan(source));
    for (const source of sources) {
      expect(finishedSpan(exporter, source).attributes).toEqual({ 'ai.source': source });
      expect(bagOf(source)?.getAllEntries()).toEqual([['ai.source', { value: source }]]);
    }
    expect(bagOf('job:run_1199')).not.toBe(bagOf('job:run_1199'));
  });
});

describe('withAIAttributes', () => {
  it('adds ai.attr.* to spans inside and keeps the current source', () => {
    withAISource('action:leads.draft', () =>
      withAIAttributes({ customer_tier: 'pro', region: 'eu' }, () => startInnerSpan('openai.chat')),
    );

    expect(finishedSpan(exporter, 'openai.chat').attributes).toEqual({
      'ai.source': 'action:leads.draft',
      'ai.attr.customer_tier': 'pro',
      'ai.attr.region': 'eu',
    });
  });

  it('adds attributes without inventing a source', () => {
    const result = withAIAttributes({ customer_tier: 'pro' }, () => {
      startInnerSpan('openai.chat');
      return 'done';
    });

    expect(result).toBe('done');
    expect(finishedSpan(exporter, 'openai.chat').attributes).toEqual({ 'ai.attr.customer_tier': 'pro' });
  });

  it('keeps the outer attributes inside, the inner value winning, in baggage order', () => {
    withAIAttributes({ customer_tier: 'pro', region: 'eu' }, () =>
      withAISource('job:nightly', () =>
        withAIAttributes({ region: 'us', plan: 'team' }, () => startInnerSpan('inner')),
      ),
    );

    expect(Object.entries(finishedSpan(exporter, 'inner').attributes)).toEqual([
      ['ai.source', 'job:nightly'],
      ['ai.attr.customer_tier', 'pro'],
      ['ai.attr.region', 'us'],
      ['ai.attr.plan', 'team'],
    ]);
  });

  it('adds to attributes in baggage another library set, and copies no other entry', () => {
    const upstream = propagation.createBaggage({
      'ai.attr.tenant': { value: 'acme' },
      'session.id': { value: 'not ours' },
    });
    context.with(propagation.setBaggage(context.active(), upstream), () => {
      startInnerSpan('upstream only');
      withAIAttributes({ region: 'eu' }, () => startInnerSpan('both'));
    });

    expect(finishedSpan(exporter, 'upstream only').attributes).toEqual({ 'ai.attr.tenant': 'acme' });
    expect(finishedSpan(exporter, 'both').attributes).toEqual({ 'ai.attr.tenant': 'acme', 'ai.attr.region': 'eu' });
  });
});

describe('aiAction', () => {
  it('returns the result of fn and passes its arguments', async () => {
    const draft = aiAction('leads.draft', (leadId: number, tone: string) =>
      Promise.resolve(`${tone} draft for lead ${leadId}`),
    );

    await expect(draft(42, 'friendly')).resolves.toBe('friendly draft for lead 42');
  });

  it('runs fn in an INTERNAL span "action <id>" with ai.source action:<id>', async () => {
    await aiAction('leads.draft', () => Promise.resolve())();

    const span = finishedSpan(exporter, 'action leads.draft');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.instrumentationScope.name).toBe(TRACER_NAME);
    expect(span.attributes).toEqual({ 'ai.source': 'action:leads.draft' });
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.events).toEqual([]);
  });

  it('attributes spans inside to the action, as children of its span', async () => {
    await aiAction('leads.draft', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      startInnerSpan('openai.chat');
    })();

    const action = finishedSpan(exporter, 'action leads.draft');
    const inner = finishedSpan(exporter, 'openai.chat');
    expect(inner.attributes).toEqual({ 'ai.source': 'action:leads.draft' });
    expect(inner.parentSpanContext?.spanId).toBe(action.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(action.spanContext().traceId);
  });

  it('puts the feature and developer attributes on every span inside', async () => {
    await aiAction(
      'leads.draft',
      () => {
        startInnerSpan('openai.chat');
        return Promise.resolve();
      },
      {
        feature: 'lead_draft',
        attributes: { customer_tier: 'pro' },
      },
    )();

    const expected = {
      'ai.source': 'action:leads.draft',
      'ai.feature': 'lead_draft',
      'ai.attr.customer_tier': 'pro',
    };
    expect(finishedSpan(exporter, 'action leads.draft').attributes).toEqual(expected);
    expect(finishedSpan(exporter, 'openai.chat').attributes).toEqual(expected);
  });

  it('records an error on the span and rethrows the same object', async () => {
    const error = new TypeError('lead 42 not found');
    const draft = aiAction('leads.draft', () => Promise.reject(error));

    await expect(draft()).rejects.toBe(error);
    const span = finishedSpan(exporter, 'action leads.draft');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'lead 42 not found' });
    expect(span.events.map((event) => ({ name: event.name, attributes: event.attributes }))).toEqual([
      {
        name: 'exception',
        attributes: {
          'exception.type': 'TypeError',
          'exception.message': 'lead 42 not found',
          'exception.stacktrace': error.stack,
        },
      },
    ]);
  });

  it('rethrows an error fn throws before its first await', async () => {
    const error = new Error('invalid input');
    const draft = aiAction('leads.draft', () => {
      throw error;
    });

    await expect(draft()).rejects.toBe(error);
    expect(finishedSpan(exporter, 'action leads.draft').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'invalid input',
    });
  });

  it('rethrows a thrown string unchanged', async () => {
    // A library may reject with something other than an Error; the caller must get it back as it was.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const draft = aiAction('leads.draft', () => Promise.reject('quota exceeded'));

    await expect(draft()).rejects.toBe('quota exceeded');
    expect(finishedSpan(exporter, 'action leads.draft').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('rethrows a rejection with null unchanged', async () => {
    // Anything can be thrown: recording it on the span must never replace the caller's own rejection.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const draft = aiAction('leads.draft', () => Promise.reject(null));

    await expect(draft()).rejects.toBeNull();
    expect(finishedSpan(exporter, 'action leads.draft').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('starts a new span on every call', async () => {
    const draft = aiAction('leads.draft', () => Promise.resolve());
    await draft();
    await draft();

    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['action leads.draft', 'action leads.draft']);
  });
});

describe('aiAction with a streamed answer', () => {
  const QUESTION = 'Which deals close this month?';
  let local: LocalProvider;
  let ai: AIClient;

  beforeAll(async () => {
    // Slow chunks, so a reader can cancel while the provider is still sending.
    local = await startLocalProvider({ chunkDelayMs: 100 });
    ai = createAIClient(new OpenAI({ apiKey: 'test', baseURL: local.url, maxRetries: 0 }), {
      priceBook: createPriceBook(),
    });
  });

  afterAll(async () => {
    await local.close();
  });

  /** The insights chat's shape: the action answers at once, with the text still to come in a stream. */
  const sendMessage = aiAction('insights_chat.send_message', async (question: string) => {
    const completion = await ai.chat.completions.create({
      feature: 'insights_chat.answer',
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: question }],
    });
    return { ok: true as const, answer: chatTextStream(completion) };
  });

  it('keeps the action span open until the stream is read, and ends it after the AI span, with the totals', async () => {
    const result = await sendMessage(QUESTION);

    expect(result.ok).toBe(true);
    expect(finishedNames()).toEqual([]);
    const texts = await readOutside(result.answer);

    expect(texts.join('')).toBe('Simulated reply to: Which deals close this month?');
    expect(finishedNames()).toEqual(['chat gpt-4o', 'action insights_chat.send_message']);
    const action = finishedSpan(exporter, 'action insights_chat.send_message');
    const chat = finishedSpan(exporter, 'chat gpt-4o');
    expect(chat.parentSpanContext?.spanId).toBe(action.spanContext().spanId);
    expect(chat.attributes['ai.source']).toBe('action:insights_chat.send_message');
    expect(chat.attributes['ai.feature']).toBe('insights_chat.answer');
    // The action is the local root here: CostSpanProcessor could add the call to it only while it was open.
    // 'Which deals close this month?' is 29 chars: 8 + 4 = 12 tokens in; the 49-char reply is 13 out.
    // gpt-4o: 12 × $2.50 + 13 × $10 per MTok = 30 + 130 = 160 µ$.
    expect(action.attributes).toEqual({
      'ai.source': 'action:insights_chat.send_message',
      'ai.calls': 1,
      'ai.usage.input_tokens': 12,
      'ai.usage.output_tokens': 13,
      'ai.cost.usd': 0.00016,
      'ai.cost.complete': true,
    });
    expect(action.status).toEqual({ code: SpanStatusCode.UNSET });
  });

  it('ends the action span when the reader cancels, after the AI span, which says the stream was abandoned', async () => {
    const result = await sendMessage(QUESTION);
    const reader = result.answer.getReader();
    expect(await context.with(ROOT_CONTEXT, () => reader.read())).toEqual({ done: false, value: 'Simulated ' });

    await context.with(ROOT_CONTEXT, () => reader.cancel('the browser went away'));

    expect(finishedNames()).toEqual(['chat gpt-4o', 'action insights_chat.send_message']);
    const chat = finishedSpan(exporter, 'chat gpt-4o');
    expect(chat.attributes['ai.stream.abandoned']).toBe(true);
    expect(chat.attributes['ai.source']).toBe('action:insights_chat.send_message');
    expect(chat.attributes['ai.feature']).toBe('insights_chat.answer');
    // The call's usage never arrived, so the request's total is marked incomplete.
    expect(finishedSpan(exporter, 'action insights_chat.send_message').attributes).toEqual({
      'ai.source': 'action:insights_chat.send_message',
      'ai.calls': 1,
      'ai.usage.input_tokens': 0,
      'ai.usage.output_tokens': 0,
      'ai.cost.usd': 0,
      'ai.cost.complete': false,
    });
  });

  it('reads the stream inside the action context, whoever reads it', async () => {
    const answer = aiAction('leads.draft', () =>
      Promise.resolve(
        new ReadableStream<string>(
          {
            pull(controller) {
              startInnerSpan('read inside pull');
              controller.enqueue('draft');
              controller.close();
            },
          },
          // Pulled only when read, so the pull runs where the reader reads.
          { highWaterMark: 0 },
        ),
      ),
    );

    expect(await readOutside(await answer())).toEqual(['draft']);

    const action = finishedSpan(exporter, 'action leads.draft');
    const inner = finishedSpan(exporter, 'read inside pull');
    expect(inner.attributes).toEqual({ 'ai.source': 'action:leads.draft' });
    expect(inner.parentSpanContext?.spanId).toBe(action.spanContext().spanId);
  });

  it('passes the cancel and its reason on to the stream the action returned', async () => {
    const reasons: unknown[] = [];
    const answer = aiAction('leads.draft', () =>
      Promise.resolve({ text: new ReadableStream<string>({ cancel: (reason) => void reasons.push(reason) }) }),
    );

    await (await answer()).text.cancel('navigated away');

    expect(reasons).toEqual(['navigated away']);
    expect(finishedNames()).toEqual(['action leads.draft']);
  });

  it('records a stream that fails on the action span, and the reader gets the same error', async () => {
    const error = new Error('provider dropped the connection');
    const answer = aiAction('leads.draft', () =>
      Promise.resolve({
        ok: true,
        text: new ReadableStream<string>({
          start(controller) {
            controller.enqueue('partial ');
          },
          pull(controller) {
            controller.error(error);
          },
        }),
      }),
    );
    const result = await answer();
    const reader = result.text.getReader();

    expect(await reader.read()).toEqual({ done: false, value: 'partial ' });
    await expect(reader.read()).rejects.toBe(error);
    expect(result.ok).toBe(true);
    const span = finishedSpan(exporter, 'action leads.draft');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'provider dropped the connection' });
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('ends the span at once when the result holds no stream where it looks (at the top, or one property down)', async () => {
    const nested = new ReadableStream<string>();
    const answer = aiAction('leads.draft', () => Promise.resolve({ ok: true, reply: { text: nested } }));

    const result = await answer();

    expect(result.reply.text).toBe(nested);
    expect(finishedNames()).toEqual(['action leads.draft']);
  });
});

describe('aiJob', () => {
  it('runs fn in a root INTERNAL span "job <id>" with ai.source job:<id> and returns its result', async () => {
    const result = await aiJob('weekly_digest', () => {
      startInnerSpan('openai.embeddings');
      return Promise.resolve(3);
    });

    expect(result).toBe(3);
    const job = finishedSpan(exporter, 'job weekly_digest');
    expect(job.kind).toBe(SpanKind.INTERNAL);
    expect(job.parentSpanContext).toBeUndefined();
    expect(job.attributes).toEqual({ 'ai.source': 'job:weekly_digest' });
    expect(job.status).toEqual({ code: SpanStatusCode.UNSET });
    const inner = finishedSpan(exporter, 'openai.embeddings');
    expect(inner.attributes).toEqual({ 'ai.source': 'job:weekly_digest' });
    expect(inner.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
  });

  it('puts the feature and developer attributes on every span inside', async () => {
    await aiJob(
      'weekly_digest',
      () => {
        startInnerSpan('openai.chat');
        return Promise.resolve();
      },
      {
        feature: 'digest',
        attributes: { customer_tier: 'pro' },
      },
    );

    expect(finishedSpan(exporter, 'openai.chat').attributes).toEqual({
      'ai.source': 'job:weekly_digest',
      'ai.feature': 'digest',
      'ai.attr.customer_tier': 'pro',
    });
  });

  it('records an error on the span and rethrows the same object', async () => {
    const error = new Error('digest failed');

    await expect(aiJob('weekly_digest', () => Promise.reject(error))).rejects.toBe(error);
    const job = finishedSpan(exporter, 'job weekly_digest');
    expect(job.status).toEqual({ code: SpanStatusCode.ERROR, message: 'digest failed' });
    expect(job.events.map((event) => event.name)).toEqual(['exception']);
  });
});
