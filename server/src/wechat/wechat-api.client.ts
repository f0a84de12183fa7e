/**
 * Linli's client for the WeChat server APIs (login, access token, subscribe messages, phone numbers).
 * The base URL is configuration: https://api.weixin.qq.com in production, the fake otherwise.
 * session_key, the app secret and access tokens never appear in results, errors or logs.
 */

export type WechatErrorKind =
  /** The login code is wrong, expired or already used: ask the mini-program for a new wx.login. */
  | 'invalid_code'
  /** WeChat's per-user or daily quota. */
  | 'rate_limited'
  /** WeChat flags the user as high risk (40226). */
  | 'blocked'
  /** WeChat answered -1 "system busy": try again later. */
  | 'busy'
  /** appid/secret/grant_type wrong, or tokens keep being rejected: an operator must look. */
  | 'config'
  /** No usable answer: network error, timeout, non-200, not JSON, or an errcode we do not know. */
  | 'unavailable'
  /** The user has no subscription left for this template (43101). */
  | 'refused'
  /** WeChat rejected the message itself: openid, template id or data (40003, 40037, 47003...). */
  | 'invalid';

export type WechatOperation = 'code2Session' | 'getAccessToken' | 'sendSubscribeMessage' | 'getPhoneNumber';

export class WechatApiError extends Error {
  constructor(
    readonly kind: WechatErrorKind,
    /** WeChat's errcode, or null when there was no WeChat answer. */
    readonly errcode: number | null,
    readonly operation: WechatOperation,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WechatApiError';
  }

  /** Whether the same call may succeed later without anything changing on our side. */
  get retryable(): boolean {
    return this.kind === 'busy' || this.kind === 'unavailable' || this.kind === 'rate_limited';
  }
}

export interface CachedAccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Where the access token lives; a shared (database) implementation lets several processes use one token. */
export interface AccessTokenCache {
  get(): Promise<CachedAccessToken | null>;
  set(value: CachedAccessToken): Promise<void>;
}

export class MemoryAccessTokenCache implements AccessTokenCache {
  private value: CachedAccessToken | null = null;

  get(): Promise<CachedAccessToken | null> {
    return Promise.resolve(this.value);
  }

  set(value: CachedAccessToken): Promise<void> {
    this.value = { ...value };
    return Promise.resolve();
  }
}

export interface WechatApiClientOptions {
  /** e.g. https://api.weixin.qq.com or http://127.0.0.1:3000/fake-wechat */
  baseUrl: string;
  appid: string;
  secret: string;
  /** Per HTTP call (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  tokenCache?: AccessTokenCache;
  /** A cached token is replaced this long before it expires (default 5 minutes, WeChat's overlap). */
  refreshMarginMs?: number;
  now?: () => number;
  /** Told of every failed WeChat call (an error answer or no usable answer), e.g. to count it. */
  onError?: (error: WechatApiError) => void;
}

/** The phone number WeChat vouches for (phone_info of getuserphonenumber). */
export interface WechatPhoneInfo {
  /** With the country code for numbers outside the mainland, e.g. 13800001234 or +85212345678. */
  phoneNumber: string;
  /** Without the country code. */
  purePhoneNumber: string;
  countryCode: string;
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page?: string;
  /** `{ thing1: 'text' }` or WeChat's own `{ thing1: { value: 'text' } }`. */
  data: Record<string, string | { value: string }>;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

type WechatBody = Record<string, unknown>;

interface TokenResult extends CachedAccessToken {
  /** Fetched from WeChat by this call rather than read from the cache. */
  fresh: boolean;
}

interface TokenRequest {
  force: boolean;
  /** The token WeChat just rejected: any other valid token will do. */
  rejected?: string;
}

/** Errcodes that mean our own appid/secret/grant settings are wrong, whatever the call. */
const CONFIG_ERRCODES = new Set([40001, 40002, 40013, 40125, 40164, 41002, 41004, 61024]);
const INVALID_CODE_ERRCODES = new Set([40029, 40163, 41008]);
const INVALID_MESSAGE_ERRCODES = new Set([40003, 40037, 41028, 41030, 47001, 47003]);
const TOKEN_REJECTED_ERRCODES = new Set([40001, 42001]);

function kindFor(operation: WechatOperation, errcode: number): WechatErrorKind {
  if (errcode === -1) return 'busy';
  if (errcode === 45011 || errcode === 45009) return 'rate_limited';
  switch (operation) {
    case 'code2Session':
      if (INVALID_CODE_ERRCODES.has(errcode)) return 'invalid_code';
      if (errcode === 40226) return 'blocked';
      break;
    case 'sendSubscribeMessage':
      if (errcode === 43101) return 'refused';
      if (INVALID_MESSAGE_ERRCODES.has(errcode)) return 'invalid';
      // Still rejected after a refresh and retry: some other process keeps replacing the token.
      if (TOKEN_REJECTED_ERRCODES.has(errcode)) return 'config';
      break;
    case 'getPhoneNumber':
      // The phone code is wrong, expired or used (it lives 5 minutes, one use).
      if (errcode === 40029) return 'invalid_code';
      if (TOKEN_REJECTED_ERRCODES.has(errcode)) return 'config';
      break;
    case 'getAccessToken':
      break;
  }
  if (CONFIG_ERRCODES.has(errcode)) return 'config';
  return 'unavailable';
}

function errcodeOf(body: WechatBody): number {
  return typeof body.errcode === 'number' ? body.errcode : 0;
}

export class WechatApiClient {
  private readonly baseUrl: string;
  private readonly appid: string;
  private readonly secret: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly cache: AccessTokenCache;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private readonly onError: (error: WechatApiError) => void;
  private inflight: Promise<TokenResult> | null = null;

