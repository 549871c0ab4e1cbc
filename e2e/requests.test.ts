// Requests in a real browser (Debian's chromium, driven by playwright-core) against the built app: known calls
// in through the interaction store, the triggers make them requests, exact tables out. Cost per request by
// source with percentiles worked out here from the bucket rule, the most expensive requests in order, a
// request's page with its calls as a waterfall, and a 404. Runs on PGlite over the wire by default, on
// Postgres with TEST_DATABASE_URL; saves screenshots in test-results/ for a reviewer.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { NO_USAGE } from '../harness/interaction-rows';
import { addDays, startOfUtcDay } from '../lib/dashboard/filters';
import {
  formatCount,
  formatMs,
  formatUsd,
  formatUsdExact,
  formatUtcDateTime,
  formatUtcTimestamp,
} from '../lib/dashboard/format';
import type { InteractionRow } from '../lib/ledger/span-to-interaction';
import { interactionRow, spanIdOf } from '../test/support/interaction-row';
import { startTcpDatabase, storeRows, type TcpDatabase } from '../test/support/tcp-database';

const TOKEN = 'e2e-requests-token-0123456789';
const JAEGER = 'http://jaeger.example:16686';
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const trace = (n: number) => n.toString(16).padStart(32, '0');
const ROUTE = '/api/leads/[id]/draft';
const ACTION = 'action:insights_chat.send_message';
const JOB = 'job:weekly_digest';

