// A new company from nothing to its first repaired and rated order, in headless Chromium against
// the real server (fresh database, no demo data; the console at /, the H5 app at /h5/, SMS through
// the fake Alibaba Cloud provider). The platform operator creates the company in 公司管理; its
// first admin signs in with the one-time password, sets their own and imports a community, its
// houses, the owner on file and a technician from an Excel workbook made here; the technician
// signs in on the staff H5 pages with the temporary password and sets their own; a resident binds
// the imported house with an SMS code (verified at once: the owner on file) and reports a leak;
// routing gives it to the imported technician, who accepts, departs, arrives and completes on
// their phone; the resident confirms and rates. Every step a person does is clicks in Chromium;
// the API only reads state to check it. Steps share one server and run in order; a failed step
// fails the ones after.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { IMPORT_SHEETS } from '@linli/shared';
import { createOperator } from '../../server/src/modules/accounts/company-setup.js';
import { JobRunner } from '../../server/src/modules/jobs/job-runner.service.js';
import { HouseBinding } from '../../server/src/modules/residents/house-binding.entity.js';
import { User } from '../../server/src/modules/users/user.entities.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import {
  assertPrerequisites,
  eventually,
  H5_DIR,
  launchPhone,
  pageShown,
  screenshot,
  tap,
  visible,
  visibleText,
  type PhoneBrowser,
} from './support/browser.js';
import { assertConsolePrerequisites, CONSOLE_DIR, launchDesktop, type DesktopBrowser } from './support/console.js';
import { leakPhotoPng } from './support/png.js';
import { openRoute, signOut } from './support/staff.js';

const COMPANY = '新起点物业';
const ADMIN = { username: 'xqd.admin', name: '赵经理', password: 'xqd-admin-own-1' };
const COMMUNITY = { code: 'XQD', name: '新起点花园' };
const OWNER = { name: '陈静', phone: '13911112222' };
const TECH = { username: 'xqd.tech', name: '孙师傅', password: 'xqd-tech-own-1' };
const RESIDENT_CODE = 'e2e-onboarding-resident';
const QUEUE = '/subpackages/staff/queue/index';
const STAFF_ORDER = '/subpackages/staff/order/index';

type Row = Array<string | number | null>;

