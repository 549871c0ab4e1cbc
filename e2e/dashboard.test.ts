// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against the built app:
// known rows in, the exact figures computed from them out. Runs on PGlite (over the Postgres wire
// protocol) by default, on Postgres with TEST_DATABASE_URL. Saves a screenshot for a reviewer.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureName } from '../lib/ai/prompt-registry';
import { formatCount, formatUsd } from '../lib/dashboard/format';
import { addDays, startOfUtcDay } from '../lib/dashboard/filters';
import { openDatabase } from '../lib/db/database';
import { InteractionStore } from '../lib/db/interaction-store';
import type { InteractionRow } from '../lib/telemetry/span-to-interaction';
import { ROOT, startApp, type AppServer } from '../test/support/app-server';
import { interactionRow } from '../test/support/interaction-row';
import { startTcpDatabase, type TcpDatabase } from '../test/support/tcp-database';

const TOKEN = 'e2e-dashboard-token-0123456789';
const JAEGER = 'http://jaeger.example:16686';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DRAFT_ROUTE = '/api/leads/[id]/draft';
const TRACE_1 = '0af7651916cd43dd8448eb211c80319c';

/** Exact sum of decimal strings with 12 decimals, as a decimal string. */
function sumUsd(values: (string | null)[]): string {
  const pico = values.reduce((total, v) => total + (v === null ? 0n : BigInt(v.replace('.', ''))), 0n);
  const text = pico.toString().padStart(13, '0');
  return `${text.slice(0, -12)}.${text.slice(-12)}`;
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
        inputTokens: null,
        cachedInputTokens: null,
        outputTokens: null,
        reasoningTokens: null,
        totalTokens: null,
        costUsd: null,
        costStatus: 'no_usage',
        priceRef: null,
      }),
    ];
    const db = await openDatabase({ databaseUrl: database.url });
    await new InteractionStore(db.prisma).insertMany(seeded);
    await db.close();

    app = await startApp({ DATABASE_URL: database.url, DASHBOARD_TOKEN: TOKEN, JAEGER_URL: JAEGER });
    teardown.push(() => app.stop());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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
});
