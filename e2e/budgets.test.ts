// The budgets page in a real browser (Debian's chromium, driven by playwright-core) against the built app:
// sign in, create a budget with the form, read its exact spend and forecast computed from known rows, see an
// alert that could not be delivered, change its limit, delete it. Saves a screenshot for a reviewer.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPercent, formatUsd } from '../lib/dashboard/format';
import { openDatabase } from '../lib/db/database';
import { InteractionStore } from '../lib/db/interaction-store';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { launchChromium } from '../harness/browser';
import { interactionRow } from '../test/support/interaction-row';
import { startTcpDatabase, type TcpDatabase } from '../test/support/tcp-database';

const TOKEN = 'e2e-budgets-token-0123456789';
const EMAIL = '/api/webhooks/email';
const DAY_MS = 86_400_000;
/** What the email webhook spent this month: rows 1 and 2 below. */
const SPENT = '0.015000000000';

/**
 * The month's spend projected to its end at the rate so far, as of `asOf`: exact to 12 decimals, rounded
 * half-up; the spend itself in the month's first minute.
 */
function expectedForecast(spent: string, asOf: Date): string {
  const start = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1);
  const end = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() + 1, 1);
  const elapsed = BigInt(asOf.getTime() - start);
  if (elapsed < 60_000n) return spent;
  const units = BigInt(spent.replace('.', ''));
  const projected = (units * BigInt(end - start) * 2n + elapsed) / (2n * elapsed);
  const text = projected.toString().padStart(13, '0');
  return `${text.slice(0, -12)}.${text.slice(-12)}`;
}

