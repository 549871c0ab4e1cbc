// The pino logger: JSON lines that carry the active span's ids, and OpenTelemetry's diag routed into it.
import { diag, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

import { enableAsyncContext } from '../test/support/enable-async-context';
import { WITHHELD_MESSAGE } from './ledger/provider-error';
import { createLogger, diagToPino, installDiagLogger } from './logger';

enableAsyncContext();

afterEach(() => {
  // installDiagLogger sets the global diag logger.
  diag.disable();
});

/** A pino destination that keeps each line it is given, parsed. */
function memoryDestination(): { write(line: string): void; lines: unknown[] } {
  const lines: unknown[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(JSON.parse(line));
    },
  };
}

function tracer(): Tracer {
  return new BasicTracerProvider().getTracer('logger-test');
}

describe('createLogger', () => {
  it('writes one JSON line per call, without span ids outside a span', () => {
    const out = memoryDestination();
    const logger = createLogger('info', out);

    logger.info('started');
    logger.warn({ rows: 3 }, 'buffer filling');

    expect(out.lines).toEqual([
      { level: 30, time: expect.any(Number), service: 'spendtrace', msg: 'started' },
      { level: 40, time: expect.any(Number), service: 'spendtrace', rows: 3, msg: 'buffer filling' },
    ]);
  });

  it('drops lines below its level', () => {
    const out = memoryDestination();
    const logger = createLogger('warn', out);

    logger.info('not written');
    logger.debug('not written either');
    logger.error('written');

    expect(out.lines).toEqual([{ level: 50, time: expect.any(Number), service: 'spendtrace', msg: 'written' }]);
  });

  it("stamps each line inside an active span with that span's trace_id and span_id", () => {
    const out = memoryDestination();
    const logger = createLogger('info', out);
    const ids: { traceId: string; spanId: string }[] = [];

    tracer().startActiveSpan('request', (span) => {
      ids.push(span.spanContext());
      logger.info('inside');
      span.end();
    });
    logger.info('outside');

    const [spanContext] = ids;
    expect(out.lines).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        service: 'spendtrace',
        trace_id: spanContext?.traceId,
        span_id: spanContext?.spanId,
        msg: 'inside',
      },
      { level: 30, time: expect.any(Number), service: 'spendtrace', msg: 'outside' },
    ]);
    expect(spanContext?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanContext?.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('uses the innermost active span, across an await', async () => {
    const out = memoryDestination();
    const logger = createLogger('info', out);
    const t = tracer();

    const { parent, child } = await t.startActiveSpan('parent', async (parentSpan) => {
      const childContext = await t.startActiveSpan('child', async (childSpan) => {
        await new Promise((resolve) => setImmediate(resolve));
        logger.info('in child');
        childSpan.end();
        return childSpan.spanContext();
      });
      logger.info('back in parent');
      parentSpan.end();
      return { parent: parentSpan.spanContext(), child: childContext };
    });

    expect(child.traceId).toEqual(parent.traceId);
    expect(out.lines).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        service: 'spendtrace',
        trace_id: child.traceId,
        span_id: child.spanId,
        msg: 'in child',
      },
      {
        level: 30,
        time: expect.any(Number),
        service: 'spendtrace',
        trace_id: parent.traceId,
        span_id: parent.spanId,
        msg: 'back in parent',
      },
    ]);
  });

  describe('an AI provider error', () => {
    const MARKER = 'ZQX-marker-4711';
    const error = OpenAI.APIError.generate(
      500,
      { error: { message: `Upstream failed on '${MARKER}'`, type: 'server_error', code: null } },
      undefined,
      new Headers({ 'x-request-id': 'req_1' }),
    );

    it('is logged with its message withheld by default, as it may quote the prompt', () => {
      const out = memoryDestination();
      createLogger('info', out).error({ err: error }, 'drafting the reply failed');

      expect(JSON.stringify(out.lines)).not.toContain(MARKER);
      expect(out.lines).toEqual([
        {
          level: 50,
          time: expect.any(Number),
          service: 'spendtrace',
          err: {
            type: 'Error',
            message: `500 (server_error): ${WITHHELD_MESSAGE}`,
            stack: expect.stringMatching(new RegExp(`^Error: 500 \\(server_error\\): [^\\n]+\\n    at `)),
            // pino's `type` is the error's class; the provider's type is in the message.
            status: 500,
            code: null,
            requestID: 'req_1',
          },
          msg: 'drafting the reply failed',
        },
      ]);
    });

    it('is logged as it is with captureContent: true', () => {
      const out = memoryDestination();
      createLogger('info', out, { captureContent: true }).error({ err: error }, 'drafting the reply failed');

      expect(out.lines).toMatchObject([{ err: { message: `500 Upstream failed on '${MARKER}'` } }]);
    });
  });
});

describe('diagToPino', () => {
  it("logs a diag error with an Error argument at level 50 with component 'otel' and the error", () => {
    const out = memoryDestination();
    const logger = diagToPino(createLogger('info', out));

    logger.error('spendtrace: export failed', new Error('connect ECONNREFUSED 127.0.0.1:5432'));

    expect(out.lines).toEqual([
      {
        level: 50,
        time: expect.any(Number),
        service: 'spendtrace',
        component: 'otel',
        err: {
          type: 'Error',
          message: 'connect ECONNREFUSED 127.0.0.1:5432',
          stack: expect.stringContaining('Error: connect ECONNREFUSED 127.0.0.1:5432'),
        },
        msg: 'spendtrace: export failed',
      },
    ]);
  });

  it('finds the Error among other arguments and leaves err out when there is none', () => {
    const out = memoryDestination();
    const logger = diagToPino(createLogger('info', out));

    logger.warn('spendtrace: retrying', 3, new TypeError('fetch failed'));
    logger.warn('spendtrace: dropped rows', 12);

    expect(out.lines).toEqual([
      {
        level: 40,
        time: expect.any(Number),
        service: 'spendtrace',
        component: 'otel',
        err: { type: 'TypeError', message: 'fetch failed', stack: expect.any(String) },
        msg: 'spendtrace: retrying',
      },
      {
        level: 40,
        time: expect.any(Number),
        service: 'spendtrace',
        component: 'otel',
        msg: 'spendtrace: dropped rows',
      },
    ]);
  });

  it('maps each diag level to its pino level', () => {
    const out = memoryDestination();
    const logger = diagToPino(createLogger('trace', out));

    logger.error('e');
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    logger.verbose('v');

    expect(out.lines).toEqual(
      [
        { level: 50, msg: 'e' },
        { level: 40, msg: 'w' },
        { level: 30, msg: 'i' },
        { level: 20, msg: 'd' },
        { level: 10, msg: 'v' },
      ].map((line) => ({ ...line, time: expect.any(Number), service: 'spendtrace', component: 'otel' })),
    );
  });
});

describe('installDiagLogger', () => {
  it('routes the global diag at WARN and above into the logger', () => {
    const out = memoryDestination();
    installDiagLogger(createLogger('trace', out));

    diag.info('not routed');
    diag.warn('spendtrace: routed');

    expect(out.lines).toEqual([
      { level: 40, time: expect.any(Number), service: 'spendtrace', component: 'otel', msg: 'spendtrace: routed' },
    ]);
  });
});
