import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicKey } from 'node:crypto';
import { chinaDay, dayKeyToDate } from '@linli/shared';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { OrderBill } from '../billing/bill.entity.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { PriceItem } from '../price-list/price-item.entity.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { payMessage, responseMessage, rsaSign, rsaVerify } from '../../wechat/wechat-pay.crypto.js';
import { DEMO_MERCHANT_PUBLIC_KEY, DEMO_PLATFORM_PRIVATE_KEY } from '../../wechat/wechat-pay.demo-keys.js';
import { Payment, PaymentLedgerEntry, PaymentRefund } from './payment.entities.js';

/** Payments end to end over HTTP against the fake WeChat Pay (docs/payments.md). */
describe('payments', () => {
  let server: TestServer;
  let w: World;
  let resA1: string;
  let resA1b: string;
  let desk: string;
  let supervisor: string;

  beforeAll(async () => {
    server = await startTestServer();
    server.config.wechatPay.notifyUrl = `${server.url}/api/payments/wechat/notify`;
    w = await buildWorld(server);
    resA1 = await loginResident(server, 'code-res-a1');
    resA1b = await loginResident(server, 'code-res-a1b');
    desk = await loginStaff(server, w.staff.deskA1);
    supervisor = await loginStaff(server, w.staff.supervisorA1);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  /** A reported order of resA1 with an unpaid bill of `totalFen`. */
  async function billedOrder(totalFen: number): Promise<{ orderId: number; billId: number }> {
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `水管漏水，付费维修 ${totalFen}`, houseId: w.houseA1.id, priority: 'P3' },
      { token: resA1 },
    );
    expect(created.status).toBe(201);
    const bill = await server.ds.getRepository(OrderBill).save({
      companyId: w.companyA.id,
      communityId: w.a1.id,
      orderId: created.body.id,
      status: 'unpaid',
      totalFen,
      paidFen: 0,
      lines: [
        {
          priceItemId: null,
          name: '更换阀门',
          kind: 'material',
          unit: '个',
          unitPriceFen: totalFen,
          quantity: 1,
          amountFen: totalFen,
        },
      ],
      approvedQuoteFen: totalFen,
    });
    return { orderId: created.body.id, billId: bill.id };
  }

  async function snapshot(orderId: number) {
    const payments = await server.ds.getRepository(Payment).find({ where: { orderId }, order: { id: 'ASC' } });
    const ledger = await server.ds.getRepository(PaymentLedgerEntry).find({ where: { orderId }, order: { id: 'ASC' } });
    const refunds = await server.ds.getRepository(PaymentRefund).find({ where: { orderId } });
    const bill = await server.ds.getRepository(OrderBill).findOneByOrFail({ orderId });
    return JSON.stringify({ payments, ledger, refunds, bill: { status: bill.status, paidFen: bill.paidFen } });
  }

  async function payAndSettle(orderId: number) {
    const start = await server.api.post(`/work-orders/${orderId}/payments/wechat`, {}, { token: resA1 });
    expect(start.status).toBe(201);
    const prepayId = String(start.body.params.package).replace('prepay_id=', '');
    const outTradeNo = server.fake.pay.outTradeNoOf(prepayId)!;
    return { start, prepayId, outTradeNo };
  }

  it('starts a payment with signed requestPayment parameters; only the reporter or a fee approver pays', async () => {
    const { orderId } = await billedOrder(12_345);
    const start = await server.api.post(`/work-orders/${orderId}/payments/wechat`, {}, { token: resA1 });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({ amountFen: 12_345, params: { signType: 'RSA' } });
    const p = start.body.params;
    expect(
      rsaVerify(
        createPublicKey(DEMO_MERCHANT_PUBLIC_KEY),
        payMessage(p.appId, p.timeStamp, p.nonceStr, p.package),
        p.paySign,
      ),
    ).toBe(true);
    expect(start.body.cashierUrl).toContain('/fake/pay/cashier?prepay_id=');
    // Asked again: the same prepay, no second payment.
    const again = await server.api.post(`/work-orders/${orderId}/payments/wechat`, {}, { token: resA1 });
    expect(again.body.params.package).toBe(p.package);
    expect(await server.ds.getRepository(Payment).countBy({ orderId })).toBe(1);
    // Someone of another house does not even see the order.
    const other = await server.api.post(`/work-orders/${orderId}/payments/wechat`, {}, { token: resA1b });
    expect(other.status).toBe(404);
  });

  it('the whole path: quote from the list, approve, bill, no rating while unpaid, pay, receipt, rating closes', async () => {
    const tech = await loginStaff(server, w.staff.techA1);
    const act = async (token: string, id: number, body: object) =>
      server.api.post(
        `/work-orders/${id}/transitions`,
        await withCompletionPhoto(server, token, body as { action: string }),
        {
          token,
        },
      );
    const item = await server.ds.getRepository(PriceItem).save({
      companyId: w.companyA.id,
      communityId: w.a1.id,
      category: 'plumbing',
      kind: 'material',
      name: '角阀',
      unit: '个',
      priceFen: 4500,
      sortOrder: 0,
    });
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '角阀漏水，需要更换', houseId: w.houseA1.id, priority: 'P3' },
      { token: resA1 },
    );
    const id = created.body.id as number;
    expect((await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    for (const action of ['accept', 'arrive']) expect((await act(tech, id, { action })).status).toBe(200);
    expect((await act(tech, id, { action: 'quote', quoteItems: [{ priceItemId: item.id, quantity: 2 }] })).status).toBe(
      200,
    );
    expect((await act(resA1, id, { action: 'approve_quote' })).status).toBe(200);
    const done = await act(tech, id, { action: 'complete', bill: { lines: [{ line: 0, quantity: 2 }] } });
    expect(done.status).toBe(200);
    expect(await server.ds.getRepository(OrderBill).findOneByOrFail({ orderId: id })).toMatchObject({
      status: 'unpaid',
      totalFen: 9000,
    });
    // Unpaid: the order cannot close, so the rating is refused.
    const early = await server.api.post(`/work-orders/${id}/rating`, { stars: 5, fixed: true }, { token: resA1 });
    expect(early.status).toBe(409);

    const start = await server.api.post(`/work-orders/${id}/payments/wechat`, {}, { token: resA1 });
    expect(start.status).toBe(201);
    expect(start.body.amountFen).toBe(9000);
    server.fake.pay.userPays(String(start.body.params.package).replace('prepay_id=', ''));
    await server.fake.pay.settled();
    const detail = await server.api.get(`/work-orders/${id}`, { token: resA1 });
    expect(detail.body.bill).toMatchObject({ status: 'paid', paidFen: 9000 });
    const receipt = await server.api.get(`/work-orders/${id}/receipt`, { token: resA1 });
    expect(receipt.body).toMatchObject({
      netFen: 9000,
      lines: [expect.objectContaining({ name: '角阀', quantity: 2 })],
    });

    const rating = await server.api.post(`/work-orders/${id}/rating`, { stars: 5, fixed: true }, { token: resA1 });
    expect(rating.status).toBe(201);
    expect(rating.body.orderStatus).toBe('closed');
  });

  it('a notification delivered 10 times concurrently records one payment; the bill is paid', async () => {
    const { orderId } = await billedOrder(5_000);
    const { prepayId, outTradeNo } = await payAndSettle(orderId);
    server.fake.pay.dropNotifications(1);
    server.fake.pay.userPays(prepayId);
    const n = server.fake.pay.paymentNotification(outTradeNo);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => server.fake.pay.post(n)));
    expect(statuses.every((s) => s === 204)).toBe(true);
    const payments = await server.ds.getRepository(Payment).findBy({ orderId });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'paid', amountFen: 5_000, openKey: null });
    const paidRows = await server.ds.getRepository(PaymentLedgerEntry).findBy({ orderId, event: 'paid' });
    expect(paidRows).toHaveLength(1);
    expect(paidRows[0].amountFen).toBe(5_000);
    const bill = await server.ds.getRepository(OrderBill).findOneByOrFail({ orderId });
    expect(bill).toMatchObject({ status: 'paid', paidFen: 5_000 });
    // Paying a paid bill again is refused.
    const again = await server.api.post(`/work-orders/${orderId}/payments/wechat`, {}, { token: resA1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('BILL_NOT_PAYABLE');
    // The receipt shows it.
    const receipt = await server.api.get(`/work-orders/${orderId}/receipt`, { token: resA1 });
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ totalFen: 5_000, paidFen: 5_000, netFen: 5_000, billStatus: 'paid' });
    expect(receipt.body.payments).toHaveLength(1);
  });

  it('refuses forged, tampered, other-amount and other-order notifications and changes nothing', async () => {
    const { orderId } = await billedOrder(8_800);
    const { prepayId, outTradeNo } = await payAndSettle(orderId);
    server.fake.pay.dropNotifications(1);
    server.fake.pay.userPays(prepayId);
    const before = await snapshot(orderId);
    const good = server.fake.pay.paymentNotification(outTradeNo);
    const post = (headers: Record<string, string>, body: string) =>
      server.fake.pay.post({ url: good.url, headers: { ...good.headers, ...headers }, body });

    // Tampered body: the signature no longer covers it.
    expect(await post({}, good.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESX"'))).toBe(401);
    // Forged signature.
    expect(await post({ 'wechatpay-signature': Buffer.from('x'.repeat(256)).toString('base64') }, good.body)).toBe(401);
    // Unknown serial.
    expect(await post({ 'wechatpay-serial': 'NOT_THE_PLATFORM' }, good.body)).toBe(401);
    // Stale timestamp (a replay of an old capture).
    expect(await post({ 'wechatpay-timestamp': String(Math.floor(Date.now() / 1000) - 600) }, good.body)).toBe(401);
    // Correctly signed and encrypted, but another amount / another order.
    const otherAmount = server.fake.pay.paymentNotification(outTradeNo, { amount: { total: 1, currency: 'CNY' } });
    expect(await server.fake.pay.post(otherAmount)).toBe(400);
    const otherOrder = server.fake.pay.paymentNotification(outTradeNo, { out_trade_no: 'LP_NOT_OURS_0001' });
    expect(await server.fake.pay.post(otherOrder)).toBe(400);
    // A changed ciphertext: refused for the signature; and even validly signed (the platform key
    // in the wrong hands) it fails the AES-GCM tag without the APIv3 key.
    const parsed = JSON.parse(good.body) as { resource: { ciphertext: string } };
    const c = parsed.resource.ciphertext;
    parsed.resource.ciphertext = `${c[0] === 'A' ? 'B' : 'A'}${c.slice(1)}`; // always a change
    const tampered = JSON.stringify(parsed);
    expect(await post({}, tampered)).toBe(401);
    const ts = String(Math.floor(Date.now() / 1000));
    const resigned = rsaSign(DEMO_PLATFORM_PRIVATE_KEY, responseMessage(ts, 'N0NCE', tampered));
    expect(
      await post({ 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'N0NCE', 'wechatpay-signature': resigned }, tampered),
    ).toBe(400);

    expect(await snapshot(orderId)).toBe(before);
    // The genuine one is taken.
    expect(await server.fake.pay.post(good)).toBe(204);
    expect(JSON.parse(await snapshot(orderId)).bill).toEqual({ status: 'paid', paidFen: 8_800 });
  });

  it('heals a lost notification with the query on the next tick', async () => {
    const { orderId } = await billedOrder(3_300);
    const { prepayId } = await payAndSettle(orderId);
    server.fake.pay.dropNotifications(1);
    server.fake.pay.userPays(prepayId); // WeChat has the money; we never heard of it
    expect((await server.ds.getRepository(Payment).findOneByOrFail({ orderId })).status).toBe('pending');
    await server.ds
      .getRepository(ScheduledJob)
      .update({ kind: 'pay_query', status: 'pending' }, { dueAt: new Date(0) });
    await server.app.get(JobRunner).tick();
    expect((await server.ds.getRepository(Payment).findOneByOrFail({ orderId })).status).toBe('paid');
    expect(await server.ds.getRepository(OrderBill).findOneByOrFail({ orderId })).toMatchObject({
      status: 'paid',
      paidFen: 3_300,
    });
    expect(await server.ds.getRepository(PaymentLedgerEntry).countBy({ orderId, event: 'paid' })).toBe(1);
  });

  it('two refunds racing never exceed the payment; a replay after the refund changes nothing', async () => {
    const { orderId } = await billedOrder(1_000);
    const { prepayId, outTradeNo } = await payAndSettle(orderId);
    server.fake.pay.dropNotifications(1);
    server.fake.pay.userPays(prepayId);
    const original = server.fake.pay.paymentNotification(outTradeNo);
    expect(await server.fake.pay.post(original)).toBe(204);
    const payment = await server.ds.getRepository(Payment).findOneByOrFail({ orderId });

    // The desk may not refund; a supervisor may.
    const byDesk = await server.api.post(
      `/payments/${payment.id}/refunds`,
      { amountFen: 100, reason: '多收' },
      { token: desk },
    );
    expect(byDesk.status).toBe(403);
    const [a, b] = await Promise.all([
      server.api.post(
        `/payments/${payment.id}/refunds`,
        { amountFen: 600, reason: '材料未使用' },
        { token: supervisor },
      ),
      server.api.post(
        `/payments/${payment.id}/refunds`,
        { amountFen: 600, reason: '材料未使用' },
        { token: supervisor },
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('REFUND_EXCEEDS_PAID');
    const tooMuch = await server.api.post(
      `/payments/${payment.id}/refunds`,
      { amountFen: 401, reason: '再退' },
      { token: supervisor },
    );
    expect(tooMuch.status).toBe(409);

    // WeChat finishes the refund and notifies.
    for (let i = 0; i < 50; i++) {
      const r = await server.ds.getRepository(PaymentRefund).findOneByOrFail({ paymentId: payment.id });
      if (r.status === 'success') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await server.fake.pay.settled();
    const refund = await server.ds.getRepository(PaymentRefund).findOneByOrFail({ paymentId: payment.id });
    expect(refund.status).toBe('success');
    expect((await server.ds.getRepository(Payment).findOneByOrFail({ id: payment.id })).refundedFen).toBe(600);

    // The original payment notification replayed after the refund: nothing changes.
    const before = await snapshot(orderId);
    expect(await server.fake.pay.post(original)).toBe(204);
    expect(await server.fake.pay.post(server.fake.pay.paymentNotification(outTradeNo))).toBe(204);
    expect(await snapshot(orderId)).toBe(before);
    // The refund notification again: acknowledged, one refunded row.
    expect(await server.fake.pay.post(server.fake.pay.refundNotification(refund.outRefundNo))).toBe(204);
    const refunded = await server.ds.getRepository(PaymentLedgerEntry).findBy({ orderId, event: 'refunded' });
    expect(refunded.map((r) => r.amountFen)).toEqual([-600]);
  });

  it('records cash at the desk; the day reconciliation adds up to the ledger', async () => {
    const { orderId } = await billedOrder(2_000);
    const bad = await server.api.post(
      `/work-orders/${orderId}/payments/offline`,
      { method: 'cash', amountFen: 2_001 },
      { token: desk },
    );
    expect(bad.status).toBe(400);
    const cash = await server.api.post(
      `/work-orders/${orderId}/payments/offline`,
      { method: 'cash', amountFen: 2_000, reference: '收据 0001' },
      { token: desk },
    );
    expect(cash.status).toBe(201);
    expect(cash.body).toMatchObject({ method: 'cash', status: 'paid', amountFen: 2_000 });
    const refund = await server.api.post(
      `/payments/${cash.body.id}/refunds`,
      { amountFen: 500, reason: '少用一个配件' },
      { token: supervisor },
    );
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('success');

    const day = dayKeyToDate(chinaDay(new Date()));
    const json = await server.api.get(`/payments/reconciliation?date=${day}`, { token: supervisor });
    expect(json.status).toBe(200);
    const rows = await server.ds.getRepository(PaymentLedgerEntry).findBy({ companyId: w.companyA.id });
    const ledgerSum = rows.reduce((s, r) => s + r.amountFen, 0);
    expect(json.body.reduce((s: number, r: { amountFen: number }) => s + r.amountFen, 0)).toBe(ledgerSum);
    expect(json.body).toHaveLength(rows.length);

    const csv = await fetch(`${server.url}/api/payments/reconciliation?date=${day}&format=csv`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    const amounts = lines.slice(1, -1).map((l) => Math.round(Number(l.split(',')[4]) * 100));
    const total = Math.round(Number(lines.at(-1)!.split(',')[4]) * 100);
    expect(amounts.reduce((s, a) => s + a, 0)).toBe(total);
    expect(total).toBe(ledgerSum);

    const xlsx = await fetch(`${server.url}/api/payments/reconciliation?date=${day}&format=xlsx`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(xlsx.status).toBe(200);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    const totals = await server.api.get(`/payments/totals?from=${day}&to=${day}`, { token: supervisor });
    expect(totals.status).toBe(200);
    expect(totals.body.reduce((s: number, r: { netFen: number }) => s + r.netFen, 0)).toBe(ledgerSum);
    const lists = await Promise.all([
      server.api.get('/payments', { token: desk }),
      server.api.get('/payments/refunds', { token: desk }),
      server.api.get('/payments/unpaid-bills', { token: desk }),
    ]);
    expect(lists.map((l) => l.status)).toEqual([200, 200, 200]);
  });
});
