import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '../..');
export const REPO_DIR = path.resolve(E2E_DIR, '..');
/** The mini-program's H5 build, which the server serves at /h5/ (LINLI_H5_DIR). */
export const H5_DIR = path.join(REPO_DIR, 'miniprogram/dist/h5');
export const SCREENSHOTS_DIR = path.join(E2E_DIR, 'screenshots');
/** Every run's screenshots (git-ignored). */
export const SCREENSHOTS_TMP_DIR = path.join(SCREENSHOTS_DIR, 'tmp');

/** The system Chromium and the flags that work on these machines (shared TOOLCHAIN.md). */
export const CHROMIUM_PATH = process.env.LINLI_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function assertPrerequisites(): void {
  if (!existsSync(path.join(H5_DIR, 'index.html'))) {
    throw new Error(
      `No H5 build at ${H5_DIR}: run \`pnpm --filter @linli/miniprogram build:h5\` (or \`pnpm build\`) first.`,
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium fonts-wqy-microhei (or set LINLI_CHROMIUM).`,
    );
  }
}

export interface PhoneBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, printed when a step fails. */
  problems: string[];
  close(): Promise<void>;
}

/** Headless Chromium sized like a phone (390x844 CSS px at 2x), on a fresh profile. */
export async function launchPhone(): Promise<PhoneBrowser> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium asks every origin for /favicon.ico; the server has none, and that is fine.
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico'))
      problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * The visible element with this text. Taro's H5 router keeps the pages below the top one in the
 * DOM (hidden), so the same text can exist several times; only the visible one counts.
 */
export function visibleText(page: Page, text: string | RegExp, exact = true): Locator {
  return page.getByText(text, { exact }).filter({ visible: true }).first();
}

export function visible(page: Page, selector: string): Locator {
  return page.locator(selector).filter({ visible: true }).first();
}

/**
 * Save a screenshot to screenshots/tmp/<name>.png (`name` may hold a folder: walk/home). With `keep`, also to screenshots/<name>.png
 * (the images the README shows) when that file is missing or LINLI_E2E_UPDATE_SCREENSHOTS=1,
 * so ordinary runs do not rewrite the committed images.
 */
export async function screenshot(page: Page, name: string, opts: { keep?: boolean; fullPage?: boolean } = {}) {
  const file = path.join(SCREENSHOTS_TMP_DIR, `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false, animations: 'disabled' });
  if (opts.keep) {
    const kept = path.join(SCREENSHOTS_DIR, `${name}.png`);
    if (!existsSync(kept) || process.env.LINLI_E2E_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(path.dirname(kept), { recursive: true });
      copyFileSync(file, kept);
    }
  }
  return file;
}

/**
 * Tap an element as a finger would: a real mouse click at its centre, once it is visible and
 * has stopped moving (Taro slides pages in; a tap during the slide can miss).
 *
 * Playwright's own actionability check cannot be used as it is: Taro's pull-to-refresh wrapper
 * (pages with enablePullDownRefresh) handles the pointer events itself, which Playwright reads
 * as "<taro-pull-to-refresh-core> intercepts pointer events" although the click reaches the
 * element (elementFromPoint at the centre is the element). So the check is done here and the
 * click is forced.
 */
export async function tap(target: Locator): Promise<void> {
  await target.waitFor({ state: 'visible' });
  await target.evaluate(
    (el) =>
      new Promise<void>((resolve) => {
        const giveUp = Date.now() + 5000;
        let last = '';
        let same = 0;
        const check = () => {
          const r = el.getBoundingClientRect();
          const now = `${r.x},${r.y},${r.width},${r.height}`;
          same = now === last ? same + 1 : 0;
          last = now;
          if (same >= 3 || Date.now() > giveUp) resolve();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
  await target.click({ force: true });
}

/**
 * Wait until Taro's H5 router has finished showing the page of `route` (its slide-in is over).
 * A browser back during the slide leaves the app blank (see the README), as a hurried user
 * would find; a test waits like a person would.
 */
export async function pageShown(page: Page, route: string): Promise<void> {
  await page.locator(`.taro_page.taro_page_show[id^="${route}"]`).waitFor({ state: 'visible' });
}

/** Poll `probe` until it returns something truthy, or fail after `timeoutMs` naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
