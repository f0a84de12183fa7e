import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FakeWechatServer, fakeOpenid, isFakeOpenid, type FakeWechatOptions } from './fake-wechat-server.js';

const APPID = 'wxtestapp';
const SECRET = 'test-secret';
const TEMPLATES = {
  tmplStatus: { character_string1: 'character_string', thing2: 'thing', phrase3: 'phrase', time4: 'time' },
  tmplFee: { amount1: 'amount', name2: 'name', phone_number3: 'phone_number', date4: 'date', number5: 'number' },
} as const;

type Json = Record<string, unknown>;

@Module({})
class EmptyModule {}

describe('FakeWechatServer', () => {
  let fake: FakeWechatServer;
  let base: string;
  let clock: number;

  async function start(opts: Partial<FakeWechatOptions> = {}): Promise<void> {
    await fake?.close();
    clock = 1_800_000_000_000;
    fake = new FakeWechatServer({ appid: APPID, secret: SECRET, templates: TEMPLATES, now: () => clock, ...opts });
    base = (await fake.listen()).url;
  }

  async function get(path: string): Promise<Json> {
    const res = await fetch(base + path);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  async function post(path: string, body: unknown): Promise<Json> {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Json;
  }

  function login(code: string, overrides: Record<string, string> = {}): Promise<Json> {
    const q = new URLSearchParams({
      appid: APPID,
      secret: SECRET,
      js_code: code,
      grant_type: 'authorization_code',
      ...overrides,
    });
    return get(`/sns/jscode2session?${q.toString()}`);
  }

  async function stableToken(extra: Json = {}): Promise<Json> {
    return post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APPID, secret: SECRET, ...extra });
  }

  async function token(): Promise<string> {
    const body = await stableToken();
    return body.access_token as string;
  }

  function send(accessToken: string, body: Json): Promise<Json> {
    return post(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`, body);
  }

  const statusData = {
    character_string1: { value: 'BX20250101-0001' },
    thing2: { value: '厨房水龙头漏水' },
    phrase3: { value: '已派单' },
    time4: { value: '2025年01月01日 15:01' },
  };

  beforeEach(async () => start());
  afterEach(async () => fake.close());

  describe('jscode2session', () => {
    it('answers a stable openid per code, a fresh session_key, and no errcode', async () => {
      const first = await login('resident1');
      expect(first).toEqual({ openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/), session_key: expect.any(String) });
      expect(first.openid).toBe(fakeOpenid(APPID, 'resident1'));
      const again = await login('resident1');
      expect(again.openid).toBe(first.openid);
      expect(again.session_key).not.toBe(first.session_key);
      expect((await login('resident2')).openid).not.toBe(first.openid);

      // Across restarts: a new instance gives the same openid; another app gives another.
      await start();
      expect((await login('resident1')).openid).toBe(first.openid);
      expect(fakeOpenid('wxotherapp', 'resident1')).not.toBe(first.openid);
      expect(await get('/fake/openid?code=resident1')).toEqual({ openid: first.openid });
    });

    it('includes a deterministic unionid when asked to', async () => {
      await start({ unionid: true });
      const a = await login('resident1');
      expect(a.unionid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
      expect((await login('resident1')).unionid).toBe(a.unionid);
    });

    it('rejects a wrong appid, secret, grant_type or a missing code', async () => {
      expect(await login('c', { appid: 'wxwrong' })).toMatchObject({ errcode: 40013 });
      expect(await login('c', { secret: 'wrong' })).toMatchObject({
        errcode: 40125,
        errmsg: expect.stringMatching(/^invalid appsecret/),
      });
      expect(await login('c', { grant_type: 'client_credential' })).toMatchObject({ errcode: 40002 });
      expect(await login('')).toMatchObject({ errcode: 41008 });
      const res = await fetch(`${base}/sns/jscode2session`, { method: 'POST' });
      expect(await res.json()).toMatchObject({ errcode: 43001 });
    });

    it('lets a code be reused when singleUse is off (the default)', async () => {
      for (let i = 0; i < 3; i++) expect(await login('resident1')).toHaveProperty('openid');
    });

    it('with singleUse, a code works once per issue and again after codeTtlMs', async () => {
      await start({ singleUse: true, codeTtlMs: 60_000 });
      expect(await login('resident1')).toHaveProperty('openid');
      expect(await login('resident1')).toMatchObject({
        errcode: 40029,
        errmsg: expect.stringMatching(/^invalid code/),
      });
      clock += 59_999;
      expect(await login('resident1')).toMatchObject({ errcode: 40029 });
      clock += 1;
      expect(await login('resident1')).toHaveProperty('openid');
    });

    it('without autoIssue, accepts only issued codes, once, until they expire', async () => {
      await start({ singleUse: true, autoIssue: false, codeTtlMs: 60_000 });
      expect(await login('never-issued')).toMatchObject({ errcode: 40029 });
      const { code, openid } = fake.issueCode();
      expect(await login(code)).toEqual({ openid, session_key: expect.any(String) });
      expect(await login(code)).toMatchObject({ errcode: 40029 });

      const issued = (await post('/fake/codes', { code: 'from-http' })) as { code: string; openid: string };
      expect(issued).toEqual({ code: 'from-http', openid: fakeOpenid(APPID, 'from-http') });
      clock += 60_000;
      expect(await login('from-http')).toMatchObject({ errcode: 40029 });
    });

    it('rate-limits 100 calls per user per minute with 45011', async () => {
      for (let i = 0; i < 100; i++) expect(await login('busy-user')).toHaveProperty('openid');
      expect(await login('busy-user')).toMatchObject({ errcode: 45011 });
      expect(await login('other-user')).toHaveProperty('openid');
      clock += 60_000;
      expect(await login('busy-user')).toHaveProperty('openid');
    });

    it('fails the next calls as told, then recovers', async () => {
      fake.failNext('jscode2session', 'busy', 2);
      fake.failNext('jscode2session', 40226);
      expect(await login('a')).toMatchObject({ errcode: -1 });
      expect(await login('a')).toMatchObject({ errcode: -1 });
      expect(await login('a')).toMatchObject({ errcode: 40226 });
      expect(await login('a')).toHaveProperty('openid');

      fake.failNext('jscode2session', 'rate_limit');
      fake.failNext('jscode2session', 'invalid_code');
      expect(await login('a')).toMatchObject({ errcode: 45011 });
      expect(await login('a')).toMatchObject({ errcode: 40029 });
      // Failures are per endpoint.
      fake.failNext('token', 'busy');
      expect(await login('a')).toHaveProperty('openid');
      expect(await stableToken()).toMatchObject({ errcode: -1 });
      expect(fake.requestCount('jscode2session')).toBe(7);
    });

    it('can answer 502 with HTML or drop the connection', async () => {
      fake.failNext('jscode2session', 'bad_gateway');
      const q = new URLSearchParams({ appid: APPID, secret: SECRET, js_code: 'x', grant_type: 'authorization_code' });
      const res = await fetch(`${base}/sns/jscode2session?${q.toString()}`);
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('Bad Gateway');
      fake.failNext('jscode2session', 'hang_up');
      await expect(fetch(`${base}/sns/jscode2session?${q.toString()}`)).rejects.toThrow();
    });

    it('answers after setDelay, and close() does not wait for delayed answers', async () => {
      fake.setDelay(300, 'jscode2session');
      const started = Date.now();
      expect(await login('slow')).toHaveProperty('openid');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);

      fake.setDelay(60_000);
      const stuck = login('slow').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 50));
      const closing = Date.now();
      await fake.close();
      expect(Date.now() - closing).toBeLessThan(1000);
      // fetch's TypeError comes from Node's realm, not Jest's: compare by name.
      expect(await stuck).toHaveProperty('message', 'fetch failed');
    });
  });

  describe('access tokens', () => {
    it('stable_token returns the same long token until 5 minutes before expiry', async () => {
      const first = await stableToken();
      expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      const t1 = first.access_token as string;
      expect(t1.length).toBeGreaterThanOrEqual(100);

      clock += 1000 * 1000;
      expect(await stableToken()).toEqual({ access_token: t1, expires_in: 6200 });

      clock = clock - 1000 * 1000 + (7200 - 300) * 1000; // exactly 5 minutes before expiry
      const second = await stableToken();
      expect(second.access_token).not.toBe(t1);
      expect(second.expires_in).toBe(7200);
      // The old token still works until its own expiry, then answers 42001.
      expect(await send(t1, { touser: 'bogus' })).toMatchObject({ errcode: 40003 });
      clock += 300 * 1000;
      expect(await send(t1, { touser: 'bogus' })).toMatchObject({ errcode: 42001 });
      expect(await send(second.access_token as string, { touser: 'bogus' })).toMatchObject({ errcode: 40003 });
    });

    it('force_refresh issues a new token and invalidates the old one', async () => {
      const t1 = await token();
      const forced = await stableToken({ force_refresh: true });
      expect(forced.access_token).not.toBe(t1);
      expect(await send(t1, { touser: 'bogus' })).toMatchObject({ errcode: 40001 });
      // Within 30 s a second force refresh gives the same token back.
      expect((await stableToken({ force_refresh: true })).access_token).toBe(forced.access_token);
      clock += 30_000;
      expect((await stableToken({ force_refresh: true })).access_token).not.toBe(forced.access_token);
    });

    it('limits force refreshes to 20 a day', async () => {
      for (let i = 0; i < 20; i++) {
        expect(await stableToken({ force_refresh: true })).toHaveProperty('access_token');
        clock += 30_000;
      }
      expect(await stableToken({ force_refresh: true })).toMatchObject({ errcode: 45009 });
      expect(await stableToken()).toHaveProperty('access_token');
    });

    it('the legacy token call invalidates the previous token each time', async () => {
      const q = `grant_type=client_credential&appid=${APPID}&secret=${SECRET}`;
      const a = (await get(`/cgi-bin/token?${q}`)).access_token as string;
      const b = (await get(`/cgi-bin/token?${q}`)).access_token as string;
      expect(a).not.toBe(b);
      expect(await send(a, { touser: 'bogus' })).toMatchObject({ errcode: 40001 });
      expect(await send(b, { touser: 'bogus' })).toMatchObject({ errcode: 40003 });
      expect(await get(`/cgi-bin/token?grant_type=client_credential&appid=wxwrong&secret=${SECRET}`)).toMatchObject({
        errcode: 40013,
      });
    });

    it('rejects wrong credentials and grant types', async () => {
      expect(await stableToken({ appid: 'wxwrong' })).toMatchObject({ errcode: 40013 });
      expect(await stableToken({ secret: 'wrong' })).toMatchObject({ errcode: 40001 });
      expect(await stableToken({ grant_type: 'authorization_code' })).toMatchObject({ errcode: 40002 });
      const res = await fetch(`${base}/cgi-bin/stable_token`, { method: 'POST', body: 'not json' });
      expect(await res.json()).toMatchObject({ errcode: 47001 });
    });

    it('expireTokens makes every token answer 42001 and stable_token issue a new one', async () => {
      const t1 = await token();
      fake.expireTokens();
      expect(await send(t1, { touser: 'bogus' })).toMatchObject({ errcode: 42001 });
      const t2 = await token();
      expect(t2).not.toBe(t1);
      expect(await send('not-a-token', { touser: 'bogus' })).toMatchObject({ errcode: 40001 });
      expect(await post('/cgi-bin/message/subscribe/send', {})).toMatchObject({ errcode: 41001 });
    });
  });

  describe('subscribe messages', () => {
    let accessToken: string;
    let openid: string;

    beforeEach(async () => {
      accessToken = await token();
      openid = (await login('resident1')).openid as string;
    });

    it('consumes one subscription per send, answers 43101 when none is left, and records sends', async () => {
      fake.grantSubscription(openid, 'tmplStatus');
      const msg = { touser: openid, template_id: 'tmplStatus', page: 'pages/order/index?id=1', data: statusData };
      const ok = await send(accessToken, msg);
      expect(ok).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
      expect(await send(accessToken, msg)).toMatchObject({ errcode: 43101 });

      const sent = fake.sentMessages();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toEqual({
        msgid: expect.stringMatching(/^\d{19}$/),
        touser: openid,
        template_id: 'tmplStatus',
        page: 'pages/order/index?id=1',
        data: statusData,
        at: clock,
      });
      expect(await get('/fake/messages')).toEqual(sent);
      expect(await get(`/fake/messages?touser=${fakeOpenid(APPID, 'someone-else')}`)).toEqual([]);
    });

    it('grants subscriptions over HTTP like an accepted wx.requestSubscribeMessage', async () => {
      expect(await post('/fake/subscribe', { code: 'resident1', templateIds: ['tmplStatus', 'tmplFee'] })).toEqual({
        errcode: 0,
        errmsg: 'ok',
        openid,
        result: { tmplStatus: 'accept', tmplFee: 'accept' },
        remaining: { tmplStatus: 1, tmplFee: 1 },
      });
      expect(await post('/fake/subscribe', { openid, templateIds: ['tmplStatus'] })).toMatchObject({
        remaining: { tmplStatus: 2 },
      });
      expect(await get(`/fake/subscriptions?openid=${openid}`)).toEqual({
        openid,
        remaining: { tmplStatus: 2, tmplFee: 1 },
      });
      expect(await post('/fake/subscribe', { openid, templateIds: ['nope'] })).toMatchObject({ errcode: 40037 });
      expect(
        await post('/fake/subscribe', { openid: 'oXXXXXXXXXXXXXXXXXXXXXXXXXXX', templateIds: ['tmplFee'] }),
      ).toMatchObject({
        errcode: 40003,
      });
      expect(await post('/fake/subscribe', { openid, templateIds: ['a', 'b', 'c', 'd'] })).toMatchObject({
        errcode: 47001,
      });
    });

    it('rejects unknown openids and templates', async () => {
      fake.grantSubscription(openid, 'tmplStatus');
      const msg = { touser: openid, template_id: 'tmplStatus', data: statusData };
      expect(await send(accessToken, { ...msg, touser: 'oXXXXXXXXXXXXXXXXXXXXXXXXXXX' })).toMatchObject({
        errcode: 40003,
      });
      expect(await send(accessToken, { ...msg, template_id: 'unknown' })).toMatchObject({ errcode: 40037 });
      expect(fake.subscriptionsLeft(openid, 'tmplStatus')).toBe(1);
      // An openid this fake derived for the app is valid even if it never logged in (survives restarts).
      expect(isFakeOpenid(APPID, fakeOpenid(APPID, 'never-logged-in'))).toBe(true);
      expect(() => fake.grantSubscription('oXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'tmplStatus')).toThrow(/not an openid/);
    });

    it.each([
      ['a missing key', { thing2: undefined }],
      ['an empty value', { thing2: { value: '' } }],
      ['thing over 20 characters', { thing2: { value: '一二三四五六七八九十一二三四五六七八九十一' } }],
      ['phrase over 5 characters', { phrase3: { value: '已经派单了吗' } }],
      ['phrase not Chinese', { phrase3: { value: 'done' } }],
      ['character_string with spaces', { character_string1: { value: 'BX 2025' } }],
      ['character_string over 32', { character_string1: { value: 'X'.repeat(33) } }],
      ['a malformed time', { time4: { value: 'tomorrow' } }],
      ['a value that is not a string', { thing2: { value: 12 } }],
    ])('answers 47003 for %s', async (_label, patch) => {
      fake.grantSubscription(openid, 'tmplStatus');
      const data: Json = { ...statusData, ...patch };
      for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
      expect(await send(accessToken, { touser: openid, template_id: 'tmplStatus', data })).toMatchObject({
        errcode: 47003,
      });
      expect(fake.subscriptionsLeft(openid, 'tmplStatus')).toBe(1);
    });

    it('accepts values at the limits of each type', async () => {
      fake.grantSubscription(openid, 'tmplStatus');
      fake.grantSubscription(openid, 'tmplFee');
      const status = {
        character_string1: { value: 'X'.repeat(32) },
        thing2: { value: '一二三四五六七八九十一二三四五六七八九十' },
        phrase3: { value: '待评价' },
        time4: { value: '15:01~16:30' },
      };
      expect(await send(accessToken, { touser: openid, template_id: 'tmplStatus', data: status })).toMatchObject({
        errcode: 0,
      });
      const fee = {
        amount1: { value: '¥120.50' },
        name2: { value: '王师傅' },
        phone_number3: { value: '+86 138-0000-0000' },
        date4: { value: '2025-01-01 08:00' },
        number5: { value: '3' },
      };
      expect(await send(accessToken, { touser: openid, template_id: 'tmplFee', data: fee })).toMatchObject({
        errcode: 0,
      });
      expect(fake.sentMessages().map((m) => m.template_id)).toEqual(['tmplStatus', 'tmplFee']);
    });

    it('without configured templates, accepts any template id and takes field types from the key names', async () => {
      await start({ templates: undefined });
      const t = await token();
      fake.grantSubscription(openid, 'any-template-id', 2);
      const msg = { touser: openid, template_id: 'any-template-id', data: { thing1: { value: '好' } } };
      expect(await send(t, msg)).toMatchObject({ errcode: 0 });
      expect(await send(t, { ...msg, data: { phrase1: { value: '太长的短语了' } } })).toMatchObject({ errcode: 47003 });
      expect(await send(t, { ...msg, data: { weird1: { value: 'x' } } })).toMatchObject({ errcode: 47003 });
    });

    it('rejects a bad miniprogram_state and a body that is not JSON', async () => {
      fake.grantSubscription(openid, 'tmplStatus');
      const msg = { touser: openid, template_id: 'tmplStatus', data: statusData };
      expect(await send(accessToken, { ...msg, miniprogram_state: 'beta' })).toMatchObject({ errcode: 47003 });
      const res = await fetch(`${base}/cgi-bin/message/subscribe/send?access_token=${accessToken}`, {
        method: 'POST',
        body: '{',
      });
      expect(await res.json()).toMatchObject({ errcode: 47001 });
      expect(await send(accessToken, { ...msg, miniprogram_state: 'formal', lang: 'zh_CN' })).toMatchObject({
        errcode: 0,
      });
      expect(fake.sentMessages()[0]).toMatchObject({ miniprogram_state: 'formal', lang: 'zh_CN' });
    });
  });

  describe('getuserphonenumber', () => {
    const phone = (accessToken: string | null, body: unknown) =>
      post(`/wxa/business/getuserphonenumber${accessToken === null ? '' : `?access_token=${accessToken}`}`, body);

    it('answers phone_info with the watermark of our appid, once per code', async () => {
      const t = await token();
      const code = fake.phoneCode('13800001234');
      expect(await phone(t, { code })).toEqual({
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: '13800001234',
          purePhoneNumber: '13800001234',
          countryCode: '86',
          watermark: { timestamp: Math.floor(clock / 1000), appid: APPID },
        },
      });
      expect((await phone(t, { code })).errcode).toBe(40029);
    });

    it('answers 40029 for an unknown or expired code, 47001 for a missing one', async () => {
      const t = await token();
      expect((await phone(t, { code: 'never-issued' })).errcode).toBe(40029);
      const code = fake.phoneCode('13800001234');
      clock += 5 * 60_000;
      expect((await phone(t, { code })).errcode).toBe(40029);
      expect((await phone(t, {})).errcode).toBe(47001);
      expect((await phone(t, 'not json')).errcode).toBe(47001);
    });

    it('checks the access token: 41001 missing, 40001 unknown, 42001 expired', async () => {
      const code = fake.phoneCode('13800001234');
      expect((await phone(null, { code })).errcode).toBe(41001);
      expect((await phone('nope', { code })).errcode).toBe(40001);
      const t = await token();
      fake.expireTokens();
      expect((await phone(t, { code })).errcode).toBe(42001);
      // The code was not consumed by the refused calls.
      expect((await phone(await token(), { code })).errcode).toBe(0);
    });

    it('requires POST, fails as told, and issues codes over HTTP', async () => {
      const t = await token();
      expect((await get(`/wxa/business/getuserphonenumber?access_token=${t}`)).errcode).toBe(43002);
      const { code } = await post('/fake/phone-codes', { phone: '+86 139-0000-1111' });
      fake.failNext('phone', 'busy');
      expect((await phone(t, { code })).errcode).toBe(-1);
      expect(((await phone(t, { code })).phone_info as Json).purePhoneNumber).toBe('13900001111');
      const bad = await fetch(`${base}/fake/phone-codes`, { method: 'POST', body: JSON.stringify({ phone: 'abc' }) });
      expect(bad.status).toBe(400);
      expect(fake.requestCount('phone')).toBe(3);
    });
  });

  describe('HTTP test hooks', () => {
    it('inject failures, delays, token expiry and reset over HTTP', async () => {
      expect(await post('/fake/fail', { endpoint: 'jscode2session', errcode: 40226, count: 2 })).toMatchObject({
        errcode: 0,
      });
      expect(await login('a')).toMatchObject({ errcode: 40226 });
      expect(await login('a')).toMatchObject({ errcode: 40226 });
      expect(await post('/fake/fail', { endpoint: 'nope', errcode: 1 })).toMatchObject({ errcode: 47001 });

      const t = await token();
      await post('/fake/expire-tokens', {});
      expect(await send(t, { touser: 'bogus' })).toMatchObject({ errcode: 42001 });

      await post('/fake/delay', { ms: 200, endpoint: 'token' });
      const started = Date.now();
      await token();
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);

      await post('/fake/reset', {});
      expect(fake.requestCount('token')).toBe(0);
      expect(await send(t, { touser: 'bogus' })).toMatchObject({ errcode: 40001 });
      const res = await fetch(`${base}/fake/nothing`);
      expect(res.status).toBe(404);
    });
  });

  describe('mounted under a prefix', () => {
    let host: Server;
    let hostUrl: string;

    async function mount(prepare?: (req: IncomingMessage) => Promise<void>): Promise<void> {
      host = createServer((req, res) => {
        if (!req.url?.startsWith('/fake-wechat/')) {
          res.writeHead(404).end();
          return;
        }
        req.url = req.url.slice('/fake-wechat'.length); // what Express's app.use('/fake-wechat', ...) does
        void (prepare ? prepare(req) : Promise.resolve()).then(() => fake.handler(req, res));
      });
      await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
      hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/fake-wechat`;
    }

    afterEach(async () => {
      host.closeAllConnections();
      await new Promise((resolve) => host.close(resolve));
    });

    it('serves the WeChat paths relative to the mount point', async () => {
      await mount();
      const login = await fetch(
        `${hostUrl}/sns/jscode2session?appid=${APPID}&secret=${SECRET}&js_code=resident1&grant_type=authorization_code`,
      );
      expect(await login.json()).toMatchObject({ openid: fakeOpenid(APPID, 'resident1') });
      const res = await fetch(`${hostUrl}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET }),
      });
      expect(await res.json()).toMatchObject({ expires_in: 7200 });
    });

    it('uses a body that a JSON body parser already consumed', async () => {
      await mount(async (req) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString()) as unknown, _body: true });
      });
      const res = await fetch(`${hostUrl}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET }),
      });
      expect(await res.json()).toMatchObject({ expires_in: 7200 });
    });
  });

  describe('mounted in a Nest app, as demo mode does', () => {
    it.each([
      ['before', false],
      ['after', true],
    ])('serves /fake-wechat when mounted %s the JSON body parser', async (_label, parserFirst) => {
      const app = await NestFactory.create<NestExpressApplication>(EmptyModule, { logger: false });
      const consumedBeforeHandler: boolean[] = [];
      try {
        if (parserFirst) app.useBodyParser('json');
        app.use('/fake-wechat', (req: IncomingMessage, res: Parameters<typeof fake.handler>[1]) => {
          consumedBeforeHandler.push(req.readableEnded);
          fake.handler(req, res);
        });
        await app.listen(0, '127.0.0.1');
        const url = `${await app.getUrl()}/fake-wechat`;
        const res = await fetch(`${url}/cgi-bin/stable_token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET }),
        });
        expect(await res.json()).toMatchObject({ expires_in: 7200 });
        expect(consumedBeforeHandler).toEqual([parserFirst]);
      } finally {
        await app.close();
      }
    });
  });
});
