// Staff accounts in the admin console, in headless Chromium against the real server with the
// demo data: the admin opens 基础数据 → 员工, 新增员工 with a bad shift pattern is stopped by the
// form's Chinese message (nothing sent), then a desk clerk is created with a community and a
// shift pattern; the temporary password is shown once and logs in through the API; 编辑 changes
// the name; 停用 (confirmed) deactivates the account (the API agrees and its login is refused).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { StaffView } from '@linli/shared';
import { TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { screenshot } from './support/browser.js';
import {
  assertConsolePrerequisites,
  DEMO_PASSWORD,
  launchDesktop,
  loginThroughForm,
  pickOption,
  startDemoServer,
  type DesktopBrowser,
} from './support/console.js';

describe(`admin console: staff accounts (${TEST_DB})`, () => {
  let server: TestServer;
  let browser: DesktopBrowser;
  let page: Page;
  let token: string;
  let password = '';

  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `console-staff-failed-step-${n}`).catch(() => null);
        if (err instanceof Error) err.message += `\n(screenshot: ${file ?? 'none'}, page: ${page.url()})`;
        throw err;
      }
    });
  };
  const staffNamed = async (username: string): Promise<StaffView | undefined> => {
    const res = await server.api.get<StaffView[]>('/staff', { token });
    return res.body.find((s) => s.username === username);
  };

  beforeAll(async () => {
    assertConsolePrerequisites();
    server = await startDemoServer();
    const login = await server.api.post('/auth/password', { username: 'admin', password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    token = login.body.token;
    browser = await launchDesktop();
    page = browser.page;
    page.setDefaultTimeout(20000);
  }, 120000);

  afterAll(async () => {
    if (browser?.problems.length) console.log(`browser errors:\n${browser.problems.join('\n')}`);
    await browser?.close();
    await server?.close();
  });

  step('the admin opens 员工 and 新增员工; a bad shift pattern is refused by the form', async () => {
    await loginThroughForm(page, server.url, 'admin');
    await page.getByTestId('side-menu').getByText('基础数据', { exact: true }).click();
    await page.getByRole('tab', { name: '员工' }).click();
    await page.getByTestId('staff-new').click();
    await page.getByTestId('staff-username').fill('E2E.Desk');
    await page.getByTestId('staff-name').fill('测试客服');
    await page.getByTestId('staff-phone').fill('1381234');
    await page.getByTestId('staff-shifts').fill('周一至周五 18:00-08:00x');
    await page.getByTestId('staff-create-submit').click();
    await page.getByText('请填写 11 位手机号').waitFor();
    await page.getByText('不是有效的时间段').waitFor();
    expect(await staffNamed('e2e.desk')).toBeUndefined();
  });

  step('creates a desk clerk; the temporary password is shown once and logs in', async () => {
    await pickOption(page, 'staff-role', '客服');
    await pickOption(page, 'staff-communities', '海月花园');
    await page.getByTestId('staff-phone').fill('13812345678');
    await page.getByTestId('staff-shifts').fill('周一至周五 08:00-17:00; 周六 09:00-12:00');
    await page.getByTestId('staff-create-submit').click();
    const once = page.getByTestId('password-once');
    await once.waitFor();
    password = (await page.getByTestId('temporary-password').first().innerText()).trim();
    expect(password).toMatch(/^[a-zA-Z2-9]{12}$/);
    expect(await once.textContent()).toContain('e2e.desk');
    await screenshot(page, 'console-staff-password-once');
    await page.getByTestId('password-once-close').click();
    await once.waitFor({ state: 'detached' });

    const created = await staffNamed('e2e.desk');
    expect(created).toMatchObject({ name: '测试客服', role: 'desk', phone: '13812345678', active: true });
    expect(created!.communityIds).toHaveLength(1);
    const shifts = await server.api.get(`/staff/${created!.id}/shifts`, { token });
    expect(shifts.body.pattern).toHaveLength(6);
    const login = await server.api.post('/auth/password', { username: 'e2e.desk', password });
    expect(login.status).toBe(200);
  });

  step('编辑 renames the account; 停用 deactivates it and its login is refused', async () => {
    await pickOption(page, 'staff-role-filter', '客服');
    const row = page.getByTestId('staff-table').locator('tr', { hasText: 'e2e.desk' });
    await row.getByTestId('staff-edit').click();
    const name = page.getByRole('dialog').getByLabel('姓名');
    await name.fill('测试客服二');
    await page.getByTestId('staff-account-save').click();
    await page.getByTestId('staff-table').getByText('测试客服二').waitFor();
    expect((await staffNamed('e2e.desk'))?.name).toBe('测试客服二');

    await row.getByTestId('staff-deactivate').click();
    await page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /停\s?用/ })
      .click();
    await row.getByTestId('staff-reactivate').waitFor();
    expect((await staffNamed('e2e.desk'))?.active).toBe(false);
    expect((await server.api.post('/auth/password', { username: 'e2e.desk', password })).status).toBe(401);
    await screenshot(page, 'console-staff-deactivated');
  });
});