  constructor(opts: WechatApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.appid = opts.appid;
    this.secret = opts.secret;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.cache = opts.tokenCache ?? new MemoryAccessTokenCache();
    this.refreshMarginMs = opts.refreshMarginMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => undefined);
  }

  /** A WeChat call failed: the error to throw, reported to onError first. */
  private failed(...args: ConstructorParameters<typeof WechatApiError>): WechatApiError {
    const error = new WechatApiError(...args);
    this.onError(error);
    return error;
  }

  /** Exchanges a wx.login code for the user's openid (session_key is dropped here). */
  async code2Session(code: string): Promise<{ openid: string; unionid?: string }> {
    if (!code) throw new WechatApiError('invalid_code', null, 'code2Session', 'WeChat code2Session: empty login code');
    const body = await this.call('code2Session', 'GET', '/sns/jscode2session', {
      query: { appid: this.appid, secret: this.secret, js_code: code, grant_type: 'authorization_code' },
    });
    this.throwIfError('code2Session', body);
    if (typeof body.openid !== 'string' || !body.openid) {
      throw this.failed('unavailable', null, 'code2Session', 'WeChat code2Session answered without an openid');
    }
    return typeof body.unionid === 'string' && body.unionid
      ? { openid: body.openid, unionid: body.unionid }
      : { openid: body.openid };
  }

  /**
   * A valid access token from the cache, or from stable_token when the cached one is missing or
   * within refreshMarginMs of expiry. Concurrent callers share one request.
   */
  async getAccessToken(forceRefresh = false): Promise<string> {
    return (await this.obtainToken({ force: forceRefresh })).token;
  }

  /** Sends a one-time subscribe message; refreshes the token and retries once if WeChat rejects it. */
  async sendSubscribeMessage(msg: SubscribeMessage): Promise<{ msgid: string }> {
    const payload: WechatBody = {
      touser: msg.touser,
      template_id: msg.templateId,
      data: Object.fromEntries(
        Object.entries(msg.data).map(([key, v]) => [key, typeof v === 'string' ? { value: v } : { value: v.value }]),
      ),
    };
    if (msg.page !== undefined) payload.page = msg.page;
    if (msg.miniprogramState !== undefined) payload.miniprogram_state = msg.miniprogramState;
    if (msg.lang !== undefined) payload.lang = msg.lang;

    let token = await this.getAccessToken();
    let body = await this.postMessage(token, payload);
    if (TOKEN_REJECTED_ERRCODES.has(errcodeOf(body))) {
      token = (await this.obtainToken({ force: true, rejected: token })).token;
      body = await this.postMessage(token, payload);
    }
    this.throwIfError('sendSubscribeMessage', body);
    const msgid = body.msgid;
    if (typeof msgid !== 'string' && typeof msgid !== 'number') {
      throw this.failed('unavailable', null, 'sendSubscribeMessage', 'WeChat send answered without a msgid');
    }
    return { msgid: String(msgid) };
  }

