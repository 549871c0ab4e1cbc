// Every recorded emitter's spans through the one mapping, as the sink reads them: one row per provider call,
// never one for a wrapper, with the tokens, cost and cost status the emitter's data allow.
import { describe, expect, it } from 'vitest';
import {
  dialectRow,
  EXPECTED_ROWS,
  FIXTURE_ROUTE,
  fixtureRecords,
  loadFixtures,
} from '../../../test/support/dialect-fixtures';
import { getDefaultPriceBook } from '../default-price-book';
import { spanToInteraction } from '../span-to-interaction';
import { looksLikeModelSpan, mayBeModelCall, readSpan } from '.';

const fixtures = loadFixtures();
const priceBook = getDefaultPriceBook();

/** Each emitter's calls, as [operation, model, streamed]: the OpenAI emitters make three; the others below. */
const OPENAI_CALLS = [
  ['chat', 'gpt-4o-mini', false],
  ['chat', 'gpt-4o-mini', true],
  ['embeddings', 'text-embedding-3-small', false],
];
const chats = (model: string) => [
  ['chat', model, false],
  ['chat', model, true],
];
const OTHER_CALLS: Record<string, unknown[][]> = {
  'ai-sdk-6-anthropic': chats('claude-sonnet-4-0'),
  'ai-sdk-6-azure': OPENAI_CALLS,
  'ai-sdk-6-bedrock': chats('anthropic.claude-sonnet-4-20250514-v1:0'),
  'ai-sdk-6-deepseek': chats('deepseek-chat'),
  'ai-sdk-6-google': [...chats('gemini-2.5-flash'), ['embeddings', 'gemini-embedding-001', false]],
  'ai-sdk-6-groq': chats('moonshotai/kimi-k2-instruct'),
  'ai-sdk-6-mistral': [...chats('mistral-medium-latest'), ['embeddings', 'mistral-embed', false]],
  'ai-sdk-6-vertex': chats('gemini-2.5-flash'),
  'ai-sdk-6-xai': chats('grok-3'),
};

describe('the recorded fixtures', () => {
  it('cover every emitter the README lists, each with its calls: chat, streamed chat, embeddings where there are any', () => {
    expect(fixtures.map((f) => f.emitter).sort()).toEqual(Object.keys(EXPECTED_ROWS).sort());
    for (const fixture of fixtures) {
      const expected = OTHER_CALLS[fixture.emitter] ?? OPENAI_CALLS;
      expect(
        fixture.calls.map((c) => [c.operation, c.model, c.streamed]),
        fixture.emitter,
      ).toEqual(expected);
    }
  });
});

describe.each(fixtures.map((fixture) => [fixture.emitter, fixture] as const))('%s spans', (emitter, fixture) => {
  const records = fixtureRecords(fixture);

  it('become the expected rows, attributed to the root route, priced to the pico-dollar', () => {
    const rows = records
      .map((record) => spanToInteraction(record, { priceBook, fallbackSource: FIXTURE_ROUTE }))
      .filter((row) => row !== null)
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    expect(rows.map(dialectRow)).toEqual(EXPECTED_ROWS[emitter]);
  });

  it('where a row has usage, it is the usage the provider answered with', () => {
    const rows = records
      .map((record) => spanToInteraction(record, { priceBook }))
      .filter((row) => row !== null && row.inputTokens !== null)
      .sort((a, b) => (a?.startedAt.getTime() ?? 0) - (b?.startedAt.getTime() ?? 0));
    for (const row of rows) {
      const call = fixture.calls.find(
        (c) => c.usage?.promptTokens === row?.inputTokens && c.model === row?.requestModel,
      );
      expect(call, `a call with ${row?.inputTokens} input tokens`).toBeDefined();
      expect(row?.outputTokens ?? 0).toBe(call?.usage?.completionTokens);
      if (row?.cachedInputTokens !== null) expect(row?.cachedInputTokens).toBe(call?.usage?.cachedTokens);
    }
  });

  it('leave no span that looks like a model call unread, and every one of them has a marker at start', () => {
    for (const record of records) {
      const reading = readSpan(record);
      if (looksLikeModelSpan(record.attributes) || reading !== undefined) {
        expect(reading, `span ${record.name}`).toBeDefined();
        expect(mayBeModelCall(record.attributes), `span ${record.name}`).toBe(true);
      }
    }
  });
});

describe('wrappers', () => {
  it.each([
    ['ai-sdk-6', ['ai.generateText', 'ai.streamText', 'ai.embedMany']],
    [
      'ai-sdk-7',
      ['invoke_agent gpt-4o-mini', 'step 1', 'invoke_agent gpt-4o-mini', 'step 1', 'embeddings text-embedding-3-small'],
    ],
  ])('%s: the outer spans are read as wrappers, not calls: %j', (emitter, names) => {
    const fixture = fixtures.find((f) => f.emitter === emitter);
    if (fixture === undefined) throw new Error(`no ${emitter} fixture`);
    const wrappers = fixtureRecords(fixture)
      .filter((record) => readSpan(record)?.kind === 'wrapper')
      .map((record) => record.name);
    expect(wrappers).toEqual(names);
  });
});
