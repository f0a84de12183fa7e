// Paying a repair in Chromium: the real server and H5 build, the fake WeChat (with its WeChat Pay
// part) on its own port. Staff work the order through the API: a quote from the price list, the
// resident's approval, the bill at completion. The resident's phone then pays through the fake
// WeChat Pay cashier (the H5 stand-in for wx.requestPayment), opens the electronic receipt and
// rates the repair, which closes the order only now that the bill is paid (docs/payments.md).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatFen } from '@linli/shared';
import { Factory, loginResident, loginStaff, STAFF_PASSWORD } from '../../server/src/testing/factories.js';
import { withCompletionPhoto } from '../../server/src/testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { PriceItem } from '../../server/src/modules/price-list/price-item.entity.js';
import { TechnicianSkill } from '../../server/src/modules/staff/staff.entities.js';
import {
  assertPrerequisites,
  eventually,
  H5_DIR,
  pageShown,
  screenshot,
  tap,
  visible,
  visibleText,
} from './support/browser.js';
import { CONSOLE_DIR, loginThroughForm } from './support/console.js';
import { Devices, type Device } from './support/journey.js';
import { openRoute } from './support/staff.js';

const RESIDENT_CODE = 'e2e-pay-resident';
const ORDER_PAGE = '/subpackages/orders/detail/index';
const RECEIPT_PAGE = '/subpackages/orders/receipt/index';

