// A paid repair in the real product (docs/fees.md): the NestJS server (fresh database, fake WeChat)
// serves the mini-program's H5 build, and one headless Chromium phone is used in turn by the
// technician (staff pages) and the resident. The technician quotes from the community's price
// list plus one line off it (with its reason), the resident reviews each line beside the list
// price and approves, and the technician records the bill of what was actually used at
// completion, capped at the approved quote. Steps run in order; a failed step fails the rest.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { Building, Community } from '../../server/src/modules/places/place.entities.js';
import { PriceItem } from '../../server/src/modules/price-list/price-item.entity.js';
import { TechnicianSkill } from '../../server/src/modules/staff/staff.entities.js';
import { User } from '../../server/src/modules/users/user.entities.js';
import { Factory, loginResident, loginStaff, STAFF_PASSWORD } from '../../server/src/testing/factories.js';
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
import { withCompletionPhoto } from '../../server/src/testing/photos.js';
import { ContractWatch } from './support/contract.js';
import { assertConsolePrerequisites, CONSOLE_DIR, launchDesktop, loginThroughForm } from './support/console.js';
import { leakPhotoPng } from './support/png.js';
import { openRoute, signOut, staffLogin } from './support/staff.js';

const RESIDENT_CODE = 'e2e-priced-quote-resident';
const QUEUE = '/subpackages/staff/queue/index';
const STAFF_ORDER = '/subpackages/staff/order/index';
const DETAIL = '/subpackages/orders/detail/index';

