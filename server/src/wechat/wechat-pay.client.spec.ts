import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeWechatServer } from './fake-wechat-server.js';
import { NotificationRejected, WechatPayClient, WechatPayError, type WechatPayConfig } from './wechat-pay.client.js';
import {
  decryptResource,
  encryptResource,
  payMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
} from './wechat-pay.crypto.js';
import {
  DEMO_MERCHANT_PRIVATE_KEY,
  DEMO_MERCHANT_PUBLIC_KEY,
  DEMO_PAY,
  DEMO_PLATFORM_PUBLIC_KEY,
} from './wechat-pay.demo-keys.js';

const APPID = 'wxpaytest';

describe('WeChat Pay v3 client against the fake', () => {
  const fake = new FakeWechatServer({ appid: APPID, secret: 's', pay: { retryDelaysMs: [10, 10] } });
  let notifyServer: Server;
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  let answerStatus = 204;
  let config: WechatPayConfig;
  let client: WechatPayClient;

  beforeAll(async () => {
    const { url } = await fake.listen(0);
    notifyServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answerStatus).end();
      });
    });
    await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
    config = {
      apiBase: url,
      appid: APPID,
      mchid: DEMO_PAY.mchid,
      merchantSerial: DEMO_PAY.merchantSerial,
      privateKeyPem: DEMO_MERCHANT_PRIVATE_KEY,
      apiV3Key: DEMO_PAY.apiV3Key,
      platformSerial: DEMO_PAY.platformSerial,
      platformPublicKeyPem: DEMO_PLATFORM_PUBLIC_KEY,
      notifyUrl: `http://127.0.0.1:${(notifyServer.address() as AddressInfo).port}/notify`,
      timeoutMs: 2000,
    };
    client = new WechatPayClient(config, { retryDelayMs: 5 });
  });

  afterAll(async () => {
    await fake.close();
    await new Promise((r) => notifyServer.close(r));
  });

  beforeEach(() => {
    received.length = 0;
    answerStatus = 204;
  });

  it('prepays, signs requestPayment, and the notification verifies and decrypts to the paid order', async () => {
    const prepayId = await client.prepay({
      outTradeNo: 'T0001aaaa',
      description: '维修费',
      totalFen: 12345,
      openid: 'oUser1',
    });
    expect(prepayId).toMatch(/^wx/);
    // The same out_trade_no and body again: the same prepay_id.
    expect(
      await client.prepay({ outTradeNo: 'T0001aaaa', description: '维修费', totalFen: 12345, openid: 'oUser1' }),
    ).toBe(prepayId);
    const params = client.requestPaymentParams(prepayId);
    expect(params).toMatchObject({ appId: APPID, package: `prepay_id=${prepayId}`, signType: 'RSA' });
    const msg = payMessage(APPID, params.timeStamp, params.nonceStr, params.package);
    expect(rsaVerify(createPublicKey(DEMO_MERCHANT_PUBLIC_KEY), msg, params.paySign)).toBe(true);

    expect((await client.queryByOutTradeNo('T0001aaaa')).trade_state).toBe('NOTPAY');
    fake.pay.userPays(prepayId);
    await fake.pay.settled();
    expect(received).toHaveLength(1);
    const n = client.verifyNotification(received[0].headers, received[0].body);
    expect(n.kind).toBe('transaction');
    expect(n.eventType).toBe('TRANSACTION.SUCCESS');
    expect(n.resource).toMatchObject({ out_trade_no: 'T0001aaaa', trade_state: 'SUCCESS', amount: { total: 12345 } });
    expect((await client.queryByOutTradeNo('T0001aaaa')).trade_state).toBe('SUCCESS');
  });

  it('refuses a tampered body, another serial, a stale timestamp, a forged key and a broken ciphertext', async () => {
    const prepayId = await client.prepay({
      outTradeNo: 'T0002aaaa',
      description: '维修费',
      totalFen: 500,
      openid: 'oU',
    });
    fake.pay.dropNotifications(1);
    fake.pay.userPays(prepayId);
    const n = fake.pay.paymentNotification('T0002aaaa');
    const reason = (h: Record<string, string>, body: string) => {
      try {
        client.verifyNotification(h, body);
        return 'accepted';
      } catch (e) {
        return (e as NotificationRejected).reason;
      }
    };
    expect(reason(n.headers, n.body)).toBe('accepted');
    expect(reason(n.headers, n.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCEZ"'))).toBe('signature');
    expect(reason({ ...n.headers, 'wechatpay-serial': 'OTHER' }, n.body)).toBe('serial');
    expect(reason({ ...n.headers, 'wechatpay-timestamp': String(Math.floor(Date.now() / 1000) - 301) }, n.body)).toBe(
      'timestamp',
    );
    expect(reason({ ...n.headers, 'wechatpay-signature': undefined as unknown as string }, n.body)).toBe('signature');
    // Signed with another key pair: as good as a forgery.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ts = n.headers['wechatpay-timestamp'];
    const nonce = n.headers['wechatpay-nonce'];
    const forged = rsaSign(other.privateKey, responseMessage(ts, nonce, n.body));
    expect(reason({ ...n.headers, 'wechatpay-signature': forged }, n.body)).toBe('signature');
    // A ciphertext changed by one character fails the GCM tag, even with a valid outer signature.
    const body = JSON.parse(n.body) as { resource: { ciphertext: string } };
    const c = body.resource.ciphertext;
    body.resource.ciphertext = (c[0] === 'A' ? 'B' : 'A') + c.slice(1);
    expect(() => decryptResource(DEMO_PAY.apiV3Key, body.resource as never)).toThrow();
    const enc = encryptResource(DEMO_PAY.apiV3Key, '{"x":1}', 'transaction');
    expect(decryptResource(DEMO_PAY.apiV3Key, enc)).toBe('{"x":1}');
    expect(() => decryptResource('x'.repeat(32), enc)).toThrow();
  });

  it('the fake refuses a request signed with another key (SIGN_ERROR) and maps WeChat errors', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bad = new WechatPayClient(
      { ...config, privateKeyPem: other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      { retryDelayMs: 1 },
    );
    await expect(bad.queryByOutTradeNo('T0001aaaa')).rejects.toMatchObject({ code: 'SIGN_ERROR', status: 401 });
    await expect(client.queryByOutTradeNo('NOSUCH0001')).rejects.toMatchObject({
      code: 'ORDER_NOT_EXIST',
      status: 404,
    });
    await expect(
      client.prepay({ outTradeNo: 'T0003aaaa', description: '维修费', totalFen: 0, openid: 'oU' }),
    ).rejects.toMatchObject({ code: 'PARAM_ERROR' });
    // SYSTEM_ERROR twice, then the same out_trade_no goes through on the third try.
    fake.pay.failNext('prepay', 'SYSTEM_ERROR', 2);
    const id = await client.prepay({ outTradeNo: 'T0004aaaa', description: '维修费', totalFen: 300, openid: 'oU' });
    expect(id).toMatch(/^wx/);
    fake.pay.failNext('query', 'SYSTEM_ERROR', 3);
    const err = await client.queryByOutTradeNo('T0004aaaa').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayError);
    expect((err as WechatPayError).retryable).toBe(true);
  });

  it('refunds up to the paid total; beyond it NOT_ENOUGH; the refund notification decrypts', async () => {
    const prepayId = await client.prepay({
      outTradeNo: 'T0005aaaa',
      description: '维修费',
      totalFen: 1000,
      openid: 'oU',
    });
    fake.pay.userPays(prepayId);
    await fake.pay.settled();
    received.length = 0;
    const r1 = await client.refund({ outTradeNo: 'T0005aaaa', outRefundNo: 'R0005a', refundFen: 600, totalFen: 1000 });
    expect(r1.status).toBe('PROCESSING');
    // The same out_refund_no again is the same refund, not a second one.
    expect(
      (await client.refund({ outTradeNo: 'T0005aaaa', outRefundNo: 'R0005a', refundFen: 600, totalFen: 1000 }))
        .refund_id,
    ).toBe(r1.refund_id);
    await expect(
      client.refund({ outTradeNo: 'T0005aaaa', outRefundNo: 'R0005b', refundFen: 401, totalFen: 1000 }),
    ).rejects.toMatchObject({ code: 'NOT_ENOUGH' });
    await new Promise((r) => setTimeout(r, 60));
    await fake.pay.settled();
    const n = received.map((x) => client.verifyNotification(x.headers, x.body)).find((x) => x.kind === 'refund');
    expect(n?.resource).toMatchObject({ out_refund_no: 'R0005a', refund_status: 'SUCCESS', amount: { refund: 600 } });
    expect((await client.queryRefund('R0005a')).status).toBe('SUCCESS');
  });

  it('the cashier page (H5 preview) shows the amount, loads its script from its own origin, and pays', async () => {
    const prepayId = await client.prepay({
      outTradeNo: 'T0007aaaa',
      description: '维修费',
      totalFen: 9000,
      openid: 'oU',
    });
    const base = config.apiBase;
    const page = await fetch(
      `${base}/fake/pay/cashier?prepay_id=${prepayId}&return=${encodeURIComponent('http://h5.test/#/x?id=1')}`,
    );
    const html = await page.text();
    expect(html).toContain('¥90.00');
    expect(html).toContain('<script src="cashier.js"></script>');
    expect(html).not.toMatch(/<script>/);
    expect(html).toContain('data-return="http://h5.test/#/x?id=1"');
    const js = await fetch(`${base}/fake/pay/cashier.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    const paid = await fetch(`${base}/fake/pay/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prepay_id: prepayId }),
    });
    expect(paid.status).toBe(200);
    expect((await client.queryByOutTradeNo('T0007aaaa')).trade_state).toBe('SUCCESS');
    // A return address that is not http(s) is dropped.
    const evil = await (
      await fetch(`${base}/fake/pay/cashier?prepay_id=${prepayId}&return=javascript:alert(1)`)
    ).text();
    expect(evil).toContain('data-return=""');
    await fake.pay.settled();
  });

  it('retries a notification until it is acknowledged', async () => {
    const prepayId = await client.prepay({
      outTradeNo: 'T0006aaaa',
      description: '维修费',
      totalFen: 100,
      openid: 'oU',
    });
    answerStatus = 500;
    fake.pay.userPays(prepayId);
    await new Promise((r) => setTimeout(r, 5));
    answerStatus = 200;
    await fake.pay.settled();
    const attempts = fake.pay.deliveryAttempts().filter((a) => a.outTradeNo === 'T0006aaaa');
    expect(attempts.at(-1)?.status).toBe(200);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
  });
});