/** A workbook in the import template's layout, headers taken from shared/src/master-data.ts. */
async function workbook(sheets: Partial<Record<keyof typeof IMPORT_SHEETS, Row[]>>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [key, rows] of Object.entries(sheets) as Array<[keyof typeof IMPORT_SHEETS, Row[]]>) {
    const spec = IMPORT_SHEETS[key];
    const sheet = book.addWorksheet(spec.name);
    sheet.addRow([...spec.columns]);
    for (const r of rows) sheet.addRow(r);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe(`onboarding: a new company to its first rated repair (${TEST_DB})`, () => {
  let server: TestServer;
  let desktop: DesktopBrowser | undefined;
  let techPhone: PhoneBrowser;
  let residentPhone: PhoneBrowser;
  /** The page the current step works on (screenshotted when it fails). */
  let page: Page;
  let dir: string;
  let adminTemp = '';
  let techTemp = '';
  let adminToken = '';
  let houseId: number;
  let techId: number;
  let order: { id: number; no: string };

  const asAdmin = async (p: string) => {
    const res = await server.api.get(p, { token: adminToken });
    if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const getOrder = () => asAdmin(`/work-orders/${order.id}`);

  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `onboarding-failed-step-${n}`).catch(() => null);
        const where = `screenshot: ${file ?? 'none'}, page: ${page.url()}`;
        console.log(`step ${n} failed (${where})`);
        if (err instanceof Error) err.message += `\n(${where})`;
        throw err;
      }
    });
  };

  /** Console: sign in with a one-time password and set one's own on the 设置新密码 form that follows. */
  const consoleFirstLogin = async (username: string, temporary: string, fresh: string) => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(temporary);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('change-password').waitFor();
    await page.getByTestId('old-password').fill(temporary);
    await page.getByTestId('new-password').fill(fresh);
    await page.getByTestId('confirm-password').fill(fresh);
    await page.getByTestId('change-submit').click();
    await page.getByTestId('side-menu').waitFor();
  };

  /** Reload the H5 page until `text` shows (the order moved on elsewhere), within a deadline. */
  const reloadUntil = async (text: string | RegExp, timeoutMs = 20000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await visibleText(page, text).waitFor({ state: 'visible', timeout: 3000 });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await page.reload();
    }
  };

  beforeAll(async () => {
    assertPrerequisites();
    assertConsolePrerequisites();
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-onboarding-'));
    // No demo data: the platform starts empty. SMS through the fake provider (H5 binding proof).
    server = await startTestServer({
      env: { LINLI_CONSOLE_DIR: CONSOLE_DIR, LINLI_H5_DIR: H5_DIR, LINLI_SMS: 'aliyun' },
    });
    // No screen creates the platform operator: it is made as the CLI (`db create-operator`) does.
    await server.ds.transaction((em) =>
      createOperator(em, { username: 'xqd.operator', name: '平台运营', password: 'op-first-pass1' }),
    );
    desktop = await launchDesktop();
    page = desktop.page;
    page.setDefaultTimeout(20000);
  }, 120000);

  afterAll(async () => {
    for (const b of [desktop, techPhone, residentPhone]) {
      if (b?.problems.length) console.log(`browser errors:\n${b.problems.join('\n')}`);
    }
    await desktop?.close();
    await techPhone?.close();
    await residentPhone?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step('the operator sets a password and creates the company; its admin gets a one-time password', async () => {
    await consoleFirstLogin('xqd.operator', 'op-first-pass1', 'op-own-pass-2026');
    await page.getByTestId('platform-page').waitFor();
    await page.getByTestId('create-company').click();
    await page.getByTestId('company-name').fill(COMPANY);
    await page.getByTestId('admin-username').fill(ADMIN.username);
    await page.getByTestId('admin-name').fill(ADMIN.name);
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /创\s?建/ })
      .click();
    await page.getByTestId('company-created').waitFor();
    adminTemp = (await page.getByTestId('admin-temp-password').innerText()).trim();
    expect(adminTemp).toMatch(/^[A-Za-z0-9]{12}$/);
    await page.getByRole('cell', { name: COMPANY }).waitFor();
    await page.getByRole('button', { name: /退出登录/ }).click();
    await page.getByTestId('login-username').waitFor();
  });

  step('the admin signs in, sets their own password and imports places, the owner and a technician', async () => {
    await consoleFirstLogin(ADMIN.username, adminTemp, ADMIN.password);
    expect(await page.getByTestId('current-user').innerText()).toContain(ADMIN.name);
    const login = await server.api.post('/auth/password', { username: ADMIN.username, password: ADMIN.password });
    expect(login.status).toBe(200);
    adminToken = login.body.token;
    // A new company: nothing in it yet.
    expect((await asAdmin('/master-data/communities')).total).toBe(0);

    const file = path.join(dir, '新起点花园.xlsx');
    writeFileSync(
      file,
      await workbook({
        communities: [[COMMUNITY.code, COMMUNITY.name, '深圳市南山区起点路1号', null, null, null]],
        houses: [
          [COMMUNITY.code, '1栋', '1单元', 1, '101', 89],
          [COMMUNITY.code, '1栋', '1单元', 1, '102', 76.5],
          [COMMUNITY.code, '2栋', '1单元', 3, '301', 102],
        ],
        buildings: [[COMMUNITY.code, '1栋', 22.5401, 113.9342]],
        residents: [[COMMUNITY.code, '1栋', '1单元', '101', OWNER.name, OWNER.phone, '业主']],
        staff: [
          [
            TECH.username,
            TECH.name,
            '13700001234',
            '维修师傅',
            COMMUNITY.code,
            null,
            '水管漏水:4;电路停电:3',
            '一组',
            null,
          ],
        ],
      }),
    );
    await page.getByTestId('side-menu').getByText('基础数据', { exact: true }).click();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('import-submit').click();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('导入成功');
    const account = page.getByTestId('import-accounts').locator('tr', { hasText: TECH.username });
    techTemp = (await account.locator('code').innerText()).trim();
    expect(techTemp).toMatch(/^[A-Za-z0-9]{12}$/);
    await screenshot(page, 'onboarding-import');

    const communities = await asAdmin('/master-data/communities');
    expect(communities.items).toEqual([
      expect.objectContaining({ code: COMMUNITY.code, name: COMMUNITY.name, buildings: 2, houses: 3 }),
    ]);
    const houses = await asAdmin(`/master-data/houses?communityId=${communities.items[0].id}&q=101`);
    houseId = houses.items.find((h: { roomNo: string }) => h.roomNo === '101').id;
    const tech = (await asAdmin('/staff')).find((s: { username: string }) => s.username === TECH.username);
    expect(tech).toMatchObject({ role: 'technician', active: true, communityIds: [communities.items[0].id] });
    techId = tech.id;
    await desktop!.close();
    desktop = undefined;
  });

  step('the technician signs in on the staff H5 pages with it and sets their own password', async () => {
    techPhone = await launchPhone();
    page = techPhone.page;
    page.setDefaultTimeout(15000);
    await signOut(page, server.url);
    await openRoute(page, server.url, '/pages/login/index');
    await tap(visible(page, '[aria-label="员工登录"]'));
    await visible(page, '[aria-label="账号"] input, input[aria-label="账号"]').fill(TECH.username);
    await visible(page, '[aria-label="密码"] input, input[aria-label="密码"]').fill(techTemp);
    await tap(visibleText(page, '员工登录'));
    await visibleText(page, '设置新密码').waitFor();
    await visible(page, '[aria-label="新密码"] input, input[aria-label="新密码"]').fill(TECH.password);
    await visible(page, '[aria-label="确认新密码"] input, input[aria-label="确认新密码"]').fill(TECH.password);
    await tap(visibleText(page, '保存新密码'));
    await pageShown(page, QUEUE);
    await visibleText(page, `${TECH.name}的工单`).waitFor();
    // The temporary password is spent; the technician's own one works.
    expect((await server.api.post('/auth/password', { username: TECH.username, password: techTemp })).status).toBe(401);
    const own = await server.api.post('/auth/password', { username: TECH.username, password: TECH.password });
    expect(own.status).toBe(200);
    expect(own.body.user.role).toBe('technician');
    expect(own.body.user.mustChangePassword ?? false).toBe(false);
  });

  step('a resident binds the imported house with an SMS code (the owner on file) and reports a leak', async () => {
    residentPhone = await launchPhone();
    page = residentPhone.page;
    page.setDefaultTimeout(15000);
    await page.goto(`${server.url}/h5/#/pages/home/index`);
    const codeInput = visible(page, '.login input');
    await codeInput.waitFor();
    await codeInput.fill(RESIDENT_CODE);
    await tap(visibleText(page, '登录'));
    await visibleText(page, '还没有绑定房屋').waitFor();

    await tap(visibleText(page, '绑定房屋'));
    await visibleText(page, '1. 选择小区').waitFor();
    await visible(page, '.bind-search-input input').fill('新起点');
    await Promise.all([
      page.waitForResponse((res) => res.url().includes('/api/communities?q=')),
      tap(visibleText(page, '搜索')),
    ]);
    await tap(visibleText(page, COMMUNITY.name));
    await tap(visibleText(page, '1栋'));
    await tap(visibleText(page, '1单元 101'));
    await visibleText(page, '4. 填写身份').waitFor();
    await tap(visibleText(page, '业主'));
    await visible(page, '[aria-label="姓名"] input, input[aria-label="姓名"]').fill(OWNER.name);
    await visible(page, '[aria-label="手机号"] input, input[aria-label="手机号"]').fill(OWNER.phone);
    await Promise.all([
      page.waitForResponse((res) => res.url().includes('/api/sms/codes') && res.status() === 202),
      tap(visibleText(page, '获取验证码')),
    ]);
    await server.app.get(JobRunner).tick(); // the SMS worker sends the queued text to the fake provider
    const smsCode = server.sms.lastCodeFor(OWNER.phone);
    expect(smsCode).toMatch(/^\d{6}$/);
    await visible(page, '[aria-label="验证码"] input, input[aria-label="验证码"]').fill(smsCode!);
    await tap(visibleText(page, '提交绑定'));
    await visibleText(page, '绑定成功').waitFor();
    const resident = await server.ds
      .getRepository(User)
      .findOneByOrFail({ wechatOpenid: server.fake.openidFor(RESIDENT_CODE) });
    const binding = await server.ds.getRepository(HouseBinding).findOneByOrFail({ userId: resident.id, houseId });
    expect(binding.status).toBe('verified');

    await openRoute(page, server.url, '/pages/home/index');
    await visibleText(page, '选择要报修的问题').waitFor();
    await tap(visibleText(page, '漏水'));
    await visibleText(page, '报修：漏水').waitFor();
    await tap(visibleText(page, '提交报修'));
    const hash = await eventually('the order detail page', async () => {
      const h = new URL(page.url()).hash;
      return /detail\/index\?id=\d+/.test(h) ? h : null;
    });
    const id = Number(/id=(\d+)/.exec(hash)![1]);
    await visibleText(page, /^工单号/).waitFor();
    const filed = await asAdmin(`/work-orders/${id}`);
    expect(filed).toMatchObject({ category: 'plumbing', houseId });
    order = { id, no: filed.no };
  });

  step('routing gives the order to the imported technician; the resident sees who', async () => {
    await eventually('the order to be routed to the new technician', async () => {
      const o = await getOrder();
      return o.status === 'assigned' && o.assignee?.id === techId;
    });
    await reloadUntil(TECH.name);
  });

  step('the technician accepts, departs, arrives and completes on their phone', async () => {
    page = techPhone.page;
    await page.reload();
    await pageShown(page, QUEUE);
    await tap(visible(page, `[aria-label="工单 ${order.no}"]`));
    await pageShown(page, STAFF_ORDER);
    for (const [action, status] of [
      ['接单', '已接单'],
      ['出发', '师傅在路上'],
      ['到达', '维修中'],
    ]) {
      await tap(visibleText(page, action));
      await visibleText(page, status).waitFor();
    }
    await tap(visibleText(page, '完工'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tap(visibleText(page, '拍照/相册'))]);
    await chooser.setFiles({ name: 'fixed.png', mimeType: 'image/png', buffer: leakPhotoPng() });
    await visible(page, '.photo-img').waitFor();
    await eventually('the photo upload to finish', async () => (await page.locator('.photo-state').count()) === 0);
    await tap(visibleText(page, '确认完工'));
    await visibleText(page, '已完工').waitFor();
    const done = await getOrder();
    expect(done.status).toBe('completed');
    expect(done.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['assign', 'accept', 'depart', 'arrive', 'complete']),
    );
  });

  step('the resident confirms the repair and rates it; the order is closed', async () => {
    page = residentPhone.page;
    await reloadUntil('修好了，去评价');
    await tap(visibleText(page, '修好了，去评价'));
    await visibleText(page, '总体评价（必选）').waitFor();
    await tap(visibleText(page, '修好了'));
    await tap(visible(page, '[aria-label="总体评价 5 星"]'));
    await visibleText(page, '非常满意').waitFor();
    await tap(visibleText(page, '提交评价'));
    const rating = await eventually('the rating', async () => {
      const res = await server.api.get(`/work-orders/${order.id}/rating`, { token: adminToken });
      return res.status === 200 ? res.body : null;
    });
    expect(rating).toMatchObject({ stars: 5, fixed: true });
    await visibleText(page, '已关闭').waitFor();
    expect(await getOrder()).toMatchObject({ status: 'closed', assignee: { id: techId } });
    await screenshot(page, 'onboarding-rated');
  });
});