describe(`paying a repair bill in Chromium (${TEST_DB})`, () => {
  let server: TestServer;
  let devices: Devices;
  let resident: Device;
  let orderId: number;
  let deskToken: string;
  let supervisorName: string;

  beforeAll(async () => {
    assertPrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR, LINLI_CONSOLE_DIR: CONSOLE_DIR } });
    server.config.wechatPay.notifyUrl = `${server.url}/api/payments/wechat/notify`;
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'PAY');
    const house = await f.house(community.id);
    const tech = await f.staff('technician', company.id, [community.id]);
    await server.ds.getRepository(TechnicianSkill).save({ userId: tech.id, category: 'plumbing', level: 4 });
    const desk = await f.staff('desk', company.id, [community.id]);
    const supervisor = await f.staff('supervisor', company.id, [community.id]);
    supervisorName = supervisor.username!;
    await f.resident(server, RESIDENT_CODE, [{ id: house.id }]);
    const valve = await server.ds.getRepository(PriceItem).save({
      companyId: company.id,
      communityId: community.id,
      category: 'plumbing',
      kind: 'material',
      name: '角阀',
      unit: '个',
      priceFen: 4500,
      sortOrder: 0,
    });

    const residentToken = await loginResident(server, RESIDENT_CODE);
    deskToken = await loginStaff(server, desk);
    const techToken = await loginStaff(server, tech);
    const act = async (token: string, body: { action: string } & Record<string, unknown>) => {
      const res = await server.api.post(
        `/work-orders/${orderId}/transitions`,
        await withCompletionPhoto(server, token, body),
        { token },
      );
      if (res.status !== 200) throw new Error(`${body.action}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '角阀漏水（支付测试）', houseId: house.id },
      { token: residentToken },
    );
    expect(created.status).toBe(201);
    orderId = created.body.id;
    if ((await server.api.get(`/work-orders/${orderId}`, { token: deskToken })).body.status !== 'assigned') {
      await act(deskToken, { action: 'assign', assigneeId: tech.id });
    }
    await act(techToken, { action: 'accept' });
    await act(techToken, { action: 'arrive' });
    await act(techToken, { action: 'quote', quoteItems: [{ priceItemId: valve.id, quantity: 2 }] });
    await act(residentToken, { action: 'approve_quote' });
    await act(techToken, { action: 'complete', bill: { lines: [{ line: 0, quantity: 2 }] } });

    devices = await Devices.launch();
    resident = await devices.phone('resident');
  }, 90_000);

  afterAll(async () => {
    for (const d of devices?.all ?? []) {
      if (d.problems.length) console.log(`${d.name}: browser problems:\n${d.problems.join('\n')}`);
    }
    await devices?.close();
    await server?.close();
  });

  it('pays the bill through the WeChat Pay cashier, opens the receipt and rates the repair', async () => {
    const page = resident.page;
    await openRoute(page, server.url, '/pages/login/index');
    await visible(page, '.login input').fill(RESIDENT_CODE);
    await tap(visibleText(page, '登录'));
    await visibleText(page, '选择要报修的问题').waitFor();
    await openRoute(page, server.url, `${ORDER_PAGE}?id=${orderId}`);
    await pageShown(page, ORDER_PAGE);
    await visibleText(page, '维修账单').waitFor();

    // The cashier (the fake WeChat Pay's page) shows what is due; 确认支付 is the payer's tap.
    await tap(visible(page, '[data-testid="pay-bill"]'));
    await page.waitForURL(/\/fake\/pay\/cashier/);
    await expect(page.getByTestId('cashier-amount').textContent()).resolves.toBe('¥90.00');
    await screenshot(page, 'payment-cashier');
    await page.locator('#pay').click();
    // Back on the order once paid; the bill reads paid only after WeChat's notification.
    await page.waitForURL(/\/h5\//);
    await eventually('the bill to be paid', async () => {
      const res = await server.api.get(`/work-orders/${orderId}`, { token: deskToken });
      return res.body.bill?.status === 'paid' ? true : null;
    });
    await pageShown(page, ORDER_PAGE);
    await tap(visible(page, '[data-testid="open-receipt"]'));
    await pageShown(page, RECEIPT_PAGE);
    await expect(visible(page, '[data-testid="receipt-net"]').textContent()).resolves.toBe(formatFen(9000));
    await visibleText(page, '微信支付').waitFor();
    await screenshot(page, 'payment-receipt');

    // The ledger has the one payment.
    const payments = await server.api.get('/payments', { token: deskToken });
    expect(payments.body.filter((p: { orderId: number }) => p.orderId === orderId)).toEqual([
      expect.objectContaining({ method: 'wechat', status: 'paid', amountFen: 9000 }),
    ]);

    // Paid: the rating may now close the order.
    await openRoute(page, server.url, `${ORDER_PAGE}?id=${orderId}`);
    await tap(visibleText(page, '修好了，去评价'));
    await visibleText(page, '总体评价（必选）').waitFor();
    await tap(visibleText(page, '修好了'));
    await tap(visible(page, '[aria-label="总体评价 5 星"]'));
    await tap(visibleText(page, '提交评价'));
    const closed = await eventually('the order to close', async () => {
      const res = await server.api.get(`/work-orders/${orderId}`, { token: deskToken });
      return res.body.status === 'closed' ? res.body : null;
    });
    expect(closed.bill).toMatchObject({ status: 'paid', paidFen: 9000 });
  });
  it('a supervisor refunds part of it in the console; the day reconciliation adds up to the ledger', async () => {
    const desktop = await devices.desktop('supervisor');
    const page = desktop.page;
    await loginThroughForm(page, server.url, supervisorName, STAFF_PASSWORD);
    await page.getByTestId('side-menu').getByText('费用收款').click();
    await page.getByRole('tab', { name: '收款记录' }).click();
    const payment = (await server.api.get('/payments', { token: deskToken })).body[0] as { id: number };
    await page.getByTestId(`refund-${payment.id}`).click();
    await page.getByLabel('退款金额（元）').fill('20');
    await page.getByLabel('退款原因').fill('少用一个配件');
    await page.getByRole('button', { name: '确认退款' }).click();
    await page.getByText('退款已提交，等待微信支付处理').waitFor();
    // WeChat (the fake) finishes the refund and notifies.
    await eventually('the refund to succeed', async () => {
      const res = await server.api.get('/payments/refunds', { token: deskToken });
      return res.body[0]?.status === 'success' ? true : null;
    });
    await page.getByRole('tab', { name: '退款记录' }).click();
    await page.getByTestId('fees-refunds').getByText('已退款').waitFor();

    await page.getByRole('tab', { name: '每日对账' }).click();
    await expect(page.getByTestId('reconciliation-total').textContent()).resolves.toBe(formatFen(9000 - 2000));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('reconciliation-csv').click(),
    ]);
    const csv = Buffer.concat((await (await download.createReadStream()).toArray()) as Buffer[]).toString('utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines.at(-1)).toContain('70.00');
    await screenshot(page, 'payment-console-reconciliation');
    expect(desktop.problems).toEqual([]);
  });
});