describe(`priced quote to capped bill in the H5 app (${TEST_DB})`, () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let page: Page;
  let contract: ContractWatch;
  let techUsername: string;
  let techToken: string;
  let deskUsername: string;
  let supervisorUsername: string;
  let houseId: number;
  let deskId: number;
  let supervisorToken: string;
  let residentToken: string;
  let orderId: number;
  let orderNo: string;

  const get = async (id: number) => (await server.api.get(`/work-orders/${id}`, { token: supervisorToken })).body;

  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `priced-quote-failed-step-${n}`).catch(() => null);
        if (err instanceof Error) err.message += `\n(screenshot: ${file ?? 'none'}, page: ${page.url()})`;
        throw err;
      }
    });
  };

  /** The resident signs in on the phone by typing a login code (the H5 stand-in for wx.login). */
  const residentLogin = async () => {
    await signOut(page, server.url);
    await openRoute(page, server.url, '/pages/home/index');
    const codeInput = visible(page, '.login input');
    await codeInput.waitFor();
    await codeInput.fill(RESIDENT_CODE);
    await tap(visibleText(page, '登录'));
    await pageShown(page, '/pages/home/index');
  };

  beforeAll(async () => {
    assertPrerequisites();
    assertConsolePrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR, LINLI_CONSOLE_DIR: CONSOLE_DIR } });
    contract = await ContractWatch.start(server);

    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'PQ');
    await server.ds.getRepository(Community).update(community.id, { name: '幸福里小区' });
    const house = await f.house(community.id, { name: '王芳', phone: '13900001111' });
    await server.ds.getRepository(Building).findOneByOrFail({ id: house.buildingId! });
    const resident = await f.resident(server, RESIDENT_CODE, [{ id: house.id }]);
    await server.ds.getRepository(User).update(resident.id, { name: '王芳', phone: '13900001111' });
    residentToken = await loginResident(server, RESIDENT_CODE);

    const tech = await f.staff('technician', company.id, [community.id]);
    await server.ds.getRepository(User).update(tech.id, { name: '李师傅' });
    await server.ds.getRepository(TechnicianSkill).save({ userId: tech.id, category: 'plumbing', level: 5 });
    techUsername = tech.username!;
    techToken = await loginStaff(server, tech);
    const supervisor = await f.staff('supervisor', company.id, [community.id]);
    supervisorUsername = supervisor.username!;
    supervisorToken = await loginStaff(server, supervisor);
    const desk = await f.staff('desk', company.id, [community.id]);
    await server.ds.getRepository(User).update(desk.id, { name: '周客服' });
    deskUsername = desk.username!;
    deskId = desk.id;
    houseId = house.id;

    // The community's price list: a part and the labour to fit it.
    await server.ds.getRepository(PriceItem).save([
      {
        companyId: company.id,
        communityId: community.id,
        category: 'plumbing',
        kind: 'material',
        name: '角阀',
        unit: '个',
        priceFen: 3500,
        sortOrder: 0,
      },
      {
        companyId: company.id,
        communityId: null,
        category: 'plumbing',
        kind: 'labour',
        name: '更换角阀',
        unit: '次',
        priceFen: 5000,
        sortOrder: 1,
      },
    ]);

    const filed = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房角阀漏水', houseId: house.id, priority: 'P3' },
      { token: residentToken },
    );
    expect(filed.status).toBe(201);
    orderId = filed.body.id;
    orderNo = filed.body.no;
    await eventually('routing to 李师傅', async () => (await get(orderId)).assignee?.id === tech.id);

    phone = await launchPhone();
    page = phone.page;
    contract.page(page);
    page.setDefaultTimeout(15000);
  });

  afterAll(async () => {
    if (phone?.problems.length) console.log(`browser errors:\n${phone.problems.join('\n')}`);
    await phone?.close();
    await server?.close();
  });

  step('the technician arrives and quotes from the price list, one line off it with a reason', async () => {
    await staffLogin(page, server.url, techUsername, QUEUE);
    await tap(visible(page, `[aria-label="工单 ${orderNo}"]`));
    await pageShown(page, STAFF_ORDER);
    for (const [action, status] of [
      ['接单', '已接单'],
      ['到达', '维修中'],
    ]) {
      await tap(visibleText(page, action));
      await visibleText(page, status).waitFor();
    }
    await tap(visibleText(page, '报价'));
    // Two valves and the fitting from the list.
    await tap(visible(page, '[aria-label="添加 角阀"]'));
    await tap(visible(page, '[aria-label="添加 角阀"]'));
    await tap(visible(page, '[aria-label="添加 更换角阀"]'));
    // Off the list: its name, price, unit and the reason the resident will read.
    await visible(page, '[aria-label="项目名称"] input, input[aria-label="项目名称"]').fill('拆装橱柜');
    await visible(page, '[aria-label="人工金额"] input, input[aria-label="人工金额"]').fill('30');
    await visible(page, '[aria-label="标准外原因"] input, input[aria-label="标准外原因"]').fill('角阀在橱柜后面');
    await tap(visibleText(page, '添加项目'));
    // 2 × 35 + 50 + 30 = 150 yuan.
    await eventually(
      'the total',
      async () => (await visible(page, '[data-testid="quote-total"]').textContent()) === '¥150.00',
    );
    await tap(visibleText(page, '提交报价'));
    await visibleText(page, '待住户确认').waitFor();
    await visibleText(page, /处理时限已暂停/, false).waitFor();

    const o = await get(orderId);
    expect(o.status).toBe('quoted');
    expect(o.quote).toMatchObject({ state: 'resident', totalFen: 15000, flaggedCount: 1 });
    expect(
      o.quote.items.map((i: { name: string; amountFen: number; flag: string | null }) => [i.name, i.amountFen, i.flag]),
    ).toEqual([
      ['角阀', 7000, null],
      ['更换角阀', 5000, null],
      ['拆装橱柜', 3000, 'off_list'],
    ]);
    // While the resident decides, the resolve clock stands still.
    const clocks = (await server.api.get(`/work-orders/${orderId}/sla`, { token: supervisorToken })).body;
    expect(clocks.find((c: { stage: string }) => c.stage === 'resolve')).toMatchObject({
      status: 'paused',
      pauseReason: 'quote_resident',
    });
  });

  step('the resident reads each line beside the list price, with the flag and its reason, and approves', async () => {
    await residentLogin();
    await openRoute(page, server.url, `${DETAIL}?id=${orderId}`);
    const quote = visible(page, '[aria-label="维修报价"]');
    await quote.waitFor();
    await visibleText(page, '收费标准 ¥35.00/个').waitFor();
    await visibleText(page, '收费标准中没有此项').waitFor();
    await visibleText(page, '收费标准外').waitFor();
    await visibleText(page, '师傅说明：角阀在橱柜后面').waitFor();
    await expect(visible(page, '.quote-total-amount').textContent()).resolves.toBe('¥150.00');
    await screenshot(page, 'priced-quote-review', { keep: true });
    await tap(visibleText(page, '同意报价，继续维修'));
    await visibleText(page, '已同意').waitFor();
    expect((await get(orderId)).quote).toMatchObject({ state: 'approved', approved: true });
  });

  step('the technician bills what was used: one valve fewer, never above the quote', async () => {
    await staffLogin(page, server.url, techUsername, QUEUE);
    await tap(visible(page, `[aria-label="工单 ${orderNo}"]`));
    await pageShown(page, STAFF_ORDER);
    await visibleText(page, '住户已同意').waitFor();
    await tap(visibleText(page, '完工'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tap(visibleText(page, '拍照/相册'))]);
    await chooser.setFiles({ name: 'fixed.png', mimeType: 'image/png', buffer: leakPhotoPng() });
    await visible(page, '.photo-img').waitFor();
    await eventually('the photo upload to finish', async () => (await page.locator('.photo-state').count()) === 0);
    // The form starts at the quoted quantities; one more valve would exceed the approved quote.
    await expect(visible(page, '[data-testid="bill-total"]').textContent()).resolves.toBe('¥150.00');
    await tap(visible(page, '[aria-label="增加 角阀"]'));
    await tap(visibleText(page, '确认完工'));
    await visibleText(page, '账单不能超过住户已同意的报价，如需增加请重新报价').waitFor();
    await tap(visible(page, '[aria-label="减少 角阀"]'));
    await tap(visible(page, '[aria-label="减少 角阀"]'));
    await expect(visible(page, '[data-testid="bill-total"]').textContent()).resolves.toBe('¥115.00');
    await tap(visibleText(page, '确认完工'));
    await visibleText(page, '已完工').waitFor();
    await visible(page, '[aria-label="维修账单"]').waitFor();

    const o = await get(orderId);
    expect(o.status).toBe('completed');
    expect(o.bill).toMatchObject({ status: 'unpaid', totalFen: 11500, dueFen: 11500, approvedQuoteFen: 15000 });
    expect(o.bill.lines.map((l: { name: string; quantity: number }) => [l.name, l.quantity])).toEqual([
      ['角阀', 1],
      ['更换角阀', 1],
      ['拆装橱柜', 1],
    ]);
  });

  step('the resident sees the bill on the order; it cannot close while unpaid', async () => {
    await residentLogin();
    await openRoute(page, server.url, `${DETAIL}?id=${orderId}`);
    const bill = visible(page, '[aria-label="维修账单"]');
    await bill.waitFor();
    await visibleText(page, '待支付').waitFor();
    await expect(visible(page, '[data-testid="bill-total"]').textContent()).resolves.toBe('¥115.00');
    await screenshot(page, 'priced-quote-bill', { keep: true });
    const confirm = await server.api.post(
      `/work-orders/${orderId}/transitions`,
      { action: 'confirm' },
      { token: residentToken },
    );
    expect([confirm.status, confirm.body.code]).toEqual([409, 'BILL_UNPAID']);
    // PAY (docs/payments.md) continues here: 去支付 through the fake WeChat Pay -> the receipt ->
    // the rating that closes the order.
  });

  step('console: the supervisor sees the flagged line and the bill; the desk waives a bill with a reason', async () => {
    const desktop = await launchDesktop();
    try {
      const screen = desktop.page;
      screen.setDefaultTimeout(15000);
      await loginThroughForm(screen, server.url, supervisorUsername, STAFF_PASSWORD);
      await screen.goto(`${server.url}/work-orders/${orderId}`);
      const fees = screen.getByTestId('order-fees');
      await fees.waitFor();
      await expect(screen.getByTestId('quote-flagged').textContent()).resolves.toContain('1 项');
      await screen.getByText('角阀在橱柜后面').waitFor();
      await expect(screen.getByTestId('order-bill').getAttribute('data-status')).resolves.toBe('unpaid');

      // A second repair, quoted from the list, approved and billed through the API.
      const filed = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '卫生间角阀漏水', houseId, priority: 'P3' },
        { token: residentToken },
      );
      const second = filed.body.id as number;
      await eventually('routing of the second order', async () => (await get(second)).assignee !== null);
      const techAct = async (body: object) => {
        const withPhoto = await withCompletionPhoto(server, techToken, body as { action: string });
        const res = await server.api.post(`/work-orders/${second}/transitions`, withPhoto, { token: techToken });
        expect([res.status, res.body.code]).toEqual([200, undefined]);
      };
      for (const action of ['accept', 'arrive']) await techAct({ action });
      const list = (
        await server.api.get(`/price-list?communityId=${(await get(second)).communityId}`, { token: techToken })
      ).body;
      await techAct({ action: 'quote', quoteItems: [{ priceItemId: list[0].id, quantity: 1 }] });
      const ok = await server.api.post(
        `/work-orders/${second}/transitions`,
        { action: 'approve_quote' },
        { token: residentToken },
      );
      expect(ok.status).toBe(200);
      await techAct({ action: 'complete', bill: { lines: [{ line: 0, quantity: 1 }] } });

      // The desk signs in on the same browser: forget the supervisor's session first.
      await screen.evaluate(() => {
        localStorage.clear();
        sessionStorage.clear();
      });
      await loginThroughForm(screen, server.url, deskUsername, STAFF_PASSWORD);
      await screen.goto(`${server.url}/work-orders/${second}`);
      await screen.getByTestId('bill-waive').click();
      await screen.getByTestId('fees-reason').fill('老旧管线由物业承担');
      await screen.getByRole('button', { name: '确认减免' }).click();
      await screen.getByTestId('bill-waived').waitFor();
      await expect(screen.getByTestId('bill-waived').textContent()).resolves.toContain('老旧管线由物业承担');
      const waived = await get(second);
      expect(waived.bill).toMatchObject({
        status: 'waived',
        waivedReason: '老旧管线由物业承担',
        waivedBy: { id: deskId },
      });
      // Settled: the resident may close it now.
      const closed = await server.api.post(
        `/work-orders/${second}/transitions`,
        { action: 'confirm' },
        { token: residentToken },
      );
      expect([closed.status, closed.body.status]).toEqual([200, 'closed']);
    } finally {
      if (desktop.problems.length) console.log(`console errors:\n${desktop.problems.join('\n')}`);
      await desktop.close();
    }
  });
});
