// Builds AIInteraction rows for tests of what is computed from them (the rollup, the dashboard queries):
// one priced, attributed chat call by default, changed field by field.
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';

/** A 16-hex-digit span id from a number. */
export function spanIdOf(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** Row `n` (its span id), a priced chat call from a route at noon UTC on 2026-11-25 unless overridden. */
export function interactionRow(n: number, overrides: Partial<InteractionRow> = {}): InteractionRow {
  return {
    startedAt: new Date('2026-11-25T12:00:00.000Z'),
    durationMs: 100,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: spanIdOf(n),
    parentSpanId: '53995c3f42cd8ad8',
    source: '/api/leads/[id]/draft',
    sourceKind: 'route',
    featureId: 'followups.draft',
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    inputTokens: 1000,
    cachedInputTokens: 200,
    outputTokens: 50,
    reasoningTokens: 0,
    totalTokens: 1050,
    costUsd: '0.000150000000',
    costStatus: 'priced',
    priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
    streamed: false,
    status: 'ok',
    errorType: null,
    serviceName: 'spendtrace-app',
    attributes: {},
    ...overrides,
  };
}
