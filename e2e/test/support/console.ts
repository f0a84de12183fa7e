// Helpers of the console browser tests: the real server with the demo data and the console's
// build, a desktop-sized Chromium, and readers of the figures the console exposes to tests
// (data-testid="metric-<name>" with data-value, data-testid="chart-<name>" with data-points).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { JobRunner } from '../../../server/src/modules/jobs/job-runner.service.js';
import { RollupDirty } from '../../../server/src/modules/satisfaction/satisfaction.entities.js';
import { startTestServer, type TestServer } from '../../../server/src/testing/test-server.js';
import { CHROMIUM_PATH, REPO_DIR } from './browser.js';

/** The console's build, which the server serves at / (LINLI_CONSOLE_DIR). */
export const CONSOLE_DIR = path.join(REPO_DIR, 'server/console/dist');
export const DEMO_PASSWORD = 'linli-demo';

export function assertConsolePrerequisites(): void {
  if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) {
    throw new Error(`No console build at ${CONSOLE_DIR}: run \`pnpm --filter @linli/console build\` first.`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium fonts-wqy-microhei.`);
  }
}

/**
 * The real server on a fresh database with the demo company seeded (as `pnpm start` does), the
 * console served at /, and the satisfaction rollups of the seeded history computed (the job
 * runner does not tick by itself in tests).
 */
export async function startDemoServer(): Promise<TestServer> {
  const server = await startTestServer({ env: { LINLI_SEED_DEMO: 'true', LINLI_CONSOLE_DIR: CONSOLE_DIR } });
  const runner = server.app.get(JobRunner);
  for (let i = 0; i < 50; i++) {
    const fired = await runner.tick();
    if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) return server;
  }
  throw new Error('the rollup jobs did not finish');
}

export interface DesktopBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors. */
  problems: string[];
  close(): Promise<void>;
}

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

/** Headless Chromium at 1280x800, the size every console page must be usable at. */
export async function launchDesktop(): Promise<DesktopBrowser> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-console-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico'))
      problems.push(`console: ${msg.text()} (${msg.location().url})`);
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

/** Log in through the console's login form. */
export async function loginThroughForm(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

/** The raw API number behind a headline figure (null when the figure has no value). */
export async function metricValue(page: Page, name: string): Promise<number | null> {
  const raw = await page.getByTestId(`metric-${name}`).getAttribute('data-value');
  if (raw === null) throw new Error(`metric-${name} has no data-value`);
  return raw === 'null' ? null : Number(raw);
}

/** The raw API numbers a chart plots. */
export async function chartPoints(page: Page, name: string): Promise<unknown[]> {
  const raw = await page.getByTestId(`chart-${name}`).getAttribute('data-points');
  return JSON.parse(raw ?? '[]') as unknown[];
}

/** Pixels of the chart's canvas that are not background: > 0 when ECharts drew something. */
export async function drawnPixels(page: Page, name: string): Promise<number> {
  const canvas = page.getByTestId(`chart-${name}`).locator('canvas').first();
  await canvas.waitFor();
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx || !c.width || !c.height) return 0;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
}

/** Pick an option of an Ant Design select (by its data-testid) by the option's visible text. */
export async function pickOption(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
  await page.keyboard.press('Escape');
}