  /**
   * Exchanges the code of the mini-program's phone-number button (getPhoneNumber) for the phone
   * number WeChat has verified; refreshes the token and retries once if WeChat rejects it.
   * The answer's watermark must name our appid.
   */
  async getPhoneNumber(code: string): Promise<WechatPhoneInfo> {
    if (!code) throw new WechatApiError('invalid_code', null, 'getPhoneNumber', 'WeChat getPhoneNumber: empty code');
    const post = (token: string) =>
      this.call('getPhoneNumber', 'POST', '/wxa/business/getuserphonenumber', {
        query: { access_token: token },
        json: { code },
      });
    let token = await this.getAccessToken();
    let body = await post(token);
    if (TOKEN_REJECTED_ERRCODES.has(errcodeOf(body))) {
      token = (await this.obtainToken({ force: true, rejected: token })).token;
      body = await post(token);
    }
    this.throwIfError('getPhoneNumber', body);
    const info = body.phone_info;
    const rec = typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : {};
    const watermark =
      typeof rec.watermark === 'object' && rec.watermark !== null ? (rec.watermark as Record<string, unknown>) : {};
    const { phoneNumber, purePhoneNumber, countryCode } = rec;
    if (typeof phoneNumber !== 'string' || typeof purePhoneNumber !== 'string' || !purePhoneNumber) {
      throw this.failed('unavailable', null, 'getPhoneNumber', 'WeChat getPhoneNumber answered without phone_info');
    }
    if (watermark.appid !== this.appid) {
      throw this.failed('config', null, 'getPhoneNumber', 'WeChat getPhoneNumber: the watermark names another appid');
    }
    return { phoneNumber, purePhoneNumber, countryCode: typeof countryCode === 'string' ? countryCode : '' };
  }

  private postMessage(token: string, payload: WechatBody): Promise<WechatBody> {
    return this.call('sendSubscribeMessage', 'POST', '/cgi-bin/message/subscribe/send', {
      query: { access_token: token },
      json: payload,
    });
  }

  /**
   * Single flight: while one token request runs, everyone else waits for it. A caller that must
   * have a new token (force, or a rejected one) accepts the shared result only if it qualifies.
   */
  private obtainToken(req: TokenRequest): Promise<TokenResult> {
    const running = this.inflight;
    if (running) {
      if (!req.force) return running;
      return running.then(
        (r) => (this.satisfies(r, req) ? r : this.obtainToken(req)),
        () => this.obtainToken(req),
      );
    }
    const p = this.loadToken(req).finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }

  private satisfies(r: TokenResult, req: TokenRequest): boolean {
    return req.rejected !== undefined ? r.token !== req.rejected : r.fresh;
  }

  private async loadToken(req: TokenRequest): Promise<TokenResult> {
    const cached = await this.cache.get();
    const startedAt = this.now();
    if (cached && cached.expiresAt - this.refreshMarginMs > startedAt) {
      // Another caller or process may already have replaced the rejected token: use theirs.
      if (!req.force || (req.rejected !== undefined && cached.token !== req.rejected)) {
        return { ...cached, fresh: false };
      }
    }
    const json: WechatBody = { grant_type: 'client_credential', appid: this.appid, secret: this.secret };
    if (req.force) json.force_refresh = true;
    const body = await this.call('getAccessToken', 'POST', '/cgi-bin/stable_token', { json });
    this.throwIfError('getAccessToken', body);
    const { access_token: token, expires_in: expiresIn } = body;
    if (typeof token !== 'string' || !token || typeof expiresIn !== 'number' || expiresIn <= 0) {
      throw this.failed('unavailable', null, 'getAccessToken', 'WeChat stable_token answered without a token');
    }
    const value = { token, expiresAt: startedAt + expiresIn * 1000 };
    await this.cache.set(value);
    return { ...value, fresh: true };
  }

  private throwIfError(operation: WechatOperation, body: WechatBody): void {
    const errcode = errcodeOf(body);
    if (errcode === 0) return;
    const errmsg = typeof body.errmsg === 'string' ? body.errmsg : '';
    throw this.failed(
      kindFor(operation, errcode),
      errcode,
      operation,
      `WeChat ${operation} failed: errcode ${errcode}${errmsg ? ` (${errmsg})` : ''}`,
    );
  }

  /** One HTTP call with a timeout; anything that is not a JSON object answer becomes 'unavailable'. */
  private async call(
    operation: WechatOperation,
    method: 'GET' | 'POST',
    path: string,
    opts: { query?: Record<string, string>; json?: unknown },
  ): Promise<WechatBody> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const unavailable = (why: string, cause?: unknown): WechatApiError =>
      this.failed('unavailable', null, operation, `WeChat ${operation} unavailable: ${why}`, { cause });
    const describe = (err: unknown): string =>
      err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
        ? `no answer within ${this.timeoutMs} ms`
        : 'network error';

    let text: string;
    let status: number;
    try {
      const res = await this.fetchImpl(url, {
        method,
        headers: opts.json === undefined ? undefined : { 'content-type': 'application/json' },
        body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw unavailable(describe(err), err);
    }
    if (status !== 200) throw unavailable(`HTTP ${status}`);
    let body: unknown;
    try {
      // msgid is a 64-bit integer; read it as a string before JSON.parse rounds it.
      body = JSON.parse(text.replace(/("msgid"\s*:\s*)(-?\d+)/g, '$1"$2"'));
    } catch {
      throw unavailable('the answer is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw unavailable('the answer is not a JSON object');
    }
    return body as WechatBody;
  }
}
