import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, TEST_SMS, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { SMS_SENDER, type SmsSender } from '../notifications/sms-sender.js';
import { SMS_CODE_RULES, SmsCodesService } from './sms-codes.service.js';
import { SMS_MAX_ATTEMPTS, smsBackoffMs } from './sms-worker.service.js';
import { SmsCode, SmsCodeQuota, SmsMessage } from './sms.entities.js';

describe(`SMS: verification codes and the provider queue (${TEST_DB})`, () => {
  let server: TestServer;
  let codes: SmsCodesService;
  let clock: Clock;
  let runner: JobRunner;
  let phoneSeq = 0;
  /** A phone no other test used (the limits are per phone). */
  const nextPhone = () => `1390000${String(1000 + ++phoneSeq).slice(-4)}`;
  const messages = () => server.ds.getRepository(SmsMessage).find({ order: { id: 'ASC' } });
  const lastMessage = async () => (await messages()).at(-1)!;
  /** Send the queue and read the code the phone received. */
  const receive = async (phone: string) => {
    await runner.tick();
    const code = server.sms.lastCodeFor(phone);
    if (!code) throw new Error(`no code reached ${phone}`);
    return code;
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SMS: 'aliyun' } });
    codes = server.app.get(SmsCodesService);
    clock = server.app.get(Clock);
    runner = server.app.get(JobRunner);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    // Each test starts with an empty queue (earlier tests leave codes they never sent).
    await server.ds.getRepository(SmsMessage).clear();
    server.sms.reset();
  });

  it('POST /api/sms/codes queues a code (202) and the worker sends it through the provider', async () => {
    const phone = nextPhone();
    const res = await server.api.post('/sms/codes', { phone, purpose: 'bind' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ expiresInSeconds: 300, resendInSeconds: 60 });
    // Nothing was sent during the request: the message waits in the queue.
    expect(server.sms.sentMessages()).toEqual([]);
    expect(await lastMessage()).toMatchObject({
      kind: 'code',
      status: 'pending',
      templateCode: TEST_SMS.templates.code,
    });

    const code = await receive(phone);
    expect(code).toMatch(/^\d{6}$/);
    expect(server.sms.sentMessages()[0]).toMatchObject({
      phone,
      templateCode: TEST_SMS.templates.code,
      signName: '邻里物业',
    });
    const sent = await lastMessage();
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, phone: null, params: null, errorCode: null });
    expect(sent.bizId).toBe(server.sms.sentMessages()[0].bizId);
    expect(sent.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(sent.phoneHash).not.toContain(phone);

    expect(await codes.verify(phone, 'bind', code)).toBe(true);
    // Single use.
    expect(await codes.verify(phone, 'bind', code)).toBe(false);
  });

  it('stores neither the phone nor the code in the clear', async () => {
    const phone = nextPhone();
    await codes.send(phone, 'login');
    const code = await receive(phone);
    const rows = await server.ds.getRepository(SmsCode).find();
    const quota = await server.ds.getRepository(SmsCodeQuota).find();
    const dump = JSON.stringify([rows, quota, await messages()]);
    expect(dump).not.toContain(phone);
    expect(dump).not.toContain(`"${code}"`);
    expect(rows.at(-1)!.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compares codes in constant time over hashes (timingSafeEqual), never with ===', () => {
    const source = readFileSync(new URL('./sms-codes.service.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(given, stored\)/);
    expect(source).not.toMatch(/codeHash\s*===|===\s*live\.codeHash|code\s*===\s*code/);
  });

  it('a code is for its phone and purpose only', async () => {
    const phone = nextPhone();
    await codes.send(phone, 'bind');
    const code = await receive(phone);
    expect(await codes.verify(phone, 'login', code)).toBe(false);
    expect(await codes.verify(nextPhone(), 'bind', code)).toBe(false);
    expect(await codes.verify(phone, 'bind', code)).toBe(true);
  });

  it('one send per 60 s per phone: SMS_CODE_TOO_SOON with Retry-After, then again after a minute', async () => {
    const phone = nextPhone();
    expect((await server.api.post('/sms/codes', { phone, purpose: 'bind' })).status).toBe(202);
    const again = await server.api.post('/sms/codes', { phone, purpose: 'login' });
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('SMS_CODE_TOO_SOON');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(59_000);
    await expect(codes.send(phone, 'bind')).rejects.toMatchObject({ code: 'SMS_CODE_TOO_SOON' });
    clock.advance(2_000);
    await expect(codes.send(phone, 'bind')).resolves.toBeUndefined();
  });

  it('concurrent sends to one phone: exactly one gets through (one conditional UPDATE)', async () => {
    const phone = nextPhone();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => codes.send(phone, 'bind')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ code: 'SMS_CODE_TOO_SOON' });
    }
    expect((await messages()).filter((m) => m.kind === 'code')).toHaveLength(1);
  });

  it('10 sends per phone in 24 hours: the 11th is SMS_CODE_DAILY_LIMIT, the next window allows again', async () => {
    const phone = nextPhone();
    for (let i = 0; i < SMS_CODE_RULES.perDay; i++) {
      await codes.send(phone, 'bind');
      clock.advance(61_000);
    }
    await expect(codes.send(phone, 'bind')).rejects.toMatchObject({ code: 'SMS_CODE_DAILY_LIMIT' });
    clock.advance(12 * 3600_000);
    await expect(codes.send(phone, 'bind')).rejects.toMatchObject({ code: 'SMS_CODE_DAILY_LIMIT' });
    clock.advance(12 * 3600_000);
    await expect(codes.send(phone, 'bind')).resolves.toBeUndefined();
  });

  it('5 tries: four wrong guesses leave the right code working, five kill it', async () => {
    const p1 = nextPhone();
    await codes.send(p1, 'bind');
    const c1 = await receive(p1);
    const wrong = c1 === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) expect(await codes.verify(p1, 'bind', wrong)).toBe(false);
    expect(await codes.verify(p1, 'bind', c1)).toBe(true);

    const p2 = nextPhone();
    await codes.send(p2, 'bind');
    const c2 = await receive(p2);
    for (let i = 0; i < SMS_CODE_RULES.maxTries; i++) expect(await codes.verify(p2, 'bind', wrong)).toBe(false);
    expect(await codes.verify(p2, 'bind', c2)).toBe(false);
  });

  it('expires after 5 minutes (the injectable clock); a newer code replaces the older one', async () => {
    const phone = nextPhone();
    await codes.send(phone, 'bind');
    const first = await receive(phone);
    clock.advance(61_000);
    await codes.send(phone, 'bind');
    server.sms.reset();
    const second = await receive(phone);
    if (first !== second) expect(await codes.verify(phone, 'bind', first)).toBe(false);
    clock.advance(SMS_CODE_RULES.ttlSeconds * 1000 + 1000);
    expect(await codes.verify(phone, 'bind', second)).toBe(false);
  });

  it('validates the request and limits each client address', async () => {
    for (const body of [{ phone: '12345', purpose: 'bind' }, { phone: nextPhone(), purpose: 'spam' }, {}]) {
      const res = await server.api.post('/sms/codes', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    let limited = 0;
    for (let i = 0; i < 12; i++) {
      const res = await server.api.post('/sms/codes', { phone: nextPhone(), purpose: 'login' });
      if (res.status === 429 && res.body.code === 'RATE_LIMITED') limited++;
    }
    expect(limited).toBeGreaterThan(0);
  });

  it('retriable provider errors back off exponentially through the job runner, then send', async () => {
    const phone = nextPhone();
    await codes.send(phone, 'login');
    server.sms.failNext('isp.SYSTEM_ERROR');
    server.sms.failNext('hang_up');
    await runner.tick();
    let m = await lastMessage();
    expect(m).toMatchObject({ status: 'pending', attempts: 1, errorCode: 'isp.SYSTEM_ERROR' });
    expect(new Date(m.nextAttemptAt).getTime() - clock.now().getTime()).toBeGreaterThan(smsBackoffMs(1) - 2000);
    // Not due yet: nothing happens.
    await runner.tick();
    expect((await lastMessage()).attempts).toBe(1);
    clock.advance(smsBackoffMs(1));
    await runner.tick();
    m = await lastMessage();
    expect(m).toMatchObject({ status: 'pending', attempts: 2, errorCode: 'network' });
    clock.advance(smsBackoffMs(1));
    await runner.tick();
    expect((await lastMessage()).status).toBe('pending'); // the second backoff is twice as long
    clock.advance(smsBackoffMs(2));
    await runner.tick();
    expect(await lastMessage()).toMatchObject({ status: 'sent', attempts: 3, errorCode: null });
    expect(server.sms.lastCodeFor(phone)).toMatch(/^\d{6}$/);
  });

  it('a permanent refusal fails at once and is never retried', async () => {
    const phone = nextPhone();
    await codes.send(phone, 'login');
    server.sms.failNext('isv.MOBILE_NUMBER_ILLEGAL');
    await runner.tick();
    expect(await lastMessage()).toMatchObject({
      status: 'failed',
      attempts: 1,
      errorCode: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    clock.advance(3600_000);
    await runner.tick();
    expect(await lastMessage()).toMatchObject({ status: 'failed', attempts: 1, phone: null, params: null });
    expect(server.sms.sentMessages()).toEqual([]);
  });

  it(`gives up after ${SMS_MAX_ATTEMPTS} retriable failures; a code past its expiry is not sent`, async () => {
    const sender = server.app.get<SmsSender>(SMS_SENDER);
    await sender.send(nextPhone(), '【邻里】x：y', {
      title: '师傅已出发',
      body: '工单 HY-1 水管漏水',
      companyId: null,
    });
    server.sms.failNext('isp.SYSTEM_ERROR', SMS_MAX_ATTEMPTS);
    for (let i = 1; i <= SMS_MAX_ATTEMPTS; i++) {
      await runner.tick();
      clock.advance(smsBackoffMs(i));
    }
    expect(await lastMessage()).toMatchObject({ kind: 'order', status: 'failed', attempts: SMS_MAX_ATTEMPTS });

    const phone = nextPhone();
    await codes.send(phone, 'bind');
    server.sms.failNext('isp.SYSTEM_ERROR');
    await runner.tick();
    clock.advance(SMS_CODE_RULES.ttlSeconds * 1000 + 1000);
    await runner.tick();
    expect(await lastMessage()).toMatchObject({ status: 'failed', errorCode: 'expired' });
    expect(server.sms.sentMessages()).toEqual([]);
  });

  it('logs neither the AccessKey secret, nor a full phone, nor a code', async () => {
    const lines: string[] = [];
    const capture = (m: unknown, ...rest: unknown[]) => void lines.push([m, ...rest].map(String).join(' '));
    const spies = (['log', 'warn', 'error', 'debug', 'verbose'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation(capture),
    );
    const phone = nextPhone();
    try {
      await codes.send(phone, 'bind');
      server.sms.failNext('isv.AMOUNT_NOT_ENOUGH');
      await runner.tick();
      clock.advance(61_000);
      await codes.send(phone, 'bind');
      await runner.tick();
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    const code = server.sms.lastCodeFor(phone)!;
    expect(lines.join('\n')).toMatch(/failed for good/); // the capture works
    for (const secret of [TEST_SMS.accessKeySecret, phone, code]) expect(lines.join('\n')).not.toContain(secret);
  });

  describe('order notices and the staff list', () => {
    let w: World;
    beforeAll(async () => {
      w = await buildWorld(server);
    });

    it('an order notice goes out through the order template; admins list their company’s SMS only', async () => {
      const sender = server.app.get<SmsSender>(SMS_SENDER);
      const phone = nextPhone();
      await sender.send(phone, '【邻里】师傅已接单：…', {
        title: '师傅已接单',
        body: '工单 HY-20261127-0007 水管漏水 海月花园 1栋1单元101，王师傅',
        companyId: w.companyA.id,
      });
      await sender.send(nextPhone(), '【邻里】B', { title: '乙公司', body: '乙', companyId: w.companyB.id });
      await runner.tick();
      const sent = server.sms.sentMessages().find((m) => m.phone === phone)!;
      expect(sent.templateCode).toBe(TEST_SMS.templates.order);
      expect(sent.params.title).toBe('师傅已接单');
      expect([...sent.params.content].length).toBeLessThanOrEqual(35);

      const admin = await loginStaff(server, w.staff.adminA);
      const list = await server.api.get('/sms/messages?pageSize=50', { token: admin });
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: { phone: string }) => i.phone)).toEqual([
        `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      ]);
      expect(list.body.items[0]).toMatchObject({ kind: 'order', status: 'sent', attempts: 1 });
      const desk = await loginStaff(server, w.staff.deskA1);
      expect((await server.api.get('/sms/messages', { token: desk })).status).toBe(403);
    });
  });
});
