// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against the built app:
// known rows in, the exact figures computed from them out. Runs on PGlite (over the Postgres wire
// protocol) by default, on Postgres with TEST_DATABASE_URL. Saves a screenshot for a reviewer. How amounts, times,
// the stacked chart and the layout read is in dashboard-reading.test.ts.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import inventoryJson from '../docs/ai-inventory.json';
import { featureName } from '../lib/ai/prompt-registry';
import { parseInventory } from '../lib/dashboard/coverage';
import { compareDecimal, formatCount, formatUsd } from '../lib/dashboard/format';
import { addDays, isoDay, startOfUtcDay } from '../lib/dashboard/filters';
import { openDatabase } from '../lib/db/database';
import { InteractionStore } from '../lib/db/interaction-store';
import type { InteractionRow } from '../lib/ledger/span-to-interaction';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { launchChromium } from '../harness/browser';
import { interactionRow } from '../test/support/interaction-row';
import { startTcpDatabase, type TcpDatabase } from '../test/support/tcp-database';
import { NO_USAGE } from '../harness/interaction-rows';

const TOKEN = 'e2e-dashboard-token-0123456789';
const JAEGER = 'http://jaeger.example:16686';
const DRAFT_ROUTE = '/api/leads/[id]/draft';
const TRACE_1 = '0af7651916cd43dd8448eb211c80319c';

/** Exact sum of decimal strings with 12 decimals, as a decimal string. */
function sumUsd(values: (string | null)[]): string {
  const pico = values.reduce((total, v) => total + (v === null ? 0n : BigInt(v.replace('.', ''))), 0n);
  const text = pico.toString().padStart(13, '0');
  return `${text.slice(0, -12)}.${text.slice(-12)}`;
}

/** The inventory the app under test was built with; it grows as the app does, so expectations derive from it. */
const INVENTORY = parseInventory(inventoryJson).entries;

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** A seeded source as the coverage panel's table shows it: source, kind, calls (+ token counts), cost. */
interface SourceFigures {
  source: string;
  kind: string;
  calls: number;
  tokenCounts: number;
  costUsd: string;
  unpriced: number;
}

/** The seeded rows by source (token counts apart, as on the dashboard), most expensive first, then most calls. */
function bySource(rows: InteractionRow[]): SourceFigures[] {
  const sources = new Map<string, SourceFigures>();
  for (const row of rows) {
    if (row.source === null) continue;
    const s = sources.get(row.source) ?? {
      source: row.source,
      kind: row.sourceKind,
      calls: 0,
      tokenCounts: 0,
      costUsd: '0.000000000000',
      unpriced: 0,
    };
    if (row.operation === 'token_count') s.tokenCounts += 1;
    else {
      s.calls += 1;
      s.costUsd = sumUsd([s.costUsd, row.costUsd]);
      if (row.costStatus === 'unpriced') s.unpriced += 1;
    }
    sources.set(row.source, s);
  }
  return [...sources.values()].sort(
    (a, b) =>
      compareDecimal(b.costUsd, a.costUsd) ||
      b.calls - a.calls ||
      (a.source < b.source ? -1 : a.source > b.source ? 1 : 0),
  );
}

