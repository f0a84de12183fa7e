import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { FakeAliyunSmsServer } from './fake-aliyun-sms-server.js';
import {
  AliyunSmsClient,
  canonicalQuery,
  LoggingSmsProvider,
  percentEncode,
  signRpc,
  SmsProviderError,
} from './sms-provider.js';

const KEYS = { accessKeyId: 'LTAIunit', accessKeySecret: 'unit-secret', signName: '邻里物业' };
const TEMPLATES = { code: 'SMS_300000001', order: 'SMS_300000002' };

describe('Alibaba Cloud RPC signature (version 1.0)', () => {
  it('percent-encodes as RFC 3986 wants (space %20, * %2A, ~ kept)', () => {
    expect(percentEncode("a b*c~d/e+f!'()")).toBe('a%20b%2Ac~d%2Fe%2Bf%21%27%28%29');
    expect(percentEncode('邻')).toBe('%E9%82%BB');
  });

  it("matches the documented DescribeRegions example (secret 'testsecret')", () => {
    const params = {
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Version: '2014-05-26',
      Timestamp: '2016-02-23T12:46:24Z',
    };
    expect(canonicalQuery(params)).toBe(
      'AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26',
    );
    expect(signRpc('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('signs GET&%2F&encode(sorted query) with secret + "&" and leaves Signature out', () => {
    const params = { b: '2', a: '1 *', Signature: 'ignored' };
    const sts = 'GET&%2F&' + percentEncode('a=1%20%2A&b=2');
    expect(signRpc('GET', params, 's')).toBe(createHmac('sha1', 's&').update(sts).digest('base64'));
  });

  it('a SendSms request carries every documented parameter', () => {
    const client = new AliyunSmsClient({ endpoint: 'http://x', ...KEYS, templates: TEMPLATES, timeoutMs: 1000 });
    const p = client.signedParams(
      { phone: '13800138000', templateCode: 'SMS_300000001', params: { code: '482913' }, outId: '7' },
      'nonce-1',
      new Date('2026-12-07T08:09:10.123Z'),
    );
    expect(p).toMatchObject({
      AccessKeyId: 'LTAIunit',
      Action: 'SendSms',
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'nonce-1',
      SignatureVersion: '1.0',
      Timestamp: '2026-12-07T08:09:10Z',
      Version: '2017-05-25',
      PhoneNumbers: '13800138000',
      SignName: '邻里物业',
      TemplateCode: 'SMS_300000001',
      TemplateParam: '{"code":"482913"}',
      OutId: '7',
    });
    expect(p.Signature).toBe(signRpc('GET', p, 'unit-secret'));
  });
});

describe('the client against the fake provider', () => {
  const fake = new FakeAliyunSmsServer({
    ...KEYS,
    templates: { [TEMPLATES.code]: ['code'], [TEMPLATES.order]: ['title', 'content'] },
  });
  let endpoint = '';
  const client = (secret = KEYS.accessKeySecret, keyId = KEYS.accessKeyId) =>
    new AliyunSmsClient({
      endpoint,
      ...KEYS,
      accessKeyId: keyId,
      accessKeySecret: secret,
      templates: TEMPLATES,
      timeoutMs: 2000,
    });
  const code = (phone: string, params: Record<string, string> = { code: '123456' }) => ({
    phone,
    templateCode: TEMPLATES.code,
    params,
  });
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (e instanceof SmsProviderError) return { code: e.code, retriable: e.retriable };
      throw e;
    }
    throw new Error('expected a failure');
  };

  beforeAll(async () => {
    endpoint = (await fake.listen(0)).url;
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('round trip: accepted, BizId and RequestId back, the message recorded', async () => {
    const ok = await client().send({ ...code('13800138000', { code: '482913' }), outId: '42' });
    expect(ok.bizId).toMatch(/\S/);
    expect(ok.requestId).toMatch(/\S/);
    expect(fake.sentMessages()).toEqual([
      expect.objectContaining({
        phone: '13800138000',
        templateCode: TEMPLATES.code,
        params: { code: '482913' },
        signName: '邻里物业',
        outId: '42',
        bizId: ok.bizId,
      }),
    ]);
    expect(fake.lastCodeFor('13800138000')).toBe('482913');
  });

  it('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidAccessKeyId.NotFound: permanent', async () => {
    expect(await failure(client('wrong-secret').send(code('13800138001')))).toEqual({
      code: 'SignatureDoesNotMatch',
      retriable: false,
    });
    expect(await failure(client(undefined, 'LTAIother').send(code('13800138001')))).toEqual({
      code: 'InvalidAccessKeyId.NotFound',
      retriable: false,
    });
    expect(fake.sentMessages()).toEqual([]);
  });

  it('checks the number, the template and its parameters', async () => {
    expect(await failure(client().send(code('12345')))).toEqual({
      code: 'isv.MOBILE_NUMBER_ILLEGAL',
      retriable: false,
    });
    expect(await failure(client().send(code('13800138002', {})))).toEqual({
      code: 'isv.TEMPLATE_MISSING_PARAMETERS',
      retriable: false,
    });
    expect(
      await failure(client().send({ phone: '13800138002', templateCode: 'SMS_999', params: { code: '1' } })),
    ).toEqual({ code: 'isv.SMS_TEMPLATE_ILLEGAL', retriable: false });
  });

  it('per-number flow control: 1 a minute, 5 an hour, 10 a day -> isv.BUSINESS_LIMIT_CONTROL (retriable)', async () => {
    let now = Date.parse('2026-12-07T00:00:00Z');
    const timed = new FakeAliyunSmsServer({
      ...KEYS,
      templates: { [TEMPLATES.code]: ['code'] },
      now: () => now,
    });
    const url = (await timed.listen(0)).url;
    const c = new AliyunSmsClient(
      { endpoint: url, ...KEYS, templates: TEMPLATES, timeoutMs: 2000 },
      () => new Date(now),
    );
    try {
      await c.send(code('13900139000'));
      expect(await failure(c.send(code('13900139000')))).toEqual({
        code: 'isv.BUSINESS_LIMIT_CONTROL',
        retriable: true,
      });
      // Another number is not limited.
      await c.send(code('13900139001'));
      for (let i = 0; i < 4; i++) {
        now += 61_000;
        await c.send(code('13900139000'));
      }
      now += 61_000;
      expect((await failure(c.send(code('13900139000')))).code).toBe('isv.BUSINESS_LIMIT_CONTROL'); // 6th in the hour
      for (let i = 0; i < 5; i++) {
        now += 3_600_000;
        await c.send(code('13900139000'));
      }
      now += 3_600_000;
      expect((await failure(c.send(code('13900139000')))).code).toBe('isv.BUSINESS_LIMIT_CONTROL'); // 11th in the day
      now += 24 * 3_600_000;
      await c.send(code('13900139000'));
    } finally {
      await timed.close();
    }
  });

  it('refuses a reused nonce and a timestamp more than 15 minutes off', async () => {
    const c = client();
    const params = c.signedParams(code('13800138003'), 'same-nonce');
    const get = (p: Record<string, string>) =>
      fetch(`${endpoint}/?${new URLSearchParams(p).toString()}`).then((r) => r.json() as Promise<{ Code: string }>);
    expect((await get(params)).Code).toBe('OK');
    expect((await get(params)).Code).toBe('SignatureNonceUsed');
    const old = c.signedParams(code('13800138004'), 'n2', new Date(Date.now() - 16 * 60_000));
    expect((await get(old)).Code).toBe('InvalidTimeStamp.Expired');
  });

  it('failNext: system errors and a broken transport are retriable, a balance problem is not', async () => {
    fake.failNext('isp.SYSTEM_ERROR');
    expect(await failure(client().send(code('13800138005')))).toEqual({ code: 'isp.SYSTEM_ERROR', retriable: true });
    fake.failNext('bad_gateway');
    expect(await failure(client().send(code('13800138005')))).toEqual({ code: 'http_502', retriable: true });
    fake.failNext('hang_up');
    expect(await failure(client().send(code('13800138005')))).toEqual({ code: 'network', retriable: true });
    fake.failNext('isv.AMOUNT_NOT_ENOUGH');
    expect(await failure(client().send(code('13800138005')))).toEqual({
      code: 'isv.AMOUNT_NOT_ENOUGH',
      retriable: false,
    });
    await client().send(code('13800138005'));
    expect(fake.sentMessages()).toHaveLength(1);
  });
});

describe('LINLI_SMS=log', () => {
  it('logs the template with the phone masked and a verification code hidden', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((m: unknown) => void lines.push(String(m)));
    try {
      await new LoggingSmsProvider().send({ phone: '13800138000', templateCode: 'SMS_1', params: { code: '482913' } });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(['SMS to 138****8000: SMS_1 {"code":"******"}']);
  });
});
