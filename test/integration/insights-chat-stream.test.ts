// The insights chat's streamed answer through the built app (`npm start`), read as a browser reads it: the
// server action's Flight rows as they arrive. A slow local provider behind a TCP proxy (which can drop the
// connection mid-answer), spans over OTLP to a receiver, rows read back from PGlite or TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { flightRows, type FlightRow } from '../support/flight-rows';
import { startOtlpJsonReceiver, type ReceivedSpan } from '../support/otlp-json-receiver';
import { poll } from '../support/poll';
import { readInteractions } from '../support/read-interactions';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';
import { NO_USAGE } from '../../harness/interaction-rows';

/** Between the provider's chunks: the answer's eight words take at least 7 × this to arrive. */
const CHUNK_DELAY_MS = 150;
const QUESTION = 'Which deals close this month?';
const DELTAS = ['Simulated ', 'reply ', 'to: ', 'Which ', 'deals ', 'close ', 'this ', 'month?'];
const HEX32 = /^[0-9a-f]{32}$/;

describe('the insights chat, streamed', () => {
  let provider: LocalProvider;
  let proxy: TcpProxy;
  let receiver: Awaited<ReturnType<typeof startOtlpJsonReceiver>>;
  let app: AppServer;
  let database: { databaseUrl?: string; dataDir?: string };
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider({ chunkDelayMs: CHUNK_DELAY_MS });
    teardown.push(() => provider.close());
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(provider.url).port) });
    teardown.push(() => proxy.close());
    receiver = await startOtlpJsonReceiver();
    teardown.push(() => receiver.close());
    database = await scratchDatabase(teardown, 'spendtrace-chat-');
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `http://127.0.0.1:${proxy.port}/v1`,
      OTEL_SERVICE_NAME: 'spendtrace-test',
      SPENDTRACE_EXPORTER: 'both',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      ...databaseEnv(database),
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  function ask(question: string, signal?: AbortSignal): Promise<Response> {
    return fetch(`${app.url}/`, {
      method: 'POST',
      headers: {
        'Next-Action': serverActionId('app/actions/send-message.ts', 'sendMessage'),
        'Content-Type': 'text/plain;charset=UTF-8',
        Accept: 'text/x-component',
      },
      body: JSON.stringify([question]),
      signal,
    });
  }

  /** The id of the answer stream, once the action's result row has named it. */
  function answerStreamOf(row: FlightRow): string | undefined {
    return /^\{"ok":true,"answer":"\$([0-9a-f]+)"\}$/.exec(row.value)?.[1];
  }

  /** The trace's root SERVER span (`POST /`), as received over OTLP. */
  function rootOf(traceId: string | undefined): ReceivedSpan | undefined {
    return receiver.spans.find((s) => s.traceId === traceId && s.kind === 2);
  }

  async function chatSpanWhere(match: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan | undefined> {
    const found = () => receiver.spans.find((s) => s.name === 'chat gpt-4o' && match(s));
    await poll(found, (span) => span !== undefined && rootOf(span.traceId) !== undefined);
    return found();
  }

  it('sends each delta on as the provider sends it, and the request’s root gets the call’s totals', async () => {
    const res = await ask(QUESTION);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/x-component');
    let stream: string | undefined;
    const deltas: FlightRow[] = [];
    let closed: FlightRow | undefined;
    for await (const row of flightRows(res.body ?? new ReadableStream())) {
      stream ??= answerStreamOf(row);
      if (row.id === stream && row.tag === 'T') deltas.push(row);
      if (row.id === stream && row.tag === 'C') closed = row;
    }

    expect(deltas.map((row) => row.value)).toEqual(DELTAS);
    expect(deltas.map((row) => row.value).join('')).toBe('Simulated reply to: Which deals close this month?');
    // The provider waits CHUNK_DELAY_MS before each of the seven later words, then before the finish and the
    // usage chunks: had the app held the answer back until the end, the first word would come with the last.
    // (Lower bounds with room for a stalled machine: 7 and 9 delays would be exact.)
    const firstDelta = deltas[0]?.receivedAt ?? Infinity;
    expect((deltas[7]?.receivedAt ?? 0) - firstDelta).toBeGreaterThanOrEqual(4 * CHUNK_DELAY_MS);
    expect((closed?.receivedAt ?? 0) - firstDelta).toBeGreaterThanOrEqual(6 * CHUNK_DELAY_MS);

    // The action's span stayed open while the answer streamed, and so did the root: CostSpanProcessor added
    // the call to the root's totals. gpt-4o: 34 × $2.50 + 13 × $10 per MTok = 215 µ$.
    const chat = await chatSpanWhere((s) => s.attributes['gen_ai.usage.output_tokens'] === 13);
    expect(chat?.attributes['ai.source']).toBe('action:insights_chat.send_message');
    expect(chat?.attributes['ai.feature']).toBe('insights_chat.answer');
    const root = rootOf(chat?.traceId);
    expect({
      name: root?.name,
      calls: root?.attributes['ai.calls'],
      input: root?.attributes['ai.usage.input_tokens'],
      output: root?.attributes['ai.usage.output_tokens'],
      cost: root?.attributes['ai.cost.usd'],
      complete: root?.attributes['ai.cost.complete'],
    }).toEqual({ name: 'POST /', calls: 1, input: 34, output: 13, cost: 215_000_000 / 1e12, complete: true });
    expect(
      receiver.spans.some((s) => s.traceId === chat?.traceId && s.name === 'action insights_chat.send_message'),
    ).toBe(true);
  });

  it('abandons the answer when the browser goes away: the call is marked abandoned, the total incomplete', async () => {
    const leaving = new AbortController();
    const res = await ask(QUESTION, leaving.signal);
    let stream: string | undefined;
    const seen: string[] = [];
    for await (const row of flightRows(res.body ?? new ReadableStream())) {
      stream ??= answerStreamOf(row);
      if (row.id === stream && row.tag === 'T') seen.push(row.value);
      if (seen.length === 1) break;
    }
    leaving.abort();

    expect(seen).toEqual(['Simulated ']);
    const chat = await chatSpanWhere((s) => s.attributes['ai.stream.abandoned'] === true);
    expect({
      source: chat?.attributes['ai.source'],
      feature: chat?.attributes['ai.feature'],
      cost: chat?.attributes['ai.cost.status'],
    }).toEqual({ source: 'action:insights_chat.send_message', feature: 'insights_chat.answer', cost: 'no_usage' });
    const root = rootOf(chat?.traceId);
    expect({ calls: root?.attributes['ai.calls'], complete: root?.attributes['ai.cost.complete'] }).toEqual({
      calls: 1,
      complete: false,
    });
  });

  it('ends the answer with an error row, and logs it, when the provider drops the connection mid-answer', async () => {
    const res = await ask(QUESTION);
    let stream: string | undefined;
    const rows: FlightRow[] = [];
    try {
      for await (const row of flightRows(res.body ?? new ReadableStream())) {
        stream ??= answerStreamOf(row);
        if (row.id !== stream) continue;
        rows.push(row);
        if (rows.length === 1) await proxy.cut();
      }
    } finally {
      await proxy.restore();
    }

    // The response ends (it does not hang) with the stream errored; the browser is told no detail.
    expect(rows.map((row) => row.tag)).toEqual(['T', 'E']);
    expect(rows[0]?.value).toBe('Simulated ');
    expect(JSON.parse(rows[1]?.value ?? '{}')).toEqual({ digest: expect.any(String) });
    const chat = await chatSpanWhere((s) => s.attributes['error.type'] === 'TypeError');
    const logged = await poll(
      () =>
        app
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"insights chat failed mid-answer"'))
          .map((line) => JSON.parse(line) as { level: number; trace_id?: string; err?: { message?: string } }),
      (lines) => lines.length > 0,
    );
    expect(logged.map((line) => ({ level: line.level, traceId: line.trace_id, error: line.err?.message }))).toEqual([
      { level: 50, traceId: chat?.traceId, error: 'terminated: other side closed' },
    ]);
    expect(chat?.traceId).toMatch(HEX32);
  });

  it('refuses an empty question with its reason, without calling the provider', async () => {
    const before = provider.requests.length;
    const res = await ask('   ');

    expect(res.status).toBe(200);
    expect(await res.text()).toContain('{"ok":false,"error":"Ask a question first."}');
    expect(provider.requests.length).toBe(before);
  });

  it('answers that the provider failed when it refuses before the first word', async () => {
    const before = provider.requests.length;
    // Refused three times: the first try and the client's two retries.
    provider.failNext(429, 3);
    const res = await ask(QUESTION);

    expect(res.status).toBe(200);
    expect(await res.text()).toContain('{"ok":false,"error":"The AI provider failed. Try again in a moment."}');
    expect(provider.requests.length).toBe(before + 3);
  });

  describe('AIInteraction rows', () => {
    it('has one row per chat call, each attributed to the action, with the usage that arrived', async () => {
      expect(await app.stop()).toBe(0);
      const rows = await readInteractions(database);

      const common = {
        source: 'action:insights_chat.send_message',
        sourceKind: 'action',
        featureId: 'insights_chat.answer',
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o',
        streamed: true,
        serviceName: 'spendtrace-test',
        serviceVersion: '0.1.0',
        attributes: {},
      };
      expect(rows.map(({ traceId: _t, spanId: _s, parentSpanId: _p, ...rest }) => rest)).toEqual([
        {
          ...common,
          responseModel: 'gpt-4o',
          inputTokens: 34,
          cachedInputTokens: 0,
          outputTokens: 13,
          reasoningTokens: 0,
          totalTokens: 47,
          costUsd: '0.000215000000',
          costStatus: 'priced',
          priceRef: 'genai-prices@0.1.8:openai/gpt-4o',
          status: 'ok',
          errorType: null,
        },
        // Abandoned: the provider may have billed tokens, but their count never arrived.
        { ...common, ...NO_USAGE, responseModel: 'gpt-4o', status: 'ok', errorType: null },
        { ...common, ...NO_USAGE, responseModel: 'gpt-4o', status: 'error', errorType: 'TypeError' },
        { ...common, ...NO_USAGE, responseModel: null, status: 'error', errorType: 'RateLimitError' },
      ]);
    });
  });
});
