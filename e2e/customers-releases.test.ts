// The customers and releases pages in a real browser (Debian's chromium, driven by playwright-core) against the
// built app: known rows in, exact tables out. Twelve tenants, so the top ten and "2 other values"; two releases
// compared source by source. Runs on PGlite over the wire by default, on Postgres with TEST_DATABASE_URL; saves
// screenshots in test-results/ for a reviewer.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { addDays, isoDay, startOfUtcDay } from '../lib/dashboard/filters';
import type { InteractionRow } from '../lib/ledger/span-to-interaction';
import { interactionRow } from '../test/support/interaction-row';
import { startTcpDatabase, storeRows, type TcpDatabase } from '../test/support/tcp-database';

const TOKEN = 'e2e-customers-releases-token-0123';
const LEADS = '/api/leads/[id]/draft';
const EMAIL = '/api/webhooks/email';
const trace = (n: number) => n.toString(16).padStart(32, '0');

async function screenshot(page: Page, name: string): Promise<void> {
  const shot = path.join(ROOT, 'test-results', name);
  await mkdir(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
}

/** Tenants by spend, each one request yesterday; acme's request is two calls ($0.70 + $0.50). */
const TENANTS: [tenant: string, costUsd: string, userId?: string][] = [
  ['acme', '0.700000000000', 'u1'],
  ['globex', '0.900000000000', 'u2'],
  ['initech', '0.800000000000', 'u1'],
  ['umbrella', '0.700000000000'],
  ['hooli', '0.600000000000'],
  ['soylent', '0.500000000000'],
  ['stark', '0.400000000000'],
  ['wayne', '0.300000000000'],
  ['wonka', '0.200000000000'],
  ['tyrell', '0.100000000000'],
  ['cyberdyne', '0.050000000000'],
  ['oscorp', '0.020000000000'],
];

describe('the customers and releases pages in a browser', () => {
  let database: TcpDatabase;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const teardown: (() => Promise<unknown>)[] = [];
  const yesterday = addDays(startOfUtcDay(new Date()), -1);
  const twoDaysAgo = addDays(yesterday, -1);
  const hour = (dayStart: Date, h: number) => new Date(dayStart.getTime() + h * 3_600_000);

  let n = 0;
  function row(overrides: Partial<InteractionRow>): InteractionRow {
    n += 1;
    return interactionRow(n, { traceId: trace(n), ...overrides });
  }

  const seed: InteractionRow[] = [
    ...TENANTS.map(([tenant, costUsd, userId], i) =>
      row({
        startedAt: hour(yesterday, 1 + i),
        costUsd,
        attributes: userId === undefined ? { tenant } : { tenant, user_id: userId },
      }),
    ),
    // acme's second call, in its first request.
    interactionRow(100, {
      traceId: trace(1),
      startedAt: new Date(hour(yesterday, 1).getTime() + 1000),
      costUsd: '0.500000000000',
      attributes: { tenant: 'acme', user_id: 'u1' },
    }),
    // 1.4.2 two days ago: the draft route at $0.10, $0.14, $0.12 a request (avg $0.12), the webhook at $0.05.
    row({ startedAt: hour(twoDaysAgo, 9), costUsd: '0.100000000000', serviceVersion: '1.4.2' }),
    row({ startedAt: hour(twoDaysAgo, 10), costUsd: '0.140000000000', serviceVersion: '1.4.2' }),
    row({ startedAt: hour(twoDaysAgo, 11), costUsd: '0.120000000000', serviceVersion: '1.4.2' }),
    row({ startedAt: hour(twoDaysAgo, 12), source: EMAIL, costUsd: '0.050000000000', serviceVersion: '1.4.2' }),
    // 1.5.0 yesterday: $0.15 and $0.18 (avg $0.165, +37.5%), the webhook at $0.04 (−20%).
    row({ startedAt: hour(yesterday, 15), costUsd: '0.150000000000', serviceVersion: '1.5.0' }),
    row({ startedAt: hour(yesterday, 16), costUsd: '0.180000000000', serviceVersion: '1.5.0' }),
    row({ startedAt: hour(yesterday, 17), source: EMAIL, costUsd: '0.040000000000', serviceVersion: '1.5.0' }),
  ];

  /** Each body row's cells as the page shows them. */
  async function table(testId: string): Promise<string[][]> {
    const rows = await page.getByTestId(testId).locator('tbody tr, tfoot tr').all();
    return Promise.all(rows.map((r) => r.locator('th, td').allInnerTexts()));
  }

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    await storeRows(database, seed);
    app = await startApp({ DATABASE_URL: database.url, DASHBOARD_TOKEN: TOKEN });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  describe('customers', () => {
    it('signs in on the way, and shows the top ten tenants and the other values summed', async () => {
      await page.goto(`${app.url}/dashboard/customers`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await page.fill('input[name="token"]', TOKEN);
      await Promise.all([page.waitForURL(/\/dashboard\/customers$/), page.click('button[type="submit"]')]);

      expect(await page.locator('#customers-heading').innerText()).toBe('Spend by tenant');
      expect(await table('customers-table')).toEqual([
        ['acme', '$1.20', '2', '1', '$1.20'],
        ['globex', '$0.90', '1', '1', '$0.90'],
        ['initech', '$0.80', '1', '1', '$0.80'],
        ['umbrella', '$0.70', '1', '1', '$0.70'],
        ['hooli', '$0.60', '1', '1', '$0.60'],
        ['soylent', '$0.50', '1', '1', '$0.50'],
        ['stark', '$0.40', '1', '1', '$0.40'],
        ['wayne', '$0.30', '1', '1', '$0.30'],
        ['wonka', '$0.20', '1', '1', '$0.20'],
        ['tyrell', '$0.10', '1', '1', '$0.10'],
        // cyberdyne and oscorp: $0.07 over two requests.
        ['2 other values', '$0.07', '2', '2', '$0.035'],
        // $5.77 over 12 requests: $0.480833….
        ['All 12 values', '$5.77', '13', '12', '$0.4808'],
      ]);
      // The seven releases rows have no attributes, and are in no tenant's totals.
      expect(await page.getByTestId('key-picker').locator('a, span').allInnerTexts()).toEqual([
        'plan',
        'tenant',
        'user_id',
      ]);
      await screenshot(page, 'customers.png');
    });

    it('switches the key to user_id', async () => {
      const link = page.getByTestId('key-picker').getByRole('link', { name: 'user_id' });
      await Promise.all([page.waitForURL(/key=user_id/), link.click()]);

      expect(await page.locator('#customers-heading').innerText()).toBe('Spend by user_id');
      expect(await table('customers-table')).toEqual([
        ['u1', '$2.00', '3', '2', '$1.00'],
        ['u2', '$0.90', '1', '1', '$0.90'],
        ['All 2 values', '$2.90', '4', '3', '$0.9667'],
      ]);
      expect(await page.getByTestId('customer-rest').count()).toBe(0);
    });

    it('explains how to set attributes for a key without values', async () => {
      await page.goto(`${app.url}/dashboard/customers?key=plan`);

      const empty = await page.getByTestId('customers-empty').innerText();
      expect(empty).toContain('No calls carried plan from');
      expect(empty).toContain('withAIAttributes({ tenant: account.slug, user_id: user.id }');
      expect(empty).toContain('SPENDTRACE_BREAKDOWN_KEYS (default tenant,user_id,plan, at most 10)');
    });
  });

  describe('releases', () => {
    it('lists the releases newest first, the unknown release last', async () => {
      await page.goto(`${app.url}/dashboard/releases`);

      expect(await table('releases-table')).toEqual([
        ['1.5.0', '$0.37', '3', '3', '$0.1233', isoDay(yesterday), isoDay(yesterday)],
        ['1.4.2', '$0.41', '4', '4', '$0.1025', isoDay(twoDaysAgo), isoDay(twoDaysAgo)],
        ['(unknown)', '$5.77', '12', '13', '$0.4808', isoDay(yesterday), isoDay(yesterday)],
      ]);
    });

    it('compares the two newest releases source by source, the dearer in red', async () => {
      expect(await page.getByTestId('select-base').inputValue()).toBe('1.4.2');
      expect(await page.getByTestId('select-head').inputValue()).toBe('1.5.0');
      expect(await page.getByTestId('comparison-summary').innerText()).toBe(
        'Cost per request of /api/leads/[id]/draft +38% since 1.4.2',
      );
      expect(await table('comparison-table')).toEqual([
        // 2 × ($0.165 − $0.12) = $0.09 more at 1.5.0's requests.
        [LEADS, '3', '2', '$0.12', '$0.165', '+38%', '+$0.09'],
        [EMAIL, '1', '1', '$0.05', '$0.04', '\u221220%', '-$0.01'],
      ]);
      const changes = page.getByTestId('comparison-table').getByTestId('release-change');
      expect(
        await changes.evaluateAll((spans) =>
          spans.map((s): string[] => [s.getAttribute('class') ?? '', getComputedStyle(s).color]),
        ),
      ).toEqual([
        ['change-up', 'rgb(207, 34, 46)'],
        ['change-down', 'rgb(26, 127, 55)'],
      ]);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(1280);
      await screenshot(page, 'releases.png');
    });

    it('compares the releases picked in the form', async () => {
      const form = page.getByTestId('comparison-form');
      await form.locator('select[name="base"]').selectOption('1.5.0');
      await form.locator('select[name="head"]').selectOption('1.4.2');
      await Promise.all([page.waitForURL(/base=1\.5\.0/), form.locator('button[type="submit"]').click()]);

      expect(new URL(page.url()).searchParams.get('head')).toBe('1.4.2');
      expect(await page.getByTestId('comparison-summary').innerText()).toBe(
        'Cost per request of /api/leads/[id]/draft \u221227% since 1.5.0',
      );
      expect(await table('comparison-table')).toEqual([
        // 3 × ($0.12 − $0.165) = −$0.135.
        [LEADS, '2', '3', '$0.165', '$0.12', '\u221227%', '-$0.135'],
        [EMAIL, '1', '1', '$0.04', '$0.05', '+25%', '+$0.01'],
      ]);
    });
  });
});
