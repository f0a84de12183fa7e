// The Content-Security-Policy (server/src/common/security-headers.ts) against the real pages in
// headless Chromium: the H5 app at /h5/, Swagger UI at /api/docs and whatever the server serves
// at / (the admin console once it is built, the landing page before). Every page must render
// with no `securitypolicyviolation` event and no CSP console error, and a script injected
// inline afterwards must be refused (so the listener is known to work).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { JobRunner } from '../../server/src/modules/jobs/job-runner.service.js';
import { TechnicianSkill } from '../../server/src/modules/staff/staff.entities.js';
import { buildWorld, loginResident, loginStaff, STAFF_PASSWORD } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { assertPrerequisites, H5_DIR, launchPhone, visible, type PhoneBrowser } from './support/browser.js';
import { withCompletionPhoto } from '../../server/src/testing/photos.js';

declare global {
  interface Window {
    __csp: string[];
  }
}

describe(`Content-Security-Policy in Chromium (${TEST_DB})`, () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let page: Page;
  const cspConsole: string[] = [];

  beforeAll(async () => {
    assertPrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR } });
    phone = await launchPhone();
    page = phone.page;
    page.setDefaultTimeout(15000);
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__csp.push(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
        );
      });
    });
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspConsole.push(`${page.url()}: ${msg.text()}`);
    });
  });

  afterAll(async () => {
    await phone?.close();
    await server?.close();
  });

  const violations = () => page.evaluate(() => window.__csp);

  /** Load `url`, wait for `ready` to show, and return the violations the page reported. */
  async function load(url: string, ready: string): Promise<string[]> {
    cspConsole.length = 0;
    await page.goto(url);
    await visible(page, ready).waitFor();
    await page.waitForLoadState('networkidle');
    return [...(await violations()), ...cspConsole];
  }

  it('runs the H5 app (inline root-font script and all) without a violation', async () => {
    expect(await load(`${server.url}/h5/#/pages/home/index`, '.login input')).toEqual([]);
    // Taro's inline script did run: it set the root font size from the viewport width.
    expect(await page.evaluate(() => document.documentElement.style.fontSize)).toMatch(/px$/);
  });

  it('runs Swagger UI without a violation', async () => {
    expect(await load(`${server.url}/api/docs`, '.swagger-ui .info')).toEqual([]);
  });

  it('shows the page at / without a violation', async () => {
    expect(await load(`${server.url}/`, 'body *')).toEqual([]);
  });

  it('runs the console (Ant Design) and its dashboard (ECharts) without a violation', async () => {
    // One finished order, so the dashboard has numbers to chart (rollups made by the job runner).
    const w = await buildWorld(server);
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 3 });
    const resident = await loginResident(server, 'code-res-a1');
    const desk = await loginStaff(server, w.staff.deskA1);
    const tech = await loginStaff(server, w.staff.techA1);
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房水管漏水', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    const act = async (token: string, body: { action: string; assigneeId?: number }) => {
      const sent = await withCompletionPhoto(server, token, body);
      expect((await server.api.post(`/work-orders/${created.body.id}/transitions`, sent, { token })).status).toBe(200);
    };
    await act(desk, { action: 'assign', assigneeId: w.staff.techA1.id });
    for (const action of ['accept', 'arrive', 'complete']) await act(tech, { action });
    await server.app.get(JobRunner).tick();
    const supervisor = w.staff.supervisorA1;
    cspConsole.length = 0;
    await page.goto(`${server.url}/`);
    await visible(page, '[data-testid="login-username"]').fill(supervisor.username!);
    await visible(page, '[data-testid="login-password"]').fill(STAFF_PASSWORD);
    const [login] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/auth/password')),
      visible(page, '[data-testid="login-submit"]').click(),
    ]);
    expect(login.status()).toBe(200);
    await page.goto(`${server.url}/dashboard`);
    await visible(page, '[data-testid^="chart-"]')
      .waitFor({ timeout: 30000 })
      .catch(async (e: Error) => {
        console.log(page.url(), (await page.locator('body').innerText()).slice(0, 800), await violations());
        throw e;
      });
    await page.waitForLoadState('networkidle');
    const found = [...(await violations()), ...cspConsole];
    const styles = await page.evaluate(() => document.querySelectorAll('style').length);
    await page
      .locator('canvas')
      .first()
      .waitFor({ timeout: 10000 })
      .catch(() => undefined);
    const canvases = await page.evaluate(() => document.querySelectorAll('canvas').length);
    console.log(`console dashboard: ${styles} <style> elements, ${canvases} ECharts canvases`);
    expect(found).toEqual([]);
    // Ant Design's CSS-in-JS did insert its style elements (allowed by style-src 'unsafe-inline').
    expect(styles).toBeGreaterThan(1);
    // ECharts drew the dashboard's charts.
    expect(canvases).toBeGreaterThan(0);
  }, 120_000);

  it('refuses an inline script that is not in the policy', async () => {
    await page.goto(`${server.url}/h5/#/pages/home/index`);
    await visible(page, '.login input').waitFor();
    await page
      .evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.head.appendChild(s);
      })
      .catch(() => undefined);
    await page.waitForFunction(() => window.__csp.length > 0, undefined, { timeout: 5000 }).catch(() => undefined);
    const found = await violations();
    expect(found.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
  });
});
