import { FakeWechatServer, type FakeFailure, type FakeWechatOptions } from './fake-wechat-server.js';
import {
  MemoryAccessTokenCache,
  WechatApiClient,
  WechatApiError,
  type WechatApiClientOptions,
  type WechatErrorKind,
} from './wechat-api.client.js';

const APPID = 'wxtestapp';
const SECRET = 'test-secret-do-not-leak';
const TEMPLATES = {
  tmplStatus: { character_string1: 'character_string', thing2: 'thing', phrase3: 'phrase' },
} as const;
const STATUS_DATA = { character_string1: 'BX20250101-0001', thing2: '厨房水龙头漏水', phrase3: '已派单' };

/** The rejection of `p` as a WechatApiError (fails the test if it resolves or throws something else). */
async function wechatError(p: Promise<unknown>): Promise<WechatApiError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(WechatApiError);
  return outcome as WechatApiError;
}

describe('WechatApiClient against the fake WeChat server', () => {
  let fake: FakeWechatServer;
  let baseUrl: string;
  let clock: number;

  async function start(opts: Partial<FakeWechatOptions> = {}): Promise<void> {
    await fake?.close();
    fake = new FakeWechatServer({ appid: APPID, secret: SECRET, templates: TEMPLATES, now: () => clock, ...opts });
    baseUrl = (await fake.listen()).url;
  }

  function client(opts: Partial<WechatApiClientOptions> = {}): WechatApiClient {
    return new WechatApiClient({ baseUrl, appid: APPID, secret: SECRET, timeoutMs: 2000, now: () => clock, ...opts });
  }

  beforeEach(async () => {
    clock = 1_800_000_000_000;
    await start();
  });
  afterEach(async () => fake.close());

  describe('code2Session', () => {
    it('returns the stable openid and never the session_key', async () => {
      const wx = client();
      const first = await wx.code2Session('resident1');
      expect(first).toEqual({ openid: fake.openidFor('resident1') });
      expect(await wx.code2Session('resident1')).toEqual(first);
      expect((await wx.code2Session('resident2')).openid).not.toBe(first.openid);
    });

    it('passes the unionid on when WeChat gives one', async () => {
      await start({ unionid: true });
      expect(await client().code2Session('resident1')).toEqual({
        openid: fake.openidFor('resident1'),
        unionid: expect.stringMatching(/^o/),
      });
    });

    it('reports a reused single-use code as invalid_code', async () => {
      await start({ singleUse: true });
      const wx = client();
      await wx.code2Session('code-once');
      const err = await wechatError(wx.code2Session('code-once'));
      expect(err).toMatchObject({ kind: 'invalid_code', errcode: 40029, operation: 'code2Session' });
      expect(err.retryable).toBe(false);
    });

    it('rejects an empty code without calling WeChat', async () => {
      expect(await wechatError(client().code2Session(''))).toMatchObject({ kind: 'invalid_code', errcode: null });
      expect(fake.requestCount('jscode2session')).toBe(0);
    });

    it.each<[FakeFailure, number, WechatErrorKind]>([
      ['busy', -1, 'busy'],
      ['rate_limit', 45011, 'rate_limited'],
      ['invalid_code', 40029, 'invalid_code'],
      ['blocked', 40226, 'blocked'],
      [40163, 40163, 'invalid_code'],
      [99999, 99999, 'unavailable'],
    ])('maps injected failure %s (errcode %d) to %s', async (failure, errcode, kind) => {
      fake.failNext('jscode2session', failure);
      expect(await wechatError(client().code2Session('resident1'))).toMatchObject({ kind, errcode });
    });

    it('maps the real 45011 rate limit after 100 logins in a minute', async () => {
      const wx = client();
      // Ten at a time: 100 connections at once can outlast the 2 s timeout on a loaded machine.
      for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 10 }, () => wx.code2Session('eager')));
      expect(await wechatError(wx.code2Session('eager'))).toMatchObject({ kind: 'rate_limited', errcode: 45011 });
    });

    it.each<[string, Partial<WechatApiClientOptions>, number]>([
      ['a wrong appid', { appid: 'wxwrong' }, 40013],
      ['a wrong secret', { secret: 'wrong' }, 40125],
    ])('reports %s as config', async (_label, opts, errcode) => {
      expect(await wechatError(client(opts).code2Session('resident1'))).toMatchObject({ kind: 'config', errcode });
    });

    it('reports HTTP 502, a dropped connection and a closed port as unavailable', async () => {
      const wx = client();
      fake.failNext('jscode2session', 'bad_gateway');
      expect(await wechatError(wx.code2Session('x'))).toMatchObject({ kind: 'unavailable', errcode: null });
      fake.failNext('jscode2session', 'hang_up');
      expect(await wechatError(wx.code2Session('x'))).toMatchObject({ kind: 'unavailable', message: /network error/ });
      await fake.close();
      const err = await wechatError(wx.code2Session('x'));
      expect(err).toMatchObject({ kind: 'unavailable' });
      expect(err.retryable).toBe(true);
    });

    it('reports an answer that is not JSON as unavailable', async () => {
      const wx = client({ fetch: () => Promise.resolve(new Response('<html>maintenance</html>', { status: 200 })) });
      expect(await wechatError(wx.code2Session('x'))).toMatchObject({ kind: 'unavailable', message: /not JSON/ });
    });

    it('gives up on a slow server within the timeout', async () => {
      fake.setDelay(5000, 'jscode2session');
      const started = Date.now();
      const err = await wechatError(client({ timeoutMs: 200 }).code2Session('slow'));
      const elapsed = Date.now() - started;
      expect(err).toMatchObject({ kind: 'unavailable', message: /no answer within 200 ms/ });
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(1500);
    });

    it('keeps the secret and session_key out of errors', async () => {
      fake.failNext('jscode2session', 'busy');
      const err = await wechatError(client().code2Session('x'));
      const dump = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
      expect(dump).not.toContain(SECRET);
      expect(dump).not.toContain('session_key');
    });
  });

  describe('access token', () => {
    it('makes one token call for 10 concurrent callers and serves later calls from the cache', async () => {
      const wx = client();
      const tokens = await Promise.all(Array.from({ length: 10 }, () => wx.getAccessToken()));
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0].length).toBeGreaterThanOrEqual(100);
      expect(fake.requestCount('token')).toBe(1);
      clock += 6000 * 1000;
      expect(await wx.getAccessToken()).toBe(tokens[0]);
      expect(fake.requestCount('token')).toBe(1);
    });

    it('fetches a new token 5 minutes before expiry', async () => {
      const wx = client();
      const t1 = await wx.getAccessToken();
      clock += (7200 - 300) * 1000;
      const t2 = await wx.getAccessToken();
      expect(t2).not.toBe(t1);
      expect(fake.requestCount('token')).toBe(2);
    });

    it('force refresh gets a new token', async () => {
      const wx = client();
      const t1 = await wx.getAccessToken();
      const t2 = await wx.getAccessToken(true);
      expect(t2).not.toBe(t1);
      expect(await wx.getAccessToken()).toBe(t2);
    });

    it('shares a token between clients through an injected cache', async () => {
      const cache = new MemoryAccessTokenCache();
      const t1 = await client({ tokenCache: cache }).getAccessToken();
      expect(await client({ tokenCache: cache }).getAccessToken()).toBe(t1);
      expect(fake.requestCount('token')).toBe(1);
      expect(await cache.get()).toEqual({ token: t1, expiresAt: clock + 7200 * 1000 });
    });

    it('lets every concurrent caller see one failure, then recovers', async () => {
      const wx = client();
      fake.failNext('token', 'busy');
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => wx.getAccessToken()));
      expect(results.every((r) => r.status === 'rejected' && (r.reason as WechatApiError).kind === 'busy')).toBe(true);
      expect(fake.requestCount('token')).toBe(1);
      expect(await wx.getAccessToken()).toEqual(expect.any(String));
    });

    it('reports a wrong secret as config', async () => {
      expect(await wechatError(client({ secret: 'wrong' }).getAccessToken())).toMatchObject({
        kind: 'config',
        errcode: 40001,
        operation: 'getAccessToken',
      });
    });
  });

  describe('sendSubscribeMessage', () => {
    let openid: string;

    beforeEach(async () => {
      openid = (await client().code2Session('resident1')).openid;
    });

    const message = (): Parameters<WechatApiClient['sendSubscribeMessage']>[0] => ({
      touser: openid,
      templateId: 'tmplStatus',
      page: 'pages/order/index?id=7',
      data: STATUS_DATA,
      miniprogramState: 'developer',
    });

    it('sends once per granted subscription, then reports refused', async () => {
      const wx = client();
      fake.grantSubscription(openid, 'tmplStatus', 1);
      const { msgid } = await wx.sendSubscribeMessage(message());
      const err = await wechatError(wx.sendSubscribeMessage(message()));
      expect(err).toMatchObject({ kind: 'refused', errcode: 43101, operation: 'sendSubscribeMessage' });

      const sent = fake.sentMessages();
      expect(sent).toEqual([
        {
          msgid,
          touser: openid,
          template_id: 'tmplStatus',
          page: 'pages/order/index?id=7',
          miniprogram_state: 'developer',
          data: {
            character_string1: { value: 'BX20250101-0001' },
            thing2: { value: '厨房水龙头漏水' },
            phrase3: { value: '已派单' },
          },
          at: clock,
        },
      ]);
      // WeChat's 64-bit msgid arrives intact (a JSON number would be rounded).
      expect(msgid).toMatch(/^\d{19}$/);
      expect(BigInt(msgid) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    });

    it('refreshes an expired token once and retries', async () => {
      const wx = client();
      fake.grantSubscription(openid, 'tmplStatus', 1);
      const t1 = await wx.getAccessToken();
      fake.expireTokens();
      await wx.sendSubscribeMessage(message());
      expect(fake.sentMessages()).toHaveLength(1);
      expect(fake.requestCount('send')).toBe(2);
      expect(fake.requestCount('token')).toBe(2);
      expect(await wx.getAccessToken()).not.toBe(t1);
    });

    it('refreshes only once when several sends find the token rejected', async () => {
      const wx = client();
      fake.grantSubscription(openid, 'tmplStatus', 3);
      await wx.getAccessToken();
      fake.expireTokens();
      await Promise.all([1, 2, 3].map(() => wx.sendSubscribeMessage(message())));
      expect(fake.sentMessages()).toHaveLength(3);
      expect(fake.requestCount('token')).toBe(2);
    });

    it('retries once after 40001 and gives up as config if the new token is rejected too', async () => {
      const wx = client();
      fake.grantSubscription(openid, 'tmplStatus', 2);
      fake.failNext('send', 'token_invalid');
      await wx.sendSubscribeMessage(message());
      expect(fake.requestCount('send')).toBe(2);

      clock += 60_000; // past WeChat's 30 s between force refreshes
      fake.failNext('send', 'token_expired', 2);
      const err = await wechatError(wx.sendSubscribeMessage(message()));
      expect(err).toMatchObject({ kind: 'config', errcode: 42001 });
      expect(fake.requestCount('send')).toBe(4);
      expect(fake.subscriptionsLeft(openid, 'tmplStatus')).toBe(1);
    });

    it.each<[string, Record<string, unknown>, number]>([
      [
        'a thing over 20 characters',
        { data: { ...STATUS_DATA, thing2: '一二三四五六七八九十一二三四五六七八九十一' } },
        47003,
      ],
      ['a missing key', { data: { character_string1: 'BX1', thing2: '漏水' } }, 47003],
      ['an unknown openid', { touser: 'oXXXXXXXXXXXXXXXXXXXXXXXXXXX' }, 40003],
      ['an unknown template', { templateId: 'tmplNope' }, 40037],
    ])('reports %s as invalid', async (_label, patch, errcode) => {
      fake.grantSubscription(openid, 'tmplStatus', 1);
      const err = await wechatError(client().sendSubscribeMessage({ ...message(), ...patch }));
      expect(err).toMatchObject({ kind: 'invalid', errcode });
      expect(fake.sentMessages()).toEqual([]);
    });

    it('accepts WeChat-shaped { value } data too', async () => {
      fake.grantSubscription(openid, 'tmplStatus', 1);
      const data = Object.fromEntries(Object.entries(STATUS_DATA).map(([k, v]) => [k, { value: v }]));
      await client().sendSubscribeMessage({ touser: openid, templateId: 'tmplStatus', data });
      expect(fake.sentMessages()[0].data).toEqual(data);
    });

    it('reports a slow send as unavailable', async () => {
      fake.grantSubscription(openid, 'tmplStatus', 1);
      const wx = client({ timeoutMs: 200 });
      await wx.getAccessToken();
      fake.setDelay(3000, 'send');
      expect(await wechatError(wx.sendSubscribeMessage(message()))).toMatchObject({ kind: 'unavailable' });
    });
  });

  describe('getPhoneNumber', () => {
    it('gives the phone WeChat vouches for, once per code', async () => {
      const wx = client();
      const code = fake.phoneCode('13800001234');
      expect(await wx.getPhoneNumber(code)).toEqual({
        phoneNumber: '13800001234',
        purePhoneNumber: '13800001234',
        countryCode: '86',
      });
      expect(await wechatError(wx.getPhoneNumber(code))).toMatchObject({ kind: 'invalid_code', errcode: 40029 });
    });

    it('reports an expired or unknown code as invalid_code, and an empty one without calling WeChat', async () => {
      const wx = client();
      const code = fake.phoneCode('+8613800001234');
      clock += 5 * 60_000;
      expect(await wechatError(wx.getPhoneNumber(code))).toMatchObject({ kind: 'invalid_code', errcode: 40029 });
      expect(await wechatError(wx.getPhoneNumber('never-issued'))).toMatchObject({ kind: 'invalid_code' });
      const calls = fake.requestCount('phone');
      expect(await wechatError(wx.getPhoneNumber(''))).toMatchObject({ kind: 'invalid_code', errcode: null });
      expect(fake.requestCount('phone')).toBe(calls);
    });

    it('gives numbers outside the mainland with their country code', async () => {
      expect(await client().getPhoneNumber(fake.phoneCode('+85261234567'))).toEqual({
        phoneNumber: '+85261234567',
        purePhoneNumber: '61234567',
        countryCode: '852',
      });
    });

    it('refreshes an expired token once and retries', async () => {
      const wx = client();
      const t1 = await wx.getAccessToken();
      fake.expireTokens();
      expect((await wx.getPhoneNumber(fake.phoneCode('13800001234'))).purePhoneNumber).toBe('13800001234');
      expect(fake.requestCount('phone')).toBe(2);
      expect(await wx.getAccessToken()).not.toBe(t1);
    });

    it('gives up as config when the new token is rejected too', async () => {
      fake.failNext('phone', 'token_invalid', 2);
      const err = await wechatError(client().getPhoneNumber(fake.phoneCode('13800001234')));
      expect(err).toMatchObject({ kind: 'config', errcode: 40001, operation: 'getPhoneNumber' });
    });

    it.each<[FakeFailure, WechatErrorKind]>([
      ['busy', 'busy'],
      [40013, 'config'],
      ['rate_limit', 'rate_limited'],
      ['bad_gateway', 'unavailable'],
    ])('maps %s to %s', async (failure, kind) => {
      fake.failNext('phone', failure);
      expect(await wechatError(client().getPhoneNumber(fake.phoneCode('13800001234')))).toMatchObject({ kind });
    });

    it('refuses an answer whose watermark names another appid', async () => {
      const other = new FakeWechatServer({ appid: 'wxother', secret: SECRET, now: () => clock });
      const url = (await other.listen()).url;
      try {
        // A token of the other app, used by a client configured with ours: the answer's watermark
        // names the other app.
        const wx = new WechatApiClient({ baseUrl: url, appid: 'wxother', secret: SECRET, now: () => clock });
        const token = await wx.getAccessToken();
        const mismatched = new WechatApiClient({
          baseUrl: url,
          appid: APPID,
          secret: SECRET,
          now: () => clock,
          tokenCache: {
            get: () => Promise.resolve({ token, expiresAt: clock + 3_600_000 }),
            set: () => Promise.resolve(),
          },
        });
        const err = await wechatError(mismatched.getPhoneNumber(other.phoneCode('13800001234')));
        expect(err).toMatchObject({ kind: 'config', operation: 'getPhoneNumber' });
      } finally {
        await other.close();
      }
    });

    it('reports a slow answer as unavailable', async () => {
      const wx = client({ timeoutMs: 200 });
      await wx.getAccessToken();
      fake.setDelay(3000, 'phone');
      expect(await wechatError(wx.getPhoneNumber(fake.phoneCode('13800001234')))).toMatchObject({
        kind: 'unavailable',
      });
    });
  });
});