describe('the budgets page in a browser', () => {
  let database: TcpDatabase;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const db = await openDatabase({ databaseUrl: database.url });
    await new InteractionStore(db).insertMany([
      interactionRow(1, { startedAt: new Date(today + 1), source: EMAIL, costUsd: '0.012500000000' }),
      interactionRow(2, { startedAt: new Date(today + 2), source: EMAIL, costUsd: '0.002500000000' }),
      // Another source this month, and the email webhook 40 days ago (another month): neither counts.
      interactionRow(3, { startedAt: new Date(today + 3), costUsd: '0.500000000000' }),
      interactionRow(4, { startedAt: new Date(today - 40 * DAY_MS), source: EMAIL, costUsd: '3.000000000000' }),
    ]);
    await db.close();

    app = await startApp({ DATABASE_URL: database.url, DASHBOARD_TOKEN: TOKEN });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  /** The budget's cells as the page shows them now, with the time the page computed them at. */
  async function shown(): Promise<{ asOf: Date; cells: Record<string, string> }> {
    const row = page.getByTestId('budget-row');
    const cells: Record<string, string> = {};
    for (const name of ['scope', 'period', 'limit', 'spent', 'fraction', 'forecast', 'enforce']) {
      cells[name] = await row.getByTestId(`budget-${name}`).innerText();
    }
    const asOf = new Date((await page.getByTestId('budgets-as-of').getAttribute('datetime')) ?? '');
    return { asOf, cells };
  }

  function month(asOf: Date): string {
    return asOf.toISOString().slice(0, 7);
  }

  it('signs in on the way to the page, which explains budgets and says alerts are off', async () => {
    await page.goto(`${app.url}/dashboard/budgets`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(`${app.url}/dashboard/budgets`), page.click('button[type="submit"]')]);
    expect(await page.getByTestId('budgets-empty').locator('h2').innerText()).toBe('No budgets yet');
    expect(await page.getByTestId('alerts-status').innerText()).toBe(
      'Alerts are off: set SPENDTRACE_ALERT_WEBHOOK_URL to a Slack or Discord incoming webhook to be told when a ' +
        'budget reaches a threshold.',
    );
    const links = page.getByTestId('dashboard-nav').locator('a');
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '/dashboard',
      '/dashboard/calls',
      '/dashboard/requests',
      '/dashboard/customers',
      '/dashboard/releases',
    ]);
    expect(await page.getByTestId('dashboard-nav').locator('[aria-current="page"]').innerText()).toBe('Budgets');
  });

  it('names the wrong field when the form is filled wrongly', async () => {
    const form = page.getByTestId('budget-create-form');
    await form.locator('select[name="kind"]').selectOption('job');
    await form.locator('input[name="source"]').fill(EMAIL);
    await form.locator('input[name="limitUsd"]').fill('1.1234567');
    await form.locator('button[type="submit"]').click();
    await page.getByTestId('budget-form-problems').waitFor();
    expect(await page.getByTestId('budget-form-problems').locator('li').allInnerTexts()).toEqual([
      'Kind: kind and source disagree: the source names another kind',
      'Limit: must be a positive amount of US dollars with at most 6 decimals, such as "25"',
    ]);
    expect(await page.getByTestId('budget-row').count()).toBe(0);
  });

  it('creates a budget and shows its exact spend so far and its forecast to the end of the month', async () => {
    const form = page.getByTestId('budget-create-form');
    await form.locator('select[name="kind"]').selectOption('');
    await form.locator('select[name="period"]').selectOption('month');
    await form.locator('input[name="limitUsd"]').fill('0.05');
    await form.locator('button[type="submit"]').click();
    await page.getByTestId('budget-row').waitFor();

    const { asOf, cells } = await shown();
    expect(cells).toEqual({
      scope: `source ${EMAIL}`,
      period: `month ${month(asOf)}`,
      limit: formatUsd('0.05'),
      spent: formatUsd(SPENT),
      fraction: formatPercent(0.3),
      forecast: formatUsd(expectedForecast(SPENT, asOf)),
      enforce: 'no',
    });
    expect(await page.getByTestId('burn-chart').count()).toBe(1);
    expect(await page.getByTestId('budgets-empty').count()).toBe(0);
    // The form is ready for the next budget.
    expect(await form.locator('input[name="source"]').inputValue()).toBe('');

    const shot = path.join(ROOT, 'test-results', 'budgets.png');
    await mkdir(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
  });

  it('says plainly which alerts did not reach the webhook', async () => {
    const id = (await page.getByTestId('budget').getAttribute('data-budget-id')) ?? '';
    const db = await openDatabase({ databaseUrl: database.url });
    await db.prisma.alertDelivery.create({
      data: {
        key: `threshold:${id}:test:0.5`,
        kind: 'threshold',
        budgetId: id,
        payload: { text: 'half spent' },
        status: 'failed',
        attempts: 6,
        lastError: 'HTTP 404 from the webhook',
        createdAt: new Date('2026-12-01T08:30:00.000Z'),
      },
    });
    await db.close();
    await page.reload();
    expect(await page.getByTestId('alert-trouble').allInnerTexts()).toEqual([
      'Gave up after 6 attempts (raised 2026-12-01 08:30:00 UTC): HTTP 404 from the webhook',
    ]);
  });

  it('changes the limit with the edit form', async () => {
    await page.getByTestId('budget-edit').click();
    const form = page.getByTestId('budget-edit-form');
    expect(await form.locator('input[name="source"]').inputValue()).toBe(EMAIL);
    expect(await form.locator('input[name="alertAt"]').inputValue()).toBe('50, 80, 100');
    await form.locator('input[name="limitUsd"]').fill('0.02');
    await form.locator('input[name="enforce"]').check();
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('budget-limit').innerText()).toBe(formatUsd('0.02'));

    const { asOf, cells } = await shown();
    expect(cells).toEqual({
      scope: `source ${EMAIL}`,
      period: `month ${month(asOf)}`,
      limit: formatUsd('0.02'),
      spent: formatUsd(SPENT),
      fraction: formatPercent(0.75),
      forecast: formatUsd(expectedForecast(SPENT, asOf)),
      enforce: 'yes',
    });
    expect(await page.getByTestId('budget-edit-form').count()).toBe(0);
  });

  it('deletes the budget after asking, back to the empty page', async () => {
    await page.getByTestId('budget-delete').click();
    await page.getByTestId('budget-delete-confirm').click();
    await page.getByTestId('budgets-empty').waitFor();
    expect(await page.getByTestId('budget-row').count()).toBe(0);
    await page.reload();
    expect(await page.getByTestId('budgets-empty').count()).toBe(1);
  });
});