describe('the dashboard in a browser', () => {
  let database: TcpDatabase;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  let seeded: InteractionRow[];
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    const yesterday = addDays(startOfUtcDay(new Date()), -1);
    const at = (hour: number) => new Date(yesterday.getTime() + hour * 3_600_000);
    seeded = [
      interactionRow(1, { startedAt: at(9), traceId: TRACE_1, attributes: { customer_tier: 'pro' } }),
      interactionRow(2, {
        startedAt: at(10),
        featureId: 'email.sentiment',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        costUsd: '0.002500000000',
        priceRef: 'genai-prices@0.1.8:openai/gpt-4o',
      }),
      interactionRow(3, {
        startedAt: at(11),
        source: 'action:insights_chat.send_message',
        sourceKind: 'action',
        featureId: 'insights_chat.answer',
        responseModel: 'gpt-4o-2024-08-06',
        costUsd: '0.010000000000',
      }),
      interactionRow(4, { startedAt: at(12), source: null, sourceKind: 'unattributed', costUsd: '0.000300000000' }),
      interactionRow(5, {
        startedAt: at(13),
        source: '/api/webhooks/email',
        requestModel: 'acme-llm-1',
        responseModel: 'acme-llm-1',
        costUsd: null,
        costStatus: 'unpriced',
        priceRef: null,
      }),
      interactionRow(6, {
        startedAt: at(14),
        source: '/api/webhooks/email',
        operation: 'token_count',
        costUsd: null,
        costStatus: 'not_billable',
        priceRef: null,
      }),
      interactionRow(7, {
        startedAt: at(15),
        source: '/api/cron/followups',
        status: 'error',
        errorType: 'RateLimitError',
        ...NO_USAGE,
      }),
    ];
    const db = await openDatabase({ databaseUrl: database.url });
    await new InteractionStore(db).insertMany(seeded);
    // March 2021, far from every other view: costs that are not exact.
    const march = (day: number) => new Date(Date.UTC(2021, 2, day, 12));
    await new InteractionStore(db).insertMany([
      interactionRow(101, {
        startedAt: march(2),
        source: '/api/webhooks/email',
        cachedInputTokens: null,
        costUsd: '0.000063900000',
        costStatus: 'upper_bound',
      }),
      interactionRow(102, { startedAt: march(3), source: '/api/webhooks/email', costStatus: 'estimated' }),
      interactionRow(103, { startedAt: march(4), source: '/api/webhooks/email', ...NO_USAGE, streamed: true }),
    ]);
    await db.close();

    app = await startApp({ DATABASE_URL: database.url, DASHBOARD_TOKEN: TOKEN, JAEGER_URL: JAEGER });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('refuses the dashboard without sign-in', async () => {
    await page.goto(`${app.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const csv = await fetch(`${app.url}/api/dashboard/breakdown.csv?dimension=source`);
    expect(csv.status).toBe(401);
  });

  it('signs in and shows the totals computed from the seeded calls', async () => {
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(`${app.url}/dashboard`), page.click('button[type="submit"]')]);

    const billable = seeded.filter((r) => r.operation !== 'token_count');
    expect(await page.getByTestId('total-spend').innerText()).toBe(formatUsd(sumUsd(billable.map((r) => r.costUsd))));
    expect(await page.getByTestId('total-calls').innerText()).toBe(formatCount(billable.length));
    // 0.00015 + 0.0025 + 0.01 + 0.0003, rounded to what matters, exact on hover.
    expect(await page.getByTestId('total-spend').innerText()).toBe('$0.013');
    expect(await page.getByTestId('total-spend').getAttribute('title')).toBe('$0.01295');
    const shot = path.join(ROOT, 'test-results', 'dashboard.png');
    await mkdir(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
  });

  it('marks the total incomplete, naming the unpriced model and the unattributed calls', async () => {
    const marker = page.getByTestId('incomplete');
    expect(await marker.locator('.incomplete-title').innerText()).toBe('Total incomplete');
    expect(await page.getByTestId('unpriced-model').innerText()).toContain('acme-llm-1: 1 call with no known price');
    expect(await page.getByTestId('unattributed-calls').innerText()).toContain(
      `1 unattributed call (${formatUsd('0.000300000000')})`,
    );
    expect(await page.getByTestId('token-count-requests').innerText()).toContain('1 token-count request (not billed)');
  });

  it('shows a source breakdown row with its calls and cost', async () => {
    const row = page.getByTestId('source-row').filter({ hasText: DRAFT_ROUTE });
    const cells = await row.locator('td').allInnerTexts();
    const draft = seeded.filter((r) => r.source === DRAFT_ROUTE);
    expect(cells.slice(0, 3)).toEqual([
      DRAFT_ROUTE,
      formatCount(draft.length),
      formatUsd(sumUsd(draft.map((r) => r.costUsd))),
    ]);
  });

  it('shows coverage: the inventory entry points never called, the sources it does not know, the unattributed calls', async () => {
    const recorded = bySource(seeded);
    const recordedSources = new Set(recorded.map((s) => s.source));
    const inventorySources = new Set(INVENTORY.map((e) => e.source));
    const uncalled = INVENTORY.filter((e) => e.source === null || !recordedSources.has(e.source));
    const unknown = recorded.filter((s) => !inventorySources.has(s.source));
    const unattributed = seeded.filter((r) => r.source === null && r.operation !== 'token_count');

    expect(await page.getByTestId('coverage-summary').innerText()).toBe(
      `${formatCount(INVENTORY.length - uncalled.length)} of ${plural(INVENTORY.length, 'entry point', 'entry points')} ` +
        `recorded calls; ${plural(unknown.length, 'unknown source', 'unknown sources')}; ` +
        `${plural(unattributed.length, 'unattributed call', 'unattributed calls')}.`,
    );
    const uncalledRows = page.getByTestId('coverage-uncalled-row');
    const uncalledCells = await Promise.all((await uncalledRows.all()).map((row) => row.locator('td').allInnerTexts()));
    expect(uncalledCells).toEqual(
      uncalled.map((e) => [
        e.kind,
        e.source ?? '(none: its calls are unattributed)',
        e.file,
        e.export,
        e.features.join(', ') || '—',
      ]),
    );
    // Whatever the inventory holds: the seed has no job call, and calls from the email webhook.
    expect(uncalledCells.map((cells) => cells[1])).toContain('job:weekly_digest');
    expect(uncalledCells.map((cells) => cells[1])).not.toContain('/api/webhooks/email');

    const unknownCells = await Promise.all(
      (await page.getByTestId('coverage-unknown-row').all()).map((row) => row.locator('td').allInnerTexts()),
    );
    expect(unknownCells).toEqual(
      unknown.map((s) => [
        s.source,
        s.kind,
        s.tokenCounts > 0
          ? `${formatCount(s.calls)} + ${plural(s.tokenCounts, 'token count', 'token counts')}`
          : formatCount(s.calls),
        s.unpriced > 0 ? `≥ ${formatUsd(s.costUsd)}` : formatUsd(s.costUsd),
      ]),
    );
    expect(await page.getByTestId('coverage-unknown-none').count()).toBe(unknown.length === 0 ? 1 : 0);

    expect(await page.getByTestId('coverage-unattributed').innerText()).toBe(
      `1 call without a source (${formatUsd('0.000300000000')}): no route, action or job recorded. See the calls`,
    );
    await page.getByTestId('panel-coverage').screenshot({ path: path.join(ROOT, 'test-results', 'coverage.png') });
  });

  it('drills down into a source: its features and its calls, with a link to each trace in Jaeger', async () => {
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('source') === DRAFT_ROUTE),
      page.getByTestId('source-row').filter({ hasText: DRAFT_ROUTE }).locator('a').click(),
    ]);
    const features = await page.getByTestId('feature-row').locator('td:first-child').allInnerTexts();
    // Display names from the prompt registry, with the id beside them; the most expensive first.
    expect(features).toEqual([
      `${featureName('email.sentiment')} email.sentiment`,
      `${featureName('followups.draft')} followups.draft`,
    ]);
    expect(await page.getByTestId('call-row').count()).toBe(2);
    expect(await page.getByTestId('jaeger-link').nth(1).getAttribute('href')).toBe(`${JAEGER}/trace/${TRACE_1}`);
  });

  it('keeps coverage to the period: narrowing filters do not change it, another period does', async () => {
    await page.goto(`${app.url}/dashboard`);
    const unfiltered = await page.getByTestId('coverage-summary').innerText();
    const narrowed = new URLSearchParams({ kind: 'action', model: 'gpt-4o-2024-08-06', status: 'ok' });
    await page.goto(`${app.url}/dashboard?${narrowed.toString()}`);
    expect(await page.getByTestId('total-calls').innerText()).toBe('1');
    expect(await page.getByTestId('coverage-summary').innerText()).toBe(unfiltered);
    const today = startOfUtcDay(new Date());
    expect(await page.getByTestId('coverage-scope').innerText()).toBe(
      `Every call from ${isoDay(addDays(today, -29))} to ${isoDay(today)} (UTC): the kind, source, feature, model, ` +
        'status and attribute filters do not apply here. Entry points are those of docs/ai-inventory.json as this ' +
        'build carries it; one counts as called when its source recorded any request, token counts included.',
    );

    // A week long before the seed; a narrowing filter keeps the panels (not the fresh-install page) on screen.
    await page.goto(`${app.url}/dashboard?period=custom&from=2020-01-01&to=2020-01-07&kind=route`);
    expect(await page.getByTestId('coverage-summary').innerText()).toBe(
      `0 of ${plural(INVENTORY.length, 'entry point', 'entry points')} recorded calls; 0 unknown sources; 0 unattributed calls.`,
    );
    expect(await page.getByTestId('coverage-uncalled-row').count()).toBe(INVENTORY.length);
    expect(await page.getByTestId('coverage-unknown-none').innerText()).toBe(
      'None: every recorded source is in the inventory.',
    );
    expect(await page.getByTestId('coverage-unattributed').innerText()).toBe('0 calls without a source ($0).');
  });

  it('never calls a total complete while a cost is a bound or an estimate, or a successful call has no usage', async () => {
    await page.goto(`${app.url}/dashboard?period=custom&from=2021-03-01&to=2021-03-31`);
    expect(await page.getByTestId('incomplete').locator('.incomplete-title').innerText()).toBe('Total incomplete');
    expect(await page.getByTestId('complete').count()).toBe(0);
    expect(await page.getByTestId('inexact-upper_bound').innerText()).toBe(
      `1 call (${formatUsd('0.000063900000')}) priced without their cache reads (the instrumentation does not ` +
        'report them): an upper bound. See the calls',
    );
    expect(await page.getByTestId('inexact-estimated').innerText()).toBe(
      `1 call (${formatUsd('0.000150000000')}) priced from token counts the instrumentation ` +
        'estimated, not the provider’s usage. See the calls',
    );
    expect(await page.getByTestId('inexact-no_usage').innerText()).toBe(
      '1 call succeeded without reporting usage: their cost is unknown and not included in spend. See the calls',
    );

    await Promise.all([
      page.waitForURL(/cost=upper_bound/),
      page.getByTestId('inexact-upper_bound').getByRole('link', { name: 'See the calls' }).click(),
    ]);
    expect(await page.getByTestId('call-row').count()).toBe(1);
    expect(await page.getByTestId('call-cost').innerText()).toBe(`${formatUsd('0.000063900000')} (at most)`);
    const shot = path.join(ROOT, 'test-results', 'dashboard-inexact.png');
    await page.screenshot({ path: shot, fullPage: true });
  });
});
