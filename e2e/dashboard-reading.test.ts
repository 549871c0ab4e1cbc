// How the dashboard reads to someone new, in a real browser (Debian's chromium, driven by playwright-core) against
// the built app: amounts rounded to what matters and exact on hover, times in ISO and UTC, spend stacked by
// source, feature or model (by the hour over a day), a call list that fits a 1280×800 window, clean URLs, the
// favicon, the page links and signing out. Runs on PGlite over the wire protocol, or on TEST_DATABASE_URL.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDay, startOfUtcDay } from '../lib/dashboard/filters';
import { openDatabase } from '../lib/db/database';
import { InteractionStore } from '../lib/db/interaction-store';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { launchChromium } from '../harness/browser';
import { NO_USAGE } from '../harness/interaction-rows';
import { interactionRow } from '../test/support/interaction-row';
import { startTcpDatabase, type TcpDatabase } from '../test/support/tcp-database';

const TOKEN = 'e2e-dashboard-token-0123456789';
const DRAFT_ROUTE = '/api/leads/[id]/draft';
const SEND = 'action:insights_chat.send_message';
const EMAIL = '/api/webhooks/email';
const FOUR_O = 'gpt-4o-2024-08-06';
const MINI = 'gpt-4o-mini-2024-07-18';
/** A day of its own (2022-06-15): one day, so its chart is by the hour. */
const HOURLY_DAY = '/dashboard?period=custom&from=2022-06-15&to=2022-06-15';
/** Names long enough to push a column off a laptop's screen if the table let them. */
const LONG_ROUTE = `/api/partners/${'integration-callbacks/'.repeat(5)}acknowledge-delivery`;
const LONG_MODEL = 'acme-enterprise-finetuned-model-with-a-remarkably-long-name-2024-08-06';

