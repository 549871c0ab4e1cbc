// The insights chat in a real browser (Debian's chromium, driven by playwright-core) against the built app:
// the answer appears word by word as the (slow) local provider sends it, and each way it can fail is shown.
// The provider sits behind a TCP proxy, so a test can drop its connection in the middle of an answer; spans go
// over OTLP to a receiver, where a test reads what became of a call the browser left.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../lib/ai/local-provider';
import { ROOT, startApp, type AppServer } from '../harness/app-server';
import { launchChromium } from '../harness/browser';
import { startOtlpJsonReceiver } from '../test/support/otlp-json-receiver';
import { poll } from '../test/support/poll';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

/** Between the provider's chunks: long enough for the page to render each word on its own. */
const CHUNK_DELAY_MS = 250;
const QUESTION = 'Which deals close this month?';
const ANSWER = 'Simulated reply to: Which deals close this month?';
/** The placeholder's question: longer than the 40 characters the simulated reply once kept ('…close thi'). */
const PLACEHOLDER_QUESTION = 'Which leads are most likely to close this month?';
/** The answer as it grows, one word more each time: the local provider streams word by word. */
const GROWING = ['Simulated ', 'reply ', 'to: ', 'Which ', 'deals ', 'close ', 'this ', 'month?'].map((_, i, words) =>
  words.slice(0, i + 1).join(''),
);

