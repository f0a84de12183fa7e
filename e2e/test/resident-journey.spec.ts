// The resident's journey in the real product: the NestJS server (fresh database, fake WeChat on
// its own port) serves the mini-program's H5 build at /h5/, and headless Chromium plays the
// resident's phone. Staff act through the HTTP API, as the console and the technicians' app do.
// Steps share one browser and one server and run in order; a failed step fails the ones after.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { Factory, loginStaff } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { Building, Community } from '../../server/src/modules/places/place.entities.js';
import { JobRunner } from '../../server/src/modules/jobs/job-runner.service.js';
import { HouseBinding } from '../../server/src/modules/residents/house-binding.entity.js';
import { TechnicianSkill } from '../../server/src/modules/staff/staff.entities.js';
import { User } from '../../server/src/modules/users/user.entities.js';
import { WorkOrder } from '../../server/src/modules/work-orders/work-order.entities.js';
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
import { leakPhotoPng } from './support/png.js';
import { ContractWatch } from './support/contract.js';
import { withCompletionPhoto } from '../../server/src/testing/photos.js';

const RESIDENT_CODE = 'e2e-wangfang-phone';
const TECH_NAME = '李师傅';
const COMMUNITY_NAME = '幸福里小区';

describe(`resident journey in the H5 app (${TEST_DB})`, () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let page: Page;
  let contract: ContractWatch;
  let desk: string;
  let tech: string;
  let techId: number;
  let houseId: number;
  let buildingName: string;
  let firstOrderId: number;
  let secondOrderId: number;

  const h5 = (route: string) => `${server.url}/h5/#${route}`;
  const asDesk = (id: number) => server.api.get(`/work-orders/${id}`, { token: desk });
  const techDoes = async (id: number, action: string, extra: object = {}) => {
    const body = await withCompletionPhoto(server, tech, { action, ...extra });
    const res = await server.api.post(`/work-orders/${id}/transitions`, body, { token: tech });
    if (res.status !== 200)
      throw new Error(`technician ${action} on #${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** A full page load of an H5 route (a hash change alone would go through Taro's router stack). */
  const open = async (route: string) => {
    if (page.url().startsWith(`${server.url}/h5/`)) await page.goto('about:blank');
    await page.goto(h5(route));
  };

  /** Reload the page until `text` shows (the order moved on elsewhere), within a deadline. */
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

  const orderIdFromUrl = async () => {
    const hash = await eventually('the order detail page', async () => {
      const h = new URL(page.url()).hash;
      return /detail\/index\?id=\d+/.test(h) ? h : null;
    });
    return Number(/id=(\d+)/.exec(hash)![1]);
  };

  /** A journey step: on failure, a screenshot of the phone goes to screenshots/tmp/failed-step-<n>.png. */
  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `failed-step-${n}`).catch(() => null);
        const where = `screenshot: ${file ?? 'none'}, page: ${page.url()}`;
        console.log(`step ${n} failed (${where})`);
        if (err instanceof Error) err.message += `\n(${where})`;
        throw err;
      }
    });
  };

  beforeAll(async () => {
    assertPrerequisites();
    // SMS through the fake Alibaba Cloud provider: the H5 binding proves the phone with a code.
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR, LINLI_SMS: 'aliyun' } });
    // Every answer from here on, the spec's own requests and the page's alike, is checked against the document.
    contract = await ContractWatch.start(server);

    // One community of one company: a house whose registry names 王芳 / 13900001111, a plumber
    // serving the community, and a desk user to look at orders as the office does.
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'E2E');
    await server.ds.getRepository(Community).update(community.id, { name: COMMUNITY_NAME });
    const house = await f.house(community.id, { name: '王芳', phone: '13900001111' });
    houseId = house.id;
    buildingName = (await server.ds.getRepository(Building).findOneByOrFail({ id: house.buildingId! })).name;
    const technician = await f.staff('technician', company.id, [community.id]);
    techId = technician.id;
    await server.ds.getRepository(User).update(techId, { name: TECH_NAME });
    await server.ds.getRepository(TechnicianSkill).save({ userId: techId, category: 'plumbing', level: 4 });
    const deskUser = await f.staff('desk', company.id, [community.id]);
    desk = await loginStaff(server, deskUser);
    tech = await loginStaff(server, technician);

    phone = await launchPhone();
    page = phone.page;
    contract.page(page);
    page.setDefaultTimeout(15000);
  });

  afterAll(async () => {
    // Uncaught errors in the page are worth seeing whether or not a step failed.
    if (phone?.problems.length) console.log(`browser errors during the journey:\n${phone.problems.join('\n')}`);
    await phone?.close();
    await server?.close();
  });

  step('logs in and binds the house with an SMS code, verified at once as the registry owner', async () => {
    await page.goto(h5('/pages/home/index'));
    // Not logged in: the home page sends the resident to the login page (H5: type a login code).
    const codeInput = visible(page, '.login input');
    await codeInput.waitFor();
    await codeInput.fill(RESIDENT_CODE);
    await tap(visibleText(page, '登录'));

    // The server checked the code with the fake WeChat's jscode2session: a new resident.
    await visibleText(page, '还没有绑定房屋').waitFor();
    const resident = await server.ds
      .getRepository(User)
      .findOneByOrFail({ wechatOpenid: server.fake.openidFor(RESIDENT_CODE) });
    expect(resident.role).toBe('resident');

    await tap(visibleText(page, '绑定房屋'));
    await visibleText(page, '1. 选择小区').waitFor();
    await visible(page, '.bind-search-input input').fill('幸福里');
    // Wait for the search's answer: the unfiltered list shown until then is about to be replaced.
    await Promise.all([
      page.waitForResponse((res) => res.url().includes('/api/communities?q=')),
      tap(visibleText(page, '搜索')),
    ]);
    await tap(visibleText(page, COMMUNITY_NAME));
    await tap(visibleText(page, buildingName));
    await tap(visibleText(page, '1单元 101'));
    await visibleText(page, '4. 填写身份').waitFor();
    await tap(visibleText(page, '业主'));
    await visible(page, '[aria-label="姓名"] input, input[aria-label="姓名"]').fill('王芳');
    await visible(page, '[aria-label="手机号"] input, input[aria-label="手机号"]').fill('13900001111');
    // H5 has no WeChat phone-number button: the phone is proven by the code the SMS brings.
    await Promise.all([
      page.waitForResponse((res) => res.url().includes('/api/sms/codes') && res.status() === 202),
      tap(visibleText(page, '获取验证码')),
    ]);
    await server.app.get(JobRunner).tick(); // the SMS worker sends the queued text to the fake provider
    const smsCode = server.sms.lastCodeFor('13900001111');
    expect(smsCode).toMatch(/^\d{6}$/);
    await visible(page, '[aria-label="验证码"] input, input[aria-label="验证码"]').fill(smsCode!);
    await tap(visibleText(page, '提交绑定'));

    await visibleText(page, '绑定成功').waitFor();
    // The list of the resident's houses shows the binding as verified.
    await tap(visibleText(page, '再绑定一套'));
    await visibleText(page, '已认证').waitFor();
    const binding = await server.ds.getRepository(HouseBinding).findOneByOrFail({ userId: resident.id, houseId });
    expect(binding.status).toBe('verified');
  });

  step('reports a leak with a photo: 漏水, add a photo, 提交', async () => {
    await open('/pages/home/index');
    await visibleText(page, '选择要报修的问题').waitFor();
    await visibleText(page, new RegExp(COMMUNITY_NAME)).waitFor();
    await screenshot(page, 'resident-home', { keep: true });

    await tap(visibleText(page, '漏水'));
    await visibleText(page, '报修：漏水').waitFor();
    // Taro.chooseImage on H5 clicks a hidden <input type="file">: answer the file chooser.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tap(visibleText(page, '拍照/相册'))]);
    await chooser.setFiles({ name: 'leak.png', mimeType: 'image/png', buffer: leakPhotoPng() });
    await visible(page, '.photo-img').waitFor();
    await eventually('the photo upload to finish', async () => (await page.locator('.photo-state').count()) === 0);
    await screenshot(page, 'report-sheet');

    await tap(visibleText(page, '提交报修'));
    firstOrderId = await orderIdFromUrl();
    await visibleText(page, /^工单号/).waitFor();

    const list = await server.api.get('/work-orders', { token: desk });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].id).toBe(firstOrderId);
    const order = (await asDesk(firstOrderId)).body;
    expect(order).toMatchObject({ category: 'plumbing', houseId, reporter: expect.anything() });
    expect(order.photos).toHaveLength(1);
    expect(order.photoIds).toHaveLength(1);
  });

  step('shows the technician it was routed to, then the quote, which the resident approves', async () => {
    // Routing runs right after the order commits: the plumber serving the community gets it.
    await reloadUntil(TECH_NAME);
    expect((await asDesk(firstOrderId)).body).toMatchObject({ status: 'assigned', assignee: { id: techId } });

    await techDoes(firstOrderId, 'accept');
    await techDoes(firstOrderId, 'depart');
    await techDoes(firstOrderId, 'arrive');
    await techDoes(firstOrderId, 'quote', {
      quoteItems: [
        { kind: 'labour', name: '更换阀门', unit: '次', quantity: 1, unitPriceFen: 5000, reason: '阀门型号特殊' },
      ],
    });

    await reloadUntil('维修报价');
    await visibleText(page, '更换阀门').waitFor();
    await visibleText(page, '待确认报价').waitFor();
    await expect(visible(page, '.quote-total-amount').textContent()).resolves.toBe('¥50.00');
    await screenshot(page, 'resident-order', { keep: true });

    await tap(visibleText(page, '同意报价，继续维修'));
    await visibleText(page, '已同意').waitFor();
    const order = (await asDesk(firstOrderId)).body;
    expect(order.status).toBe('in_progress');
    expect(order.quote).toMatchObject({ totalFen: 5000, approved: true });
  });

  step('rates the finished repair, and the rating closes the order', async () => {
    // Within the property fee after all: a free repair, so the rating may close it.
    await techDoes(firstOrderId, 'complete', { free: true });
    await reloadUntil('修好了，去评价');
    // The live page shows the completed order at once, while step 3's 已同意报价 toast may still
    // be on screen: a tap on it would be lost.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.taro__toast')].every((t) => getComputedStyle(t).display === 'none'),
    );
    await tap(visibleText(page, '修好了，去评价'));

    await visibleText(page, '总体评价（必选）').waitFor();
    await tap(visibleText(page, '修好了'));
    await tap(visible(page, '[aria-label="总体评价 5 星"]'));
    await visibleText(page, '非常满意').waitFor();
    await tap(visibleText(page, '专业'));
    await screenshot(page, 'rating');
    await tap(visibleText(page, '提交评价'));

    const rating = await eventually('the rating', async () => {
      const res = await server.api.get(`/work-orders/${firstOrderId}/rating`, { token: desk });
      return res.status === 200 ? res.body : null;
    });
    expect(rating).toMatchObject({ stars: 5, fixed: true });
    expect(rating.tags).toContain('专业');
    expect((await asDesk(firstOrderId)).body.status).toBe('closed');
    // Back on the order, which now reads closed.
    await visibleText(page, '已关闭').waitFor();
  });

  step('a second repair that is not fixed goes back as a reopen', async () => {
    await open('/pages/home/index');
    await tap(visibleText(page, '漏水'));
    await visibleText(page, '报修：漏水').waitFor();
    await tap(visibleText(page, '提交报修'));
    secondOrderId = await orderIdFromUrl();
    expect(secondOrderId).not.toBe(firstOrderId);

    await eventually('the second order to be assigned', async () => {
      const o = (await asDesk(secondOrderId)).body;
      return o.status === 'assigned' && o.assignee?.id === techId;
    });
    await techDoes(secondOrderId, 'accept');
    await techDoes(secondOrderId, 'arrive');
    await techDoes(secondOrderId, 'complete');

    await reloadUntil('没修好');
    await tap(visibleText(page, '没修好'));
    await visibleText(page, '总体评价（必选）').waitFor();
    await tap(visible(page, '[aria-label="总体评价 2 星"]'));
    // "Not fixed" offers the reopen, ticked already.
    await expect(visible(page, '.rate-reopen').getAttribute('aria-checked')).resolves.toBe('true');
    await tap(visibleText(page, '提交评价'));

    const order = await eventually('the reopen', async () => {
      const o = (await asDesk(secondOrderId)).body;
      return o.timeline.some((e: { action: string }) => e.action === 'reopen') ? o : null;
    });
    // Reopened, and (routing runs at once) possibly already on its way back to a technician.
    expect(['reopened', 'assigned']).toContain(order.status);
    const rating = (await server.api.get(`/work-orders/${secondOrderId}/rating`, { token: desk })).body;
    expect(rating).toMatchObject({ stars: 2, fixed: false });
    // The API's order view has no reopen count; the row has.
    const row = await server.ds.getRepository(WorkOrder).findOneByOrFail({ id: secondOrderId });
    expect(row.reopenCount).toBe(1);
    // Back on the order, which reads reopened (or assigned again).
    await visibleText(page, /^(待返修|已派单)$/).waitFor();
  });

  step('care mode (长辈模式) makes the home page text larger', async () => {
    await open('/pages/home/index');
    const heading = visible(page, '.section-title');
    await heading.waitFor();
    const fontSize = () => heading.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const before = await fontSize();

    await tap(visibleText(page, '设置'));
    await pageShown(page, '/subpackages/account/settings/index');
    await tap(visibleText(page, '长辈模式（大字）'));
    await expect(visible(page, '[role="switch"]').getAttribute('aria-checked')).resolves.toBe('true');

    await page.goBack();
    await heading.waitFor();
    const after = await eventually('larger text', async () => {
      const size = await fontSize();
      return size >= before * 1.2 ? size : null;
    });
    expect(after / before).toBeGreaterThanOrEqual(1.2);
    await screenshot(page, 'care-mode-home');
  });

  step('every answer the spec and its page received is one the OpenAPI document describes', async () => {
    expect(await contract.violations()).toEqual([]);
    expect(contract.checked).toBeGreaterThan(10);
  });
});
