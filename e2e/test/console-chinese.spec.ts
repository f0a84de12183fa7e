// Issue 18 in the browser: every screen of the console in Chinese, every number believable. The
// real server with the demo data and the console build, headless Chromium at 1280x800: the login
// page without operator links and with a favicon, whole counts, Chinese names of the trade's
// terms, the heatmap's header and legend, priorities by label, SLA limits with units, the staff
// drawer without coordinates and with one save, and the supervisor's read-only rules page.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PRIORITY_LABELS } from '@linli/shared';
import type { Page } from 'playwright-core';
import type { TestServer } from '../../server/src/testing/test-server.js';
import {
  assertConsolePrerequisites,
  launchDesktop,
  loginThroughForm,
  startDemoServer,
  type DesktopBrowser,
} from './support/console.js';

describe('console: Chinese first, believable numbers', () => {
  let server: TestServer;
  let browser: DesktopBrowser;
  let page: Page;

  beforeAll(async () => {
    assertConsolePrerequisites();
    server = await startDemoServer();
    browser = await launchDesktop();
    page = browser.page;
    page.setDefaultTimeout(20000);
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the login page links no API docs or health check, and the console has a favicon', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').waitFor();
    expect(await page.locator('a[href="/api/docs"], a[href="/api/health"]').count()).toBe(0);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBeTruthy();
    const res = await fetch(`${server.url}${icon}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
  });

  it('the dashboard shows whole counts, Chinese names of terms, and the heatmap header names this period', async () => {
    await loginThroughForm(page, server.url, 'admin');
    const index = page.getByTestId('metric-index');
    await page.waitForFunction(() => {
      const v = document.querySelector('[data-testid="metric-index"]')?.getAttribute('data-value');
      return v !== undefined && v !== null && v !== 'null';
    });
    const card = page.locator('.ant-card').filter({ has: index });
    const extra = (await card.textContent()) ?? '';
    expect(extra).toMatch(/有效样本 \d+(?!\.)/);
    expect(extra).not.toMatch(/有效样本 \d+\.0/);
    const text = (await page.getByTestId('dashboard').textContent()) ?? '';
    expect(text).toContain('满意率（CSAT）');
    expect(text).not.toContain('Wilson 区间');
    expect(text).not.toMatch(/CSAT 满意率/);
    const period = page.getByTestId('hotspots-period');
    await period.waitFor();
    expect(await period.textContent()).toMatch(/^本期 \d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}/);
    expect(await page.getByTestId('chart-hotspots').textContent()).not.toContain('上期');
  });

  it('the work-order table shows priorities by their Chinese labels', async () => {
    await page.getByTestId('side-menu').getByText('工单管理').click();
    const table = page.getByTestId('order-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    const cells = await table.locator('tbody tr.ant-table-row').allTextContents();
    const joined = cells.join('\n');
    expect(joined).not.toMatch(/\bP[1-4]\b/);
    expect(Object.values(PRIORITY_LABELS).some((l) => joined.includes(l))).toBe(true);
  });

  it('SLA limits are entered with units; the staff drawer has no coordinates and one save', async () => {
    await page.getByTestId('side-menu').getByText('派单与时效规则').click();
    await page.getByRole('tab', { name: '时效策略' }).click();
    await page.getByRole('button', { name: /新增/ }).first().click();
    const resolve = page.getByTestId('sla-resolve');
    await resolve.waitFor();
    // The default P3 resolve target, 2880 minutes, shows as 2 天.
    await expect(resolve.locator('input').first().inputValue()).resolves.toBe('2');
    expect(await resolve.textContent()).toContain('天');
    await page.keyboard.press('Escape');

    await page.getByTestId('side-menu').getByText('基础数据').click();
    await page.getByRole('tab', { name: '员工' }).click();
    await page.getByTestId('staff-table').getByText('设置').first().click();
    await page.getByText('每周排班').waitFor();
    const drawer = page.locator('.ant-drawer').filter({ hasText: '每周排班' });
    expect(await drawer.getByText('纬度').count()).toBe(0);
    expect(await drawer.getByText('经度').count()).toBe(0);
    expect(await drawer.getByTestId('staff-save').count()).toBe(1);
    expect(await drawer.getByRole('button', { name: /保\s*存/ }).count()).toBe(1);
    await page.keyboard.press('Escape');
  });

  it('a supervisor has the rules menu entry, read-only', async () => {
    await page.evaluate(() => localStorage.clear());
    await loginThroughForm(page, server.url, 'supervisor1');
    const menu = await page.getByTestId('side-menu').locator('.ant-menu-item').allTextContents();
    expect(menu).toContain('派单与时效规则');
    await page.getByTestId('side-menu').getByText('派单与时效规则').click();
    await page.getByTestId('rules-read-only').waitFor();
    await page.getByText('收费标准').first().waitFor();
    expect(await page.getByRole('button', { name: /新增/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '编辑' }).count()).toBe(0);
  });
});
