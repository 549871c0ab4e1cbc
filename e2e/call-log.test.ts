// The call log in a real browser (Debian's chromium, driven by playwright-core) against the built app: known
// rows in, exact pages out. Pages through with a small limit, searches by trace id, error type and cost range,
// and opens a call's page. Runs on PGlite over the wire by default, on Postgres with TEST_DATABASE_URL; saves
// screenshots in test-results/ for a reviewer.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser';
import { featureName } from '../lib/ai/prompt-registry';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { NO_USAGE } from '../harness/interaction-rows';
import { addDays, startOfUtcDay } from '../lib/dashboard/filters';
import { formatCount, formatMs, formatUsd, formatUsdExact, formatUtcDateTime } from '../lib/dashboard/format';
import type { InteractionRow } from '../lib/ledger/span-to-interaction';
import { interactionRow, spanIdOf } from '../test/support/interaction-row';
import { startTcpDatabase, storeRows, type TcpDatabase } from '../test/support/tcp-database';

const TOKEN = 'e2e-call-log-token-0123456789';
const JAEGER = 'http://jaeger.example:16686';
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MINI_REF = 'genai-prices@0.1.8:openai/gpt-4o-mini';
const trace = (n: number) => n.toString(16).padStart(32, '0');

async function screenshot(page: Page, name: string): Promise<void> {
  const shot = path.join(ROOT, 'test-results', name);
  await mkdir(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
}

describe('the call log in a browser', () => {
  let database: TcpDatabase;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const teardown: (() => Promise<unknown>)[] = [];
  const yesterday = addDays(startOfUtcDay(new Date()), -1);
  const at = (hour: number) => new Date(yesterday.getTime() + hour * 3_600_000);
  /** Rows 1, 2 and 3 start in the same millisecond. */
  const seed: InteractionRow[] = [
    interactionRow(1, {
      startedAt: at(10),
      traceId: TRACE_A,
      costUsd: '0.000165000000',
      priceRef: MINI_REF,
      attributes: { customer_tier: 'pro' },
    }),
    interactionRow(2, { startedAt: at(10), traceId: TRACE_A, costUsd: '0.000100000000' }),
    interactionRow(3, { startedAt: at(10), traceId: trace(3), costUsd: '0.000200000000' }),
    interactionRow(4, {
      startedAt: at(11),
      traceId: trace(4),
      source: '/api/cron/followups',
      status: 'error',
      errorType: 'RateLimitError',
      ...NO_USAGE,
    }),
    interactionRow(5, {
      startedAt: at(12),
      traceId: TRACE_A,
      source: 'action:insights_chat.send_message',
      sourceKind: 'action',
      responseModel: 'gpt-4o-2024-08-06',
      costUsd: '0.002750000000',
    }),
    interactionRow(6, { startedAt: at(13), traceId: trace(6), status: 'error', errorType: 'Timeout', ...NO_USAGE }),
    interactionRow(7, { startedAt: at(14), traceId: trace(7), costUsd: '0.012000000000' }),
  ];
  const ids = new Map<string, string>();
  const idOf = (n: number) => ids.get(spanIdOf(n)) ?? '';

  function rowOf(n: number): InteractionRow {
    const row = seed[n - 1];
    if (row === undefined) throw new Error(`no seed row ${n}`);
    return row;
  }

  /** Row ids newest first, ties by id descending, as the log orders them. */
  function newestFirst(...spans: number[]): string[] {
    return spans
      .sort((a, b) => {
        const byTime = rowOf(b).startedAt.getTime() - rowOf(a).startedAt.getTime();
        return byTime !== 0 ? byTime : idOf(b) < idOf(a) ? -1 : 1;
      })
      .map(idOf);
  }

  /** The ids of the calls the table shows. */
  async function shownIds(testId = 'call-log'): Promise<string[]> {
    const rows = await page.getByTestId(testId).getByTestId('call-log-row').all();
    return Promise.all(rows.map(async (row) => (await row.getAttribute('data-call-id')) ?? ''));
  }

  /** Clicks a link and waits for the page it names. */
  async function follow(testId: string): Promise<void> {
    const link = page.getByTestId(testId);
    const href = (await link.getAttribute('href')) ?? '';
    await Promise.all([page.waitForURL(`${app.url}${href}`), link.click()]);
  }

  async function search(fields: Record<string, string>): Promise<void> {
    await page.goto(`${app.url}/dashboard/calls`);
    const form = page.getByTestId('call-log-filter-form');
    for (const [name, value] of Object.entries(fields)) await form.locator(`input[name="${name}"]`).fill(value);
    await Promise.all([page.waitForURL(/\/dashboard\/calls\?/), form.locator('button[type="submit"]').click()]);
  }

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    for (const [spanId, id] of await storeRows(database, seed)) ids.set(spanId, id);
    app = await startApp({ DATABASE_URL: database.url, DASHBOARD_TOKEN: TOKEN, JAEGER_URL: JAEGER });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('signs in on the way to the call log', async () => {
    await page.goto(`${app.url}/dashboard/calls?limit=2`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard\/calls\?limit=2$/), page.click('button[type="submit"]')]);
    expect(await shownIds()).toEqual(newestFirst(1, 2, 3, 4, 5, 6, 7).slice(0, 2));
  });

  it('pages through every call once, in order, two a page, and back', async () => {
    const order = newestFirst(1, 2, 3, 4, 5, 6, 7);
    const pages: string[][] = [await shownIds()];
    expect(await page.getByTestId('page-newer').count()).toBe(0);
    while ((await page.getByTestId('page-older').count()) > 0) {
      await follow('page-older');
      pages.push(await shownIds());
      if (pages.length === 2) await screenshot(page, 'call-log.png');
    }
    expect(pages).toEqual([order.slice(0, 2), order.slice(2, 4), order.slice(4, 6), order.slice(6)]);
    for (const expected of [pages[2], pages[1], pages[0]]) {
      await follow('page-newer');
      expect(await shownIds()).toEqual(expected);
    }
    expect(await page.getByTestId('page-newer').count()).toBe(0);
  });

  it('shows each call with its figures, the exact cost on hover', async () => {
    await page.goto(`${app.url}/dashboard/calls?trace=${trace(7)}`);
    const row = page.getByTestId('call-log-row');
    const r = rowOf(7);
    expect(await row.locator('td').allInnerTexts()).toEqual([
      formatUtcDateTime(r.startedAt),
      r.source ?? '',
      featureName('followups.draft'),
      'gpt-4o-mini-2024-07-18',
      `${formatCount(1000)} / ${formatCount(200)} / ${formatCount(50)} / ${formatCount(0)}`,
      formatUsd('0.012000000000'),
      'ok',
      formatMs(100),
    ]);
    expect(await row.getByTestId('call-cost').locator('[title]').getAttribute('title')).toBe(
      formatUsdExact('0.012000000000'),
    );
  });

  it.each<[string, Record<string, string>, number[]]>([
    ['a trace id', { trace: TRACE_A }, [1, 2, 5]],
    ['an error type', { error: 'Timeout' }, [6]],
    ['a cost range, both ends inclusive', { minCost: '0.0001', maxCost: '0.002750000000' }, [1, 2, 3, 5]],
  ])('searches by %s', async (_case, fields, spans) => {
    await search(fields);
    expect(await shownIds()).toEqual(newestFirst(...spans));
    for (const [name, value] of Object.entries(fields)) {
      expect(await page.getByTestId(`chip-${name}`).innerText()).toContain(value);
    }
    if (fields.trace !== undefined) await screenshot(page, 'call-log-search.png');
  });

  it('says which parameter is wrong', async () => {
    await page.goto(`${app.url}/dashboard/calls?trace=xyz&limit=500`);
    expect(await page.getByTestId('invalid-filters').locator('li').allInnerTexts()).toEqual([
      'trace: must be a trace id: 32 hex digits',
      'limit: must be a whole number from 1 to 200',
    ]);
  });

  it('opens a call’s page: every field, the cost split, the trace, the other calls of its request', async () => {
    await page.goto(`${app.url}/dashboard/calls?trace=${TRACE_A}`);
    await Promise.all([
      page.waitForURL(`${app.url}/dashboard/calls/${idOf(1)}`),
      page
        .locator(`[data-call-id="${idOf(1)}"]`)
        .getByTestId('call-link')
        .click(),
    ]);
    const field = (name: string) => page.getByTestId(`field-${name}`).locator('dd').innerText();
    expect({
      id: await field('id'),
      startedAt: await field('started-at'),
      source: await field('source'),
      model: await field('response-model'),
      cost: await field('cost'),
      costTitle: await page.getByTestId('field-cost').locator('[title]').getAttribute('title'),
      priceRef: await field('price-ref'),
      traceId: await field('trace-id'),
    }).toEqual({
      id: idOf(1),
      startedAt: at(10).toISOString(),
      source: '/api/leads/[id]/draft',
      model: 'gpt-4o-mini-2024-07-18',
      cost: formatUsd('0.000165000000'),
      costTitle: formatUsdExact('0.000165000000'),
      priceRef: MINI_REF,
      traceId: TRACE_A,
    });
    const split = async (id: string) => page.getByTestId(`split-${id}`).locator('th, td').allInnerTexts();
    expect({
      uncached: await split('uncached-input'),
      cached: await split('cached-input'),
      output: await split('output'),
      total: await split('total'),
    }).toEqual({
      uncached: ['Uncached input', formatCount(800), formatUsdExact('0.15'), formatUsdExact('0.000120000000')],
      cached: ['Cached input', formatCount(200), formatUsdExact('0.075'), formatUsdExact('0.000015000000')],
      output: ['Output', formatCount(50), formatUsdExact('0.6'), formatUsdExact('0.000030000000')],
      total: ['Total', '', '', formatUsdExact('0.000165000000')],
    });
    expect(await page.getByTestId('jaeger-link').getAttribute('href')).toBe(`${JAEGER}/trace/${TRACE_A}`);
    expect(await page.getByTestId('attr-chip').allInnerTexts()).toEqual(['customer_tier=pro']);
    expect(await shownIds('same-request')).toEqual([idOf(2), idOf(5)]);
    await screenshot(page, 'call-page.png');

    await Promise.all([
      page.waitForURL(`${app.url}/dashboard/calls/${idOf(5)}`),
      page
        .locator(`[data-call-id="${idOf(5)}"]`)
        .getByTestId('call-link')
        .click(),
    ]);
    // Rows 1 and 2 started in the same millisecond: oldest first, then by id.
    expect(await shownIds('same-request')).toEqual([idOf(1), idOf(2)].sort());
  });

  it('shows a failed call’s error and why it has no cost split', async () => {
    await page.goto(`${app.url}/dashboard/calls/${idOf(4)}`);
    expect({
      error: await page.getByTestId('call-error').innerText(),
      split: await page.getByTestId('cost-split-none').innerText(),
      others: await page.getByTestId('same-request-none').innerText(),
    }).toEqual({
      error: 'RateLimitError',
      split: 'The call has no cost to split.',
      others: 'No other calls in this trace.',
    });
  });

  it('links from the dashboard’s recent calls to the log and to each call’s page', async () => {
    await page.goto(`${app.url}/dashboard`);
    expect(await page.getByTestId('see-all-calls').getAttribute('href')).toBe('/dashboard/calls?period=30d');
    await Promise.all([
      page.waitForURL(`${app.url}/dashboard/calls/${idOf(7)}`),
      page.getByTestId('call-page-link').first().click(),
    ]);
    expect(await page.getByTestId('field-span-id').locator('dd').innerText()).toBe(spanIdOf(7));
    const missing = await page.goto(`${app.url}/dashboard/calls/${'0'.repeat(32)}-${'0'.repeat(16)}`);
    expect(missing?.status()).toBe(404);
  });
});