async function screenshot(page: Page, name: string): Promise<void> {
  const shot = path.join(ROOT, 'test-results', name);
  await mkdir(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
}

/**
 * The upper bound of the cost bucket holding `cost`, straight from the rule (bucket k covers
 * [1e-7·2^((k-1)/4), 1e-7·2^(k/4)) dollars), capped at the source's most expensive request.
 */
function bucketBound(cost: number, max: number): number {
  const bucket = Math.floor(4 * Math.log2(cost / 1e-7)) + 1;
  return Math.min(1e-7 * 2 ** (bucket / 4), max);
}

/** The nearest-rank percentile of the requests' costs, as its bucket's bound. */
function percentileBound(costs: number[], p: number): number {
  const sorted = [...costs].sort((a, b) => a - b);
  const max = sorted.at(-1) ?? 0;
  return bucketBound(sorted[Math.ceil(p * sorted.length) - 1] ?? 0, max);
}

describe('requests in a browser', () => {
  let database: TcpDatabase;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const teardown: (() => Promise<unknown>)[] = [];
  const yesterday = addDays(startOfUtcDay(new Date()), -1);
  const at = (hour: number, ms = 0) => new Date(yesterday.getTime() + hour * 3_600_000 + ms);
  const action = { source: ACTION, sourceKind: 'action' } as const;
  const seed: InteractionRow[] = [
    // Request A: three calls, the last a stream that reported no usage, so its cost is incomplete.
    interactionRow(1, { startedAt: at(10), durationMs: 400, traceId: TRACE_A, costUsd: '0.000165' }),
    interactionRow(2, {
      startedAt: at(10, 500),
      durationMs: 300,
      traceId: TRACE_A,
      requestModel: 'gpt-4o',
      responseModel: null,
      costUsd: '0.0001',
      serviceVersion: '1.4.0',
    }),
    interactionRow(3, { startedAt: at(10, 1000), durationMs: 250, traceId: TRACE_A, streamed: true, ...NO_USAGE }),
    interactionRow(4, { startedAt: at(11), traceId: trace(2), costUsd: '0.0012' }),
    interactionRow(5, {
      startedAt: at(12),
      traceId: trace(3),
      status: 'error',
      errorType: 'Timeout',
      costUsd: '0.00005',
    }),
    interactionRow(6, { startedAt: at(13), traceId: trace(4), ...action, costUsd: '0.00275' }),
    interactionRow(7, { startedAt: at(13, 2000), traceId: trace(4), ...action, costUsd: '0.0009' }),
    interactionRow(8, { startedAt: at(14), traceId: trace(5), ...action, costUsd: '0.0004' }),
    interactionRow(9, {
      startedAt: at(15),
      traceId: trace(6),
      source: JOB,
      sourceKind: 'job',
      costUsd: '0.0021',
      costStatus: 'upper_bound',
    }),
    // Forty days ago: outside the last 30 days.
    interactionRow(10, { startedAt: addDays(yesterday, -39), traceId: trace(7), costUsd: '0.5' }),
  ];
  const ids = new Map<string, string>();
  const idOf = (n: number) => ids.get(spanIdOf(n)) ?? '';

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    for (const [spanId, id] of await storeRows(database, seed)) ids.set(spanId, id);
    app = await startApp({ DATABASE_URL: database.url, DASHBOARD_TOKEN: TOKEN, JAEGER_URL: JAEGER });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  /** The text of every cell of every row of a table. */
  async function cells(table: string, row: string): Promise<string[][]> {
    const rows = await page.getByTestId(table).getByTestId(row).all();
    return Promise.all(rows.map(async (r) => r.locator('td').allInnerTexts()));
  }

  it('signs in on the way to the requests', async () => {
    await page.goto(`${app.url}/dashboard/requests`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard\/requests$/), page.click('button[type="submit"]')]);
    expect(await page.getByTestId('dashboard-nav').locator('[aria-current="page"]').innerText()).toBe('Requests');
  });

  it('shows the cost per request by source, exactly, most expensive first', async () => {
    await page.goto(`${app.url}/dashboard/requests`);
    // Each source's requests of the last 30 days (October's is out), worked out by hand.
    const expected = [
      { source: ACTION, kind: 'action', costs: [0.00365, 0.0004], avg: '0.002025', spend: '0.00405', incomplete: 0 },
      { source: JOB, kind: 'job', costs: [0.0021], avg: '0.0021', spend: '0.0021', incomplete: 1 },
      {
        source: ROUTE,
        kind: 'route',
        costs: [0.000265, 0.0012, 0.00005],
        avg: '0.000505',
        spend: '0.001515',
        incomplete: 1,
      },
    ];
    const bound = (usd: number) => `≤ ${formatUsd(usd.toFixed(12))}`;
    expect(await cells('request-cost', 'request-cost-row')).toEqual(
      expected.map((s) => [
        `${s.source} ${s.kind}`,
        formatCount(s.costs.length),
        formatUsd(s.avg),
        bound(percentileBound(s.costs, 0.5)),
        bound(percentileBound(s.costs, 0.95)),
        formatUsd(String(Math.max(...s.costs))),
        formatUsd(s.spend),
        String(s.incomplete),
      ]),
    );
    // The rounded figures hide the digits: the hovers have them all.
    const route = page.getByTestId('request-cost-row').nth(2);
    expect(await route.locator('td').nth(3).locator('[title]').getAttribute('title')).toBe(
      `at most ${formatUsdExact(percentileBound([0.000265, 0.0012, 0.00005], 0.5).toFixed(12))} (the top of its cost bucket)`,
    );
    expect(await route.locator('td').nth(6).locator('[title]').getAttribute('title')).toBe(formatUsdExact('0.001515'));
    expect(await route.locator('td').nth(5).locator('[title]').getAttribute('title')).toBe(formatUsdExact('0.0012'));
  });

  it('lists the most expensive requests in order, each complete or not', async () => {
    expect(await cells('expensive-requests', 'expensive-request-row')).toEqual([
      [formatUtcDateTime(at(13)), `${ACTION} action`, '2', formatMs(2100), formatUsd('0.00365'), 'complete'],
      [formatUtcDateTime(at(15)), `${JOB} job`, '1', formatMs(100), formatUsd('0.0021'), 'incomplete'],
      [formatUtcDateTime(at(11)), `${ROUTE} route`, '1', formatMs(100), formatUsd('0.0012'), 'complete'],
      [formatUtcDateTime(at(14)), `${ACTION} action`, '1', formatMs(100), formatUsd('0.0004'), 'complete'],
      [formatUtcDateTime(at(10)), `${ROUTE} route`, '3', formatMs(1250), formatUsd('0.000265'), 'incomplete'],
      [formatUtcDateTime(at(12)), `${ROUTE} route`, '1 (1 failed)', formatMs(100), formatUsd('0.00005'), 'complete'],
    ]);
    const traces = await page
      .getByTestId('expensive-request-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace-id')));
    expect(traces).toEqual([trace(4), trace(6), trace(2), trace(5), TRACE_A, trace(3)]);
    await screenshot(page, 'requests.png');
  });

  it('narrows both tables to a source', async () => {
    await page.goto(`${app.url}/dashboard/requests`);
    await Promise.all([page.waitForURL(/source=/), page.getByTestId('request-cost-row').nth(0).locator('a').click()]);
    expect({
      chip: await page.getByTestId('chip-source').locator('span').innerText(),
      sources: (await cells('request-cost', 'request-cost-row')).map((row) => row[0]),
      traces: await page
        .getByTestId('expensive-request-row')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace-id'))),
    }).toEqual({ chip: `source: ${ACTION}`, sources: [`${ACTION} action`], traces: [trace(4), trace(5)] });
  });

  it('says so when a period has no requests', async () => {
    await page.goto(`${app.url}/dashboard/requests?period=custom&from=2020-01-01&to=2020-01-31`);
    expect({
      bySource: await page.getByTestId('requests-empty').locator('p').first().innerText(),
      expensive: await page.getByTestId('expensive-requests-empty').innerText(),
    }).toEqual({
      bySource: 'No requests from 2020-01-01 to 2020-01-31 (UTC).',
      expensive: 'No requests started in this period.',
    });
  });

  it('opens a request: one line, why it is incomplete, its calls as a waterfall in start order', async () => {
    await page.goto(`${app.url}/dashboard/requests`);
    await Promise.all([
      page.waitForURL(`${app.url}/dashboard/requests/${TRACE_A}`),
      page.locator(`[data-trace-id="${TRACE_A}"]`).getByTestId('request-link').click(),
    ]);
    const field = (name: string) => page.getByTestId(`request-field-${name}`).locator('dd').innerText();
    expect({
      source: await field('source'),
      started: await field('started'),
      duration: await field('duration'),
      calls: await field('calls'),
      cost: await field('cost'),
      release: await field('release'),
      complete: await field('complete'),
    }).toEqual({
      source: `${ROUTE} route`,
      started: formatUtcTimestamp(at(10)),
      duration: formatMs(1250),
      calls: '3',
      cost: formatUsd('0.000265'),
      release: '1.4.0',
      complete: 'incomplete',
    });
    expect({
      title: await page.getByTestId('request-issues').locator('.incomplete-title').innerText(),
      issues: await page.getByTestId('request-issue').allInnerTexts(),
    }).toEqual({
      title: 'Incomplete: 1 call has no exact cost.',
      issues: [`gpt-4o-mini-2024-07-18 at +${formatMs(1000)}: it reported no usage, so its cost is missing.`],
    });
    const rows = page.getByTestId('waterfall-row');
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-call-id')))).toEqual([
      idOf(1),
      idOf(2),
      idOf(3),
    ]);
    expect(await page.getByTestId('waterfall-link').allInnerTexts()).toEqual([
      'gpt-4o-mini-2024-07-18',
      'gpt-4o',
      'gpt-4o-mini-2024-07-18',
    ]);
    // Offsets 0, 500 and 1000 ms and durations 400, 300 and 250 ms of a 1250 ms request.
    expect(
      await page.getByTestId('waterfall-bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('style'))),
    ).toEqual(['left:0%;width:32%', 'left:40%;width:24%', 'left:80%;width:20%']);
    expect(await rows.nth(1).locator('.waterfall-label').innerText()).toBe(
      `gpt-4o · ${formatUsd('0.0001')} · +${formatMs(500)} · ${formatMs(300)}`,
    );
    expect(await rows.nth(2).locator('.waterfall-label').innerText()).toBe(
      `gpt-4o-mini-2024-07-18 · no usage · +${formatMs(1000)} · ${formatMs(250)}`,
    );
    expect(await page.getByTestId('jaeger-link').getAttribute('href')).toBe(`${JAEGER}/trace/${TRACE_A}`);
    await screenshot(page, 'request.png');

    await Promise.all([
      page.waitForURL(`${app.url}/dashboard/calls/${idOf(2)}`),
      page.getByTestId('waterfall-link').nth(1).click(),
    ]);
    expect(await page.getByTestId('request-page-link').getAttribute('href')).toBe(`/dashboard/requests/${TRACE_A}`);
  });

  it('says a complete request’s cost is exact, and lists its failed call', async () => {
    await page.goto(`${app.url}/dashboard/requests/${trace(3)}`);
    expect({
      complete: await page.getByTestId('request-field-complete').locator('dd').innerText(),
      issues: await page.getByTestId('request-issue').allInnerTexts(),
    }).toEqual({ complete: 'complete', issues: ['gpt-4o-mini-2024-07-18 at +0.0 ms: it failed (Timeout).'] });
  });

  it.each([
    ['an unknown trace id', 'f'.repeat(32)],
    ['a malformed trace id', 'not-a-trace'],
  ])('answers 404 for %s', async (_case, traceId) => {
    const response = await page.goto(`${app.url}/dashboard/requests/${traceId}`);
    expect(response?.status()).toBe(404);
  });
});