describe('the insights chat in a browser', () => {
  let provider: LocalProvider;
  let proxy: TcpProxy;
  let receiver: Awaited<ReturnType<typeof startOtlpJsonReceiver>>;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider({ chunkDelayMs: CHUNK_DELAY_MS });
    teardown.push(() => provider.close());
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(provider.url).port) });
    teardown.push(() => proxy.close());
    receiver = await startOtlpJsonReceiver();
    teardown.push(() => receiver.close());
    const dir = await mkdtemp(path.join(tmpdir(), 'spendtrace-e2e-chat-'));
    teardown.push(() => rm(dir, { recursive: true, force: true }));
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `http://127.0.0.1:${proxy.port}/v1`,
      SPENDTRACE_DATA_DIR: path.join(dir, 'pglite'),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    teardown.push(() => app.stop());
    browser = await launchChromium();
    teardown.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  beforeEach(async () => {
    await page.goto(app.url);
    // Every text the answer shows, in order, as the page changes it.
    await page.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { shownAnswers: string[] }).shownAnswers = shown;
      const region = document.querySelector('[aria-live="polite"]');
      if (!region) throw new Error('no live region for the answer');
      new MutationObserver(() => {
        const text = region.querySelector('.answer')?.textContent ?? '';
        if (text !== '' && text !== shown.at(-1)) shown.push(text);
      }).observe(region, { subtree: true, childList: true, characterData: true });
    });
  });

  function shownAnswers(): Promise<string[]> {
    return page.evaluate(() => (window as unknown as { shownAnswers: string[] }).shownAnswers);
  }

  async function ask(question: string): Promise<void> {
    await page.fill('input[name="question"]', question);
    await page.click('button[type="submit"]');
  }

  it('shows the answer as it streams, word by word, with Ask disabled until it is whole', async () => {
    await ask(QUESTION);

    // A partial answer is on the page while the provider is still sending the rest.
    await page.waitForFunction(() => (document.querySelector('.answer')?.textContent ?? '') !== '');
    const partial = await page.locator('.answer').innerText();
    expect(GROWING.slice(0, -1)).toContain(partial);
    expect(await page.locator('button[type="submit"]').isDisabled()).toBe(true);
    expect(await page.locator('button[type="submit"]').innerText()).toBe('Asking…');

    await page.waitForFunction((answer) => document.querySelector('.answer')?.textContent === answer, ANSWER);
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled);
    expect(await page.locator('.answer').innerText()).toBe(ANSWER);
    // Each render showed the answer so far, in order. (Words that reach the page in one network read are
    // rendered together, so on a busy machine a render may add two; with these delays it is one.)
    const shown = await shownAnswers();
    expect(shown).toEqual(GROWING.filter((text) => shown.includes(text)));
    expect(shown.at(-1)).toBe(ANSWER);
    // Seen growing at least twice before it was whole: it streamed, it did not arrive at once.
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(await page.locator('button[type="submit"]').innerText()).toBe('Ask');
    expect(await page.locator('.error').count()).toBe(0);
    const shot = path.join(ROOT, 'test-results', 'insights-chat.png');
    await mkdir(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
  });

  it('answers the placeholder’s question whole, not cut off, and streams it', async () => {
    const input = page.locator('input[name="question"]');
    expect(await input.getAttribute('placeholder')).toBe(PLACEHOLDER_QUESTION);

    await ask(PLACEHOLDER_QUESTION);

    const answer = `Simulated reply to: ${PLACEHOLDER_QUESTION}`;
    await page.waitForFunction((whole) => document.querySelector('.answer')?.textContent === whole, answer);
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled);
    const shown = await page.locator('.answer').innerText();
    expect(shown).toBe(answer);
    expect(shown.endsWith(PLACEHOLDER_QUESTION)).toBe(true);
    // Every render showed a beginning of the answer, growing, and at least two came before the whole answer.
    const renders = await shownAnswers();
    expect(renders.at(-1)).toBe(answer);
    expect(renders.every((text, i) => answer.startsWith(text) && text.length > (renders[i - 1]?.length ?? 0))).toBe(
      true,
    );
    expect(renders.length).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.error').count()).toBe(0);
  });

  it('says what is wrong with an empty question, without asking the provider', async () => {
    const before = provider.requests.length;

    await ask('   ');

    await page.waitForSelector('.error');
    expect(await page.locator('.error').innerText()).toBe('Ask a question first.');
    expect(await page.locator('.answer').count()).toBe(0);
    expect(provider.requests.length).toBe(before);
  });

  it('says the provider failed when it refuses before the answer starts', async () => {
    // The first try and the client's two retries.
    provider.failNext(429, 3);

    await ask(QUESTION);

    await page.waitForSelector('.error');
    expect(await page.locator('.error').innerText()).toBe('The AI provider failed. Try again in a moment.');
    expect(await page.locator('.answer').count()).toBe(0);
    expect(await page.locator('button[type="submit"]').isDisabled()).toBe(false);
  });

  it('keeps the partial answer and says it was cut off when the provider drops the connection', async () => {
    await ask(QUESTION);
    await page.waitForFunction(() => (document.querySelector('.answer')?.textContent ?? '') !== '');
    try {
      await proxy.cut();
      await page.waitForSelector('.error');
    } finally {
      await proxy.restore();
    }

    expect(await page.locator('.error').innerText()).toBe(
      'The answer was cut off: the AI provider failed. Try again in a moment.',
    );
    const partial = await page.locator('.answer').innerText();
    expect(GROWING.slice(0, -1)).toContain(partial);
    const shown = await shownAnswers();
    expect(shown).toEqual(GROWING.filter((text) => shown.includes(text)));
    expect(shown.at(-1)).toBe(partial);
    expect(await page.locator('button[type="submit"]').isDisabled()).toBe(false);
  });

  it('abandons the call when the browser leaves the page in the middle of an answer', async () => {
    await ask(QUESTION);
    await page.waitForFunction(() => (document.querySelector('.answer')?.textContent ?? '') !== '');

    await page.goto('about:blank');

    // The browser closed the request; the app stopped reading the provider and says the call was abandoned.
    const abandoned = await poll(
      () => receiver.spans.filter((s) => s.name === 'chat gpt-4o' && s.attributes['ai.stream.abandoned'] === true),
      (spans) => spans.length > 0,
    );
    expect(abandoned.map((s) => [s.attributes['ai.source'], s.attributes['ai.cost.status']])).toEqual([
      ['action:insights_chat.send_message', 'no_usage'],
    ]);
  });
});