describe('the dashboard, read by someone new', () => {
  let database: TcpDatabase;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    const yesterday = addDays(startOfUtcDay(new Date()), -1);
    const at = (hour: number) => new Date(yesterday.getTime() + hour * 3_600_000);
    const june = (time: string) => new Date(`2022-06-15T${time}Z`);
    const db = await openDatabase({ databaseUrl: database.url });
    await new InteractionStore(db).insertMany([
      // Yesterday: 0.00015 + 0.0025 from the draft route, 0.01 from the chat, 0.0003 unattributed.
      interactionRow(1, { startedAt: at(9) }),
      interactionRow(2, { startedAt: at(10), responseModel: FOUR_O, costUsd: '0.002500000000' }),
      interactionRow(3, { startedAt: at(11), source: SEND, sourceKind: 'action', costUsd: '0.010000000000' }),
      interactionRow(4, { startedAt: at(12), source: null, sourceKind: 'unattributed', costUsd: '0.000300000000' }),
      interactionRow(5, { startedAt: at(13), source: '/api/cron/followups', status: 'error', ...NO_USAGE }),
      interactionRow(6, { startedAt: at(14), source: EMAIL, costUsd: null, costStatus: 'unpriced', priceRef: null }),
      // 2022-06-15: amounts from under $0.0001 to over $10, and a call with very long names.
      interactionRow(201, { startedAt: june('09:10:00'), source: EMAIL, costUsd: '0.000000180000' }),
      interactionRow(202, { startedAt: june('09:40:00'), costUsd: '0.007600000000' }),
      interactionRow(203, {
        startedAt: june('14:05:00'),
        source: SEND,
        sourceKind: 'action',
        featureId: 'insights_chat.answer',
        responseModel: FOUR_O,
        costUsd: '12.345000000000',
      }),
      interactionRow(204, {
        startedAt: june('15:30:00'),
        source: LONG_ROUTE,
        featureId: 'partners.acknowledge_delivery_with_a_long_unregistered_id',
        requestModel: LONG_MODEL,
        responseModel: LONG_MODEL,
        costUsd: null,
        costStatus: 'unpriced',
        priceRef: null,
        attributes: {
          customer_tier: 'enterprise-platinum-annual-contract',
          request_id: 'req_0123456789abcdef0123456789abcdef0123456789abcdef',
          partner: 'northwind-traders-international-holdings',
        },
      }),
    ]);
    await db.close();

    app = await startApp({
      DATABASE_URL: database.url,
      DASHBOARD_TOKEN: TOKEN,
      JAEGER_URL: 'http://jaeger.example:16686',
    });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
    await page.goto(`${app.url}/sign-in`);
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(`${app.url}/dashboard`), page.click('button[type="submit"]')]);
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('rounds amounts to what matters and shows each one exactly on hover', async () => {
    await page.goto(`${app.url}${HOURLY_DAY}`);
    const spend = page.getByTestId('total-spend');
    expect([await spend.innerText(), await spend.getAttribute('title')]).toEqual(['$12.35', '$12.35260018']);
    const costs = page.getByTestId('call-cost');
    const shown = await costs.allInnerTexts();
    const exact = await costs.locator('[title]').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(shown).toEqual(['unpriced', '$12.35', '$0.0076', '<$0.0001']);
    expect(exact).toEqual(['$12.345', '$0.0076', '$0.00000018']);
    const money = page.getByTestId('source-row').locator('.money');
    expect(await money.evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('title')]))).toEqual([
      // Routes first, then actions; the most expensive first within each.
      ['$0.0076', '$0.0076'],
      ['<$0.0001', '$0.00000018'],
      ['$0', '$0'],
      ['$12.35', '$12.345'],
    ]);
    expect(await page.getByTestId('call-time').allInnerTexts()).toEqual([
      '2022-06-15 15:30:00 UTC',
      '2022-06-15 14:05:00 UTC',
      '2022-06-15 09:40:00 UTC',
      '2022-06-15 09:10:00 UTC',
    ]);
    expect([
      await page.getByTestId('filter-from').inputValue(),
      await page.getByTestId('filter-to').inputValue(),
    ]).toEqual(['2022-06-15', '2022-06-15']);
  });

  it('stacks spend by source, feature or model, by the hour over a day, with each segment exact in its tooltip', async () => {
    await page.goto(`${app.url}${HOURLY_DAY}`);
    const chart = page.getByTestId('daily-spend-chart');
    expect(await chart.getAttribute('data-granularity')).toBe('hour');
    expect(await page.locator('#daily-spend-heading').innerText()).toBe('Hourly spend');
    expect(await chart.getByTestId('chart-day').count()).toBe(24);
    const names = () => page.getByTestId('chart-series').locator('.series-name').allInnerTexts();
    const tooltips = () => chart.locator('[data-testid="chart-segment"] > title').allTextContents();
    expect(await names()).toEqual([SEND, DRAFT_ROUTE, EMAIL, LONG_ROUTE]);
    expect(await tooltips()).toEqual([
      `2022-06-15 09:00 UTC, ${DRAFT_ROUTE}: $0.0076`,
      `2022-06-15 09:00 UTC, ${EMAIL}: $0.00000018`,
      `2022-06-15 14:00 UTC, ${SEND}: $12.345`,
    ]);

    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('stack') === 'model'),
      page.getByTestId('stack-selector').getByRole('link', { name: 'Model' }).click(),
    ]);
    expect(await names()).toEqual([FOUR_O, MINI, LONG_MODEL]);
    expect(await tooltips()).toEqual([
      `2022-06-15 09:00 UTC, ${MINI}: $0.00760018`,
      `2022-06-15 14:00 UTC, ${FOUR_O}: $12.345`,
    ]);
    await page
      .getByTestId('panel-daily-spend')
      .screenshot({ path: path.join(ROOT, 'test-results', 'daily-spend.png') });

    // Drilling down keeps the chart stacked by model.
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('model') === MINI),
      page.getByTestId('panel-by-model').getByRole('link', { name: MINI, exact: true }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('stack')).toBe('model');
    expect(await names()).toEqual([MINI]);

    // The last 30 days by the day: yesterday's spend stacked by source.
    await page.goto(`${app.url}/dashboard`);
    expect(await chart.getAttribute('data-granularity')).toBe('day');
    expect(await names()).toEqual([SEND, DRAFT_ROUTE, '(unattributed)', '/api/cron/followups', EMAIL]);
    const yesterday = isoDay(addDays(startOfUtcDay(new Date()), -1));
    expect(await tooltips()).toEqual([
      `${yesterday}, ${SEND}: $0.01`,
      `${yesterday}, ${DRAFT_ROUTE}: $0.00265`,
      `${yesterday}, (unattributed): $0.0003`,
    ]);
  });

  it('fits the call list to a 1280×800 window: long names cut short, Attributes and Trace on screen', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${app.url}${HOURLY_DAY}`);
    const scroll = page.getByTestId('calls-scroll');
    const widths = await scroll.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    // Each header and the first trace link lie wholly inside the window: [left, right] within [0, 1280].
    const table = page.getByTestId('calls-table');
    const targets = [
      table.getByRole('columnheader', { name: 'Attributes', exact: true }),
      table.getByRole('columnheader', { name: 'Trace', exact: true }),
      page.getByTestId('jaeger-link').first(),
    ];
    for (const target of targets) {
      const box = await target.boundingBox();
      const [left, right] = box === null ? [-1, Infinity] : [box.x, box.x + box.width];
      expect(left).toBeGreaterThanOrEqual(0);
      expect(right).toBeLessThanOrEqual(1280);
    }
    // The long route is cut short on the page and whole in its hover.
    const clipped = page.getByTestId('call-row').first().locator('.clip').first();
    expect(await clipped.getAttribute('title')).toBe(LONG_ROUTE);
    expect(await clipped.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'dashboard-1280.png') });
    await page.getByTestId('panel-calls').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'dashboard-calls-1280.png') });
  });

  it('drops a custom range from the URL when a fixed period is chosen', async () => {
    await page.goto(`${app.url}${HOURLY_DAY}&status=ok`);
    await page.getByTestId('filter-period').selectOption('7d');
    await Promise.all([page.waitForURL(/period=7d/), page.getByTestId('filter-apply').click()]);
    expect(new URL(page.url()).search).toBe('?period=7d&status=ok');
  });

  it('serves a favicon, links it in the head, and links the dashboard pages', async () => {
    const icon = await fetch(`${app.url}/icon.svg`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await icon.text()).toContain('<svg');
    await page.goto(`${app.url}/dashboard`);
    const link = page.locator('head link[rel="icon"]');
    expect(await link.getAttribute('href')).toMatch(/^\/icon\.svg(\?|$)/);
    expect(await link.getAttribute('type')).toBe('image/svg+xml');
    expect(await page.getByTestId('dashboard-nav').locator('a, span').allInnerTexts()).toEqual([
      'Spend',
      'Calls',
      'Requests',
      'Customers',
      'Releases',
      'Budgets',
    ]);
    expect(await page.getByTestId('dashboard-nav').locator('[aria-current="page"]').innerText()).toBe('Spend');
  });

  it('signs out with the button in the header, after which the dashboard asks to sign in again', async () => {
    await page.goto(`${app.url}/dashboard`);
    await Promise.all([page.waitForURL(`${app.url}/sign-in`), page.getByTestId('sign-out').click()]);
    await page.goto(`${app.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
