// The platform operator and first-login passwords in the console, in headless Chromium against
// the real server with the demo data: an operator (created as the CLI does, must change its
// password) signs in, is shown only 设置新密码, sets a password and lands on 公司管理; creates a
// company whose admin's one-time password is shown once; that admin signs in with it, sets their
// own and sees the console; the demo admin resets a technician's password (shown once, the
// technician must change it); the operator deactivates the new company and its admin's login is
// refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createOperator } from '../../server/src/modules/accounts/company-setup.js';
import { TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { screenshot } from './support/browser.js';
import {
  assertConsolePrerequisites,
  launchDesktop,
  loginThroughForm,
  startDemoServer,
  type DesktopBrowser,
} from './support/console.js';

describe(`console: platform operator and first-login passwords (${TEST_DB})`, () => {
  let server: TestServer;
  let browser: DesktopBrowser;
  let page: Page;
  let adminTemp = '';

  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `console-platform-failed-step-${n}`).catch(() => null);
        if (err instanceof Error) err.message += `\n(screenshot: ${file ?? 'none'}, page: ${page.url()})`;
        throw err;
      }
    });
  };

  /** Sign in through the form and set a new password on the 设置新密码 form that follows. */
  const firstLogin = async (username: string, temporary: string, fresh: string) => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(temporary);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('change-password').waitFor();
    expect(await page.getByTestId('side-menu').count()).toBe(0);
    await page.getByTestId('old-password').fill(temporary);
    await page.getByTestId('new-password').fill('12345678');
    await page.getByTestId('confirm-password').fill('12345678');
    await page.getByTestId('change-submit').click();
    await page.getByText('密码不能全是数字').waitFor();
    await page.getByTestId('new-password').fill(fresh);
    await page.getByTestId('confirm-password').fill(fresh);
    await page.getByTestId('change-submit').click();
    await page.getByTestId('side-menu').waitFor();
  };
  const logout = async () => {
    await page.getByRole('button', { name: /退出登录/ }).click();
    await page.getByTestId('login-username').waitFor();
  };

  beforeAll(async () => {
    assertConsolePrerequisites();
    server = await startDemoServer();
    await server.ds.transaction((em) =>
      createOperator(em, { username: 'e2e.operator', name: '平台运营', password: 'op-first-pass1' }),
    );
    browser = await launchDesktop();
    page = browser.page;
    page.setDefaultTimeout(20000);
  }, 120000);

  afterAll(async () => {
    if (browser?.problems.length) console.log(`browser errors:\n${browser.problems.join('\n')}`);
    await browser?.close();
    await server?.close();
  });

  step('the operator must set a password first, then sees only 公司管理', async () => {
    await firstLogin('e2e.operator', 'op-first-pass1', 'op-own-pass-2026');
    await page.getByTestId('platform-page').waitFor();
    const menu = await page.getByTestId('side-menu').innerText();
    expect(menu).toContain('公司管理');
    expect(menu).not.toContain('工单管理');
    await page.getByRole('cell', { name: '邻里物业服务有限公司' }).waitFor();
  });

  step("creates a company; its admin's one-time password is shown once", async () => {
    await page.getByTestId('create-company').click();
    await page.getByTestId('company-name').fill('浏览器测试物业');
    await page.getByTestId('admin-username').fill('e2e.admin');
    await page.getByTestId('admin-name').fill('测试经理');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /创\s?建/ })
      .click();
    await page.getByTestId('company-created').waitFor();
    adminTemp = (await page.getByTestId('admin-temp-password').innerText()).trim();
    expect(adminTemp).toMatch(/^[A-Za-z0-9]{12}$/);
    await page.getByRole('cell', { name: '浏览器测试物业' }).waitFor();
    await screenshot(page, 'console-platform-created');
    await logout();
  });

  step('the new admin signs in with it, sets their own password and sees the console', async () => {
    await firstLogin('e2e.admin', adminTemp, 'e2e-admin-own-1');
    expect(await page.getByTestId('current-user').innerText()).toContain('测试经理');
    await logout();
  });

  step("the demo admin resets a technician's password: shown once, must be changed", async () => {
    await loginThroughForm(page, server.url, 'admin');
    await page.getByTestId('side-menu').getByText('基础数据', { exact: true }).click();
    await page.getByRole('tab', { name: '员工' }).click();
    const row = page.getByTestId('staff-table').locator('tr', { hasText: 'tech6' });
    await row.getByTestId('staff-reset-password').click();
    await page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /重\s?置/ })
      .click();
    const temp = (await page.getByTestId('staff-temp-password').innerText()).trim();
    expect(temp).toMatch(/^[A-Za-z0-9]{12}$/);
    const login = await server.api.post('/auth/password', { username: 'tech6', password: temp });
    expect(login.body.user).toMatchObject({ role: 'technician', mustChangePassword: true });
    await page.getByRole('button', { name: '我已记下' }).click();
    await logout();
  });

  step("the operator deactivates the new company: its admin's login is refused", async () => {
    await loginThroughForm(page, server.url, 'e2e.operator', 'op-own-pass-2026');
    const row = page.locator('tr', { hasText: '浏览器测试物业' });
    await row.getByRole('button', { name: /停\s?用/ }).click();
    await page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /停\s?用/ })
      .click();
    await row.getByText('已停用').waitFor();
    const login = await server.api.post('/auth/password', { username: 'e2e.admin', password: 'e2e-admin-own-1' });
    expect(login.status).toBe(401);
  });
});
