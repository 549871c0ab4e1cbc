// Debian's chromium, driven by playwright-core, as every browser test launches it: headless, without the
// sandbox (CI runs as root), and without the background traffic that would make a run slower or flakier.
import { chromium, type Browser } from 'playwright-core';

/** Where chromium is: `CHROMIUM_PATH`, else Debian's package (`apt-get install chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}
