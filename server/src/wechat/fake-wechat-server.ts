import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeWechatPay, type FakeWechatPayOptions } from './fake-wechat-pay.js';

/**
 * A fake of the WeChat server APIs Linli uses (see docs/wechat.md), for tests and demo mode.
 * It answers like WeChat does, errors included: HTTP 200 with `{ errcode, errmsg }`.
 * Plain node:http so it can run alone or be mounted inside the Nest/Express app.
 */

/** The WeChat endpoints a failure or delay can target; 'token' covers stable_token and the legacy token call. */
export type FakeEndpoint = 'jscode2session' | 'token' | 'send' | 'phone';

export type TemplateFieldType =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase';

/** templateId -> data key -> field type, e.g. `{ tmpl1: { character_string1: 'character_string', thing2: 'thing' } }`. */
export type FakeTemplates = Record<string, Record<string, TemplateFieldType>>;

/**
 * What `failNext` injects: a WeChat errcode, a named one, or a broken transport
 * ('bad_gateway' answers HTTP 502 with an HTML page, 'hang_up' drops the connection).
 */
export type FakeFailure =
  | number
  | 'busy'
  | 'rate_limit'
  | 'invalid_code'
  | 'blocked'
  | 'token_invalid'
  | 'token_expired'
  | 'refused'
  | 'bad_gateway'
  | 'hang_up';

export interface FakeWechatOptions {
  appid: string;
  secret: string;
  /** How long a login code stays valid after it is issued (default 5 minutes). */
  codeTtlMs?: number;
  /** Lifetime of access tokens (default 7200 s). */
  tokenTtlSeconds?: number;
  now?: () => number;
  /**
   * true: a code works once per issue, like WeChat (second use -> 40029).
   * false (default): a live code may be used again, so demo codes such as `resident1` keep working.
   */
  singleUse?: boolean;
  /**
   * true (default): an unknown or expired code counts as freshly issued by wx.login.
   * false: only codes passed to `issueCode` (or POST /fake/codes) are accepted.
   */
  autoIssue?: boolean;
  /** Include a (deterministic) unionid in login answers. */
  unionid?: boolean;
  templates?: FakeTemplates;
  /**
   * Accept any template id and take each field's type from its key (`thing1` -> thing), for demo mode
   * where the template ids come from configuration. Default: true when `templates` is not given.
   */
  acceptAnyTemplate?: boolean;
  /** The WeChat Pay part (under /v3/ and /fake/pay/); demo keys unless given (fake-wechat-pay.ts). */
  pay?: Omit<FakeWechatPayOptions, 'appid'>;
}

export interface SentMessage {
  /** WeChat's msgid is a 64-bit integer, beyond JavaScript's safe range, hence a string here. */
  msgid: string;
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
  /** Epoch ms (the fake's clock). */
  at: number;
}

type Answer = { status: number; contentType: string; body: string } | { hangUp: true };

interface CodeState {
  issuedAt: number;
  usedAt?: number;
}

interface PhoneCodeState {
  purePhoneNumber: string;
  countryCode: string;
  issuedAt: number;
  used: boolean;
}

interface TokenState {
  expiresAt: number;
  invalidated: boolean;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** stable_token hands out a new token this long before expiry; the old one keeps working until it expires. */
const STABLE_OVERLAP_MS = 5 * MINUTE;
const LOGIN_RATE_LIMIT = 100;
const FORCE_REFRESH_PER_DAY = 20;
const FORCE_REFRESH_GAP_MS = 30_000;
const MAX_BODY_BYTES = 1024 * 1024;

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
};

const NAMED_FAILURES: Record<Exclude<FakeFailure, number | 'bad_gateway' | 'hang_up'>, number> = {
  busy: -1,
  rate_limit: 45011,
  invalid_code: 40029,
  blocked: 40226,
  token_invalid: 40001,
  token_expired: 42001,
  refused: 43101,
};

const ENDPOINTS: readonly FakeEndpoint[] = ['jscode2session', 'token', 'send', 'phone'];
const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);

const DATE = String.raw`\d{4}(?:年\d{1,2}月\d{1,2}日|[-/.]\d{1,2}[-/.]\d{1,2})`;
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?`;
const TIME_POINT = String.raw`(?:${DATE}\s*)?${CLOCK}`;
const DATE_POINT = String.raw`${DATE}(?:\s*${CLOCK})?`;
const TIME_RE = new RegExp(String.raw`^${TIME_POINT}(?:\s*~\s*${TIME_POINT})?$`);
const DATE_RE = new RegExp(String.raw`^${DATE_POINT}(?:\s*~\s*${DATE_POINT})?$`);

/** Per-type value rules, after WeChat's subscribe-message documentation. Lengths count characters. */
const FIELD_RULES: Record<TemplateFieldType, (value: string, length: number) => boolean> = {
  thing: (_v, n) => n <= 20,
  number: (v, n) => n <= 32 && /^[-+]?\d+(?:\.\d+)?$/.test(v),
  letter: (v, n) => n <= 32 && /^[A-Za-z]+$/.test(v),
  symbol: (v, n) => n <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(v),
  character_string: (v, n) => n <= 32 && /^[\x21-\x7e]+$/.test(v),
  time: (v) => TIME_RE.test(v),
  date: (v) => DATE_RE.test(v),
  amount: (v) => /^[¥￥$]?\d{1,10}(?:\.\d{1,2})?元?$/.test(v),
  phone_number: (v, n) => n <= 17 && /^[\d+\-() ]+$/.test(v),
  car_number: (v, n) => n <= 8 && /^[\p{Script=Han}A-Za-z0-9]+$/u.test(v),
  // Pure Latin names up to 20 characters; anything with Chinese counts as a Chinese name, up to 10.
  name: (v, n) => (/^[A-Za-z .·'-]+$/.test(v) ? n <= 20 : n <= 10),
  phrase: (v, n) => n <= 5 && /^\p{Script=Han}+$/u.test(v),
};

function isFieldType(t: string): t is TemplateFieldType {
  return Object.prototype.hasOwnProperty.call(FIELD_RULES, t);
}

function b64(input: string): string {
  return createHash('sha256').update(input).digest('base64url');
}

function openidChecksum(appid: string, body: string): string {
  return b64(`linli-fake-openid:${appid}:${body}`).slice(0, 6);
}

/** The openid the fake gives `code` for `appid`: stable across restarts, 28 characters like WeChat's. */
export function fakeOpenid(appid: string, code: string): string {
  const body = b64(`${appid}:${code}`).slice(0, 21);
  return `o${body}${openidChecksum(appid, body)}`;
}

/** Whether `openid` is one this fake could have issued for `appid` (so sends survive a restart of the fake). */
export function isFakeOpenid(appid: string, openid: string): boolean {
  if (!/^o[A-Za-z0-9_-]{27}$/.test(openid)) return false;
  return openidChecksum(appid, openid.slice(1, 22)) === openid.slice(22);
}

function rid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16)}`;
}

function json(body: unknown, status = 200): Answer {
  return { status, contentType: 'application/json; encoding=utf-8', body: JSON.stringify(body) };
}

function wxError(errcode: number, detail?: string): Answer {
  const base = ERRMSG[errcode] ?? 'error';
  return json({ errcode, errmsg: `${detail ? `${base} ${detail}` : base}, rid: ${rid()}` });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class FakeWechatServer {
  readonly appid: string;
  private readonly secret: string;
  private readonly codeTtlMs: number;
  private readonly tokenTtlMs: number;
  private readonly now: () => number;
  private readonly singleUse: boolean;
  private readonly autoIssue: boolean;
  private readonly withUnionid: boolean;
  private readonly templates: FakeTemplates;
  private readonly acceptAnyTemplate: boolean;
  /** WeChat Pay API v3 (docs/payments.md). */
  readonly pay: FakeWechatPay;

  private server: Server | undefined;
  private readonly codes = new Map<string, CodeState>();
  private readonly loginCalls = new Map<string, number[]>();
  private readonly tokens = new Map<string, TokenState>();
  private stableToken: string | undefined;
  private legacyToken: string | undefined;
  private forceRefreshes: number[] = [];
  private readonly subscriptions = new Map<string, number>();
  private messages: SentMessage[] = [];
  private nextMsgid = 1_700_000_000_000_000_000n + BigInt(`0x${randomBytes(6).toString('hex')}`);
  private readonly phoneCodes = new Map<string, PhoneCodeState>();
  private readonly failures: Record<FakeEndpoint, FakeFailure[]> = {
    jscode2session: [],
    token: [],
    send: [],
    phone: [],
  };
  private readonly delays: Record<FakeEndpoint, number> = { jscode2session: 0, token: 0, send: 0, phone: 0 };
  private readonly counts: Record<FakeEndpoint, number> = { jscode2session: 0, token: 0, send: 0, phone: 0 };
  private readonly pending = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();

  constructor(opts: FakeWechatOptions) {
    this.appid = opts.appid;
    this.secret = opts.secret;
    this.codeTtlMs = opts.codeTtlMs ?? 5 * MINUTE;
    this.tokenTtlMs = (opts.tokenTtlSeconds ?? 7200) * 1000;
    this.now = opts.now ?? Date.now;
    this.singleUse = opts.singleUse ?? false;
    this.autoIssue = opts.autoIssue ?? true;
    this.withUnionid = opts.unionid ?? false;
    this.templates = opts.templates ?? {};
    this.acceptAnyTemplate = opts.acceptAnyTemplate ?? opts.templates === undefined;
    this.pay = new FakeWechatPay({ appid: opts.appid, now: opts.now, ...opts.pay });
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
    if (this.server) throw new Error('FakeWechatServer is already listening');
    const server = createServer(this.handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const actual = (server.address() as AddressInfo).port;
    return { port: actual, url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}` };
  }

  /** Stops listening, drops answers still waiting on a delay, and closes open connections. */
  async close(): Promise<void> {
    this.pay.stop();
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.res.destroy();
    }
    this.pending.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  }

  /**
   * The HTTP handler. Paths are relative to wherever it is mounted (`/sns/jscode2session`, ...),
   * so it works standalone and under a prefix such as `app.use('/fake-wechat', fake.handler)`.
   */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      this.write(res, json({ errcode: -1, errmsg: `fake wechat crashed: ${String(err)}` }, 500));
    });
  };

  // ---- test hooks --------------------------------------------------------------------------

  /** The stable openid this fake gives for a login code. */
  openidFor(code: string): string {
    return fakeOpenid(this.appid, code);
  }

  /** What wx.login does: makes `code` (default: a fresh random one) valid for one use within codeTtlMs. */
  issueCode(code: string = randomBytes(16).toString('hex')): { code: string; openid: string } {
    this.codes.set(code, { issuedAt: this.now() });
    return { code, openid: this.openidFor(code) };
  }

  /**
   * What the phone-number button (getPhoneNumber) does once the user allows it: a code for
   * `phone` (mainland digits, or +<country><number>), valid for one use within codeTtlMs.
   */
  phoneCode(phone: string, code: string = `ph_${randomBytes(16).toString('hex')}`): string {
    const typed = phone.replace(/[\s-]/g, '');
    const mainland = /^(?:\+?86)?(1\d{10})$/.exec(typed);
    const other = mainland ? null : /^\+(\d{1,3})(\d{5,15})$/.exec(typed);
    const [countryCode, pure] = mainland ? ['86', mainland[1]] : other ? [other[1], other[2]] : ['86', ''];
    if (!pure) throw new Error(`not a phone number: ${phone}`);
    this.phoneCodes.set(code, { purePhoneNumber: pure, countryCode, issuedAt: this.now(), used: false });
    return code;
  }

  /** The next `count` calls to `endpoint` fail with `failure` (after appid/secret or token checks pass). */
  failNext(endpoint: FakeEndpoint, failure: FakeFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures[endpoint].push(failure);
  }

  /** Answer slowly: every call to `endpoint` (all WeChat endpoints if omitted) waits `ms` before answering. */
  setDelay(ms: number, endpoint?: FakeEndpoint): void {
    for (const e of endpoint ? [endpoint] : ENDPOINTS) this.delays[e] = Math.max(0, ms);
  }

  /** Makes every access token issued so far expired (calls using them answer 42001). */
  expireTokens(): void {
    const now = this.now();
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  /** What accepting wx.requestSubscribeMessage does: allows `count` more sends of `templateId` to `openid`. */
  grantSubscription(openid: string, templateId: string, count = 1): number {
    if (!isFakeOpenid(this.appid, openid)) throw new Error(`not an openid of ${this.appid}: ${openid}`);
    if (!this.knowsTemplate(templateId)) throw new Error(`unknown template: ${templateId}`);
    const key = `${openid}\u0000${templateId}`;
    const left = (this.subscriptions.get(key) ?? 0) + count;
    this.subscriptions.set(key, left);
    return left;
  }

  subscriptionsLeft(openid: string, templateId: string): number {
    return this.subscriptions.get(`${openid}\u0000${templateId}`) ?? 0;
  }

  sentMessages(): SentMessage[] {
    return this.messages.map((m) => structuredClone(m));
  }

  /** How many requests reached `endpoint` (including failed ones). */
  requestCount(endpoint: FakeEndpoint): number {
    return this.counts[endpoint];
  }

  /** Forgets codes, tokens, subscriptions, messages, queued failures, delays and counters. */
  reset(): void {
    this.codes.clear();
    this.phoneCodes.clear();
    this.loginCalls.clear();
    this.tokens.clear();
    this.stableToken = undefined;
    this.legacyToken = undefined;
    this.forceRefreshes = [];
    this.subscriptions.clear();
    this.messages = [];
    for (const e of ENDPOINTS) {
      this.failures[e] = [];
      this.delays[e] = 0;
      this.counts[e] = 0;
    }
  }

  // ---- routing -----------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-wechat.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (FakeWechatPay.owns(path)) return this.pay.handle(req, res);

    let endpoint: FakeEndpoint | undefined;
    let answer: Answer;
    switch (path) {
      case '/sns/jscode2session':
        endpoint = 'jscode2session';
        answer = method === 'GET' ? this.jscode2session(url.searchParams) : wxError(43001);
        break;
      case '/cgi-bin/token':
        endpoint = 'token';
        answer = method === 'GET' ? this.legacyTokenCall(url.searchParams) : wxError(43001);
        break;
      case '/cgi-bin/stable_token':
        endpoint = 'token';
        answer = method === 'POST' ? this.stableTokenCall(await this.readJson(req)) : wxError(43002);
        break;
      case '/cgi-bin/message/subscribe/send':
        endpoint = 'send';
        answer =
          method === 'POST'
            ? await this.send(url.searchParams.get('access_token'), () => this.readJson(req))
            : wxError(43002);
        break;
      case '/wxa/business/getuserphonenumber':
        endpoint = 'phone';
        answer =
          method === 'POST'
            ? await this.phoneNumber(url.searchParams.get('access_token'), () => this.readJson(req))
            : wxError(43002);
        break;
      default:
        answer = await this.fakeRoute(method, path, url.searchParams, req);
    }
    if (endpoint) {
      this.counts[endpoint]++;
      this.respond(res, answer, this.delays[endpoint]);
    } else {
      this.write(res, answer);
    }
  }

  /** The answer is computed at once (a slow WeChat still consumes the code) and delivered after `delayMs`. */
  private respond(res: ServerResponse, answer: Answer, delayMs: number): void {
    if (delayMs <= 0) {
      this.write(res, answer);
      return;
    }
    const entry = {
      res,
      timer: setTimeout(() => {
        this.pending.delete(entry);
        this.write(res, answer);
      }, delayMs),
    };
    this.pending.add(entry);
  }

  private write(res: ServerResponse, answer: Answer): void {
    if (res.destroyed || res.writableEnded) return;
    if ('hangUp' in answer) {
      res.socket?.destroy();
      res.destroy();
      return;
    }
    res.writeHead(answer.status, {
      'content-type': answer.contentType,
      'content-length': Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
  }

  /** Parsed JSON body, or undefined when it is missing or not JSON. Copes with a body parser that ran first. */
  private async readJson(req: IncomingMessage): Promise<unknown> {
    const pre = req as IncomingMessage & { body?: unknown; _body?: boolean };
    let raw: string;
    if (pre._body === true || req.readableEnded) {
      if (Buffer.isBuffer(pre.body)) raw = pre.body.toString('utf8');
      else if (typeof pre.body === 'string') raw = pre.body;
      else return pre.body;
    } else {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buf.length;
        if (size > MAX_BODY_BYTES) return undefined;
        chunks.push(buf);
      }
      raw = Buffer.concat(chunks).toString('utf8');
    }
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  }

  private takeFailure(endpoint: FakeEndpoint): Answer | undefined {
    const failure = this.failures[endpoint].shift();
    if (failure === undefined) return undefined;
    if (failure === 'hang_up') return { hangUp: true };
    if (failure === 'bad_gateway') {
      return {
        status: 502,
        contentType: 'text/html',
        body: '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>',
      };
    }
    return wxError(typeof failure === 'number' ? failure : NAMED_FAILURES[failure]);
  }

  // ---- login -------------------------------------------------------------------------------

  private jscode2session(q: URLSearchParams): Answer {
    const appid = q.get('appid');
    const secret = q.get('secret');
    const code = q.get('js_code');
    if (!appid) return wxError(41002);
    if (appid !== this.appid) return wxError(40013);
    if (!secret) return wxError(41004);
    if (secret !== this.secret) return wxError(40125);
    if (q.get('grant_type') !== 'authorization_code') return wxError(40002);
    const failure = this.takeFailure('jscode2session');
    if (failure) return failure;
    if (!code) return wxError(41008);

    const openid = this.openidFor(code);
    const now = this.now();
    const calls = (this.loginCalls.get(openid) ?? []).filter((t) => now - t < MINUTE);
    if (calls.length >= LOGIN_RATE_LIMIT) {
      this.loginCalls.set(openid, calls);
      return wxError(45011);
    }
    calls.push(now);
    this.loginCalls.set(openid, calls);

    let state = this.codes.get(code);
    if (!state || now - state.issuedAt >= this.codeTtlMs) {
      if (!this.autoIssue) return wxError(40029);
      state = { issuedAt: now };
      this.codes.set(code, state);
    }
    if (this.singleUse && state.usedAt !== undefined) return wxError(40029);
    state.usedAt = now;
    this.prune(now);

    const body: Record<string, string> = { session_key: randomBytes(16).toString('base64'), openid };
    if (this.withUnionid) body.unionid = `o${b64(`linli-fake-unionid:${code}`).slice(0, 27)}`;
    return json(body);
  }

  /** Drops state that can no longer change an answer, so a long demo run does not grow without bound. */
  private prune(now: number): void {
    if (this.codes.size > 1000) {
      for (const [code, s] of this.codes) if (now - s.issuedAt >= this.codeTtlMs) this.codes.delete(code);
    }
    if (this.loginCalls.size > 1000) {
      for (const [openid, calls] of this.loginCalls) {
        if (calls.every((t) => now - t >= MINUTE)) this.loginCalls.delete(openid);
      }
    }
  }

  // ---- access tokens -----------------------------------------------------------------------

  private credentialError(q: { grant_type?: unknown; appid?: unknown; secret?: unknown }): Answer | undefined {
    if (typeof q.appid !== 'string' || !q.appid) return wxError(41002);
    if (q.appid !== this.appid) return wxError(40013);
    if (typeof q.secret !== 'string' || !q.secret) return wxError(41004);
    if (q.secret !== this.secret) return wxError(40001);
    if (q.grant_type !== 'client_credential') return wxError(40002);
    return undefined;
  }

  private issueToken(): { token: string; state: TokenState } {
    const token = randomBytes(102).toString('base64url'); // 136 characters, like WeChat's
    const state = { expiresAt: this.now() + this.tokenTtlMs, invalidated: false };
    this.tokens.set(token, state);
    return { token, state };
  }

  private tokenAnswer(token: string, state: TokenState): Answer {
    return json({ access_token: token, expires_in: Math.floor((state.expiresAt - this.now()) / 1000) });
  }

  private usable(token: string | undefined): TokenState | undefined {
    const state = token ? this.tokens.get(token) : undefined;
    return state && !state.invalidated && this.now() < state.expiresAt ? state : undefined;
  }

  private stableTokenCall(body: unknown): Answer {
    if (!isRecord(body)) return wxError(47001);
    const problem = this.credentialError(body);
    if (problem) return problem;
    const failure = this.takeFailure('token');
    if (failure) return failure;
    const force = body.force_refresh === true;
    const now = this.now();
    const current = this.usable(this.stableToken);

    if (force) {
      // Repeating a force refresh within 30 s gives the token just issued rather than churning.
      const last = this.forceRefreshes.at(-1);
      if (current && this.stableToken && last !== undefined && now - last < FORCE_REFRESH_GAP_MS) {
        return this.tokenAnswer(this.stableToken, current);
      }
      this.forceRefreshes = this.forceRefreshes.filter((t) => now - t < DAY);
      if (this.forceRefreshes.length >= FORCE_REFRESH_PER_DAY) return wxError(45009);
      this.forceRefreshes.push(now);
      const old = this.stableToken ? this.tokens.get(this.stableToken) : undefined;
      if (old) old.invalidated = true; // a force refresh invalidates the previous token at once
    } else if (current && this.stableToken) {
      const overlap = Math.min(STABLE_OVERLAP_MS, this.tokenTtlMs / 2);
      if (current.expiresAt - now > overlap) return this.tokenAnswer(this.stableToken, current);
      // Otherwise a new token; the old one keeps working until its own expiry.
    }
    const { token, state } = this.issueToken();
    this.stableToken = token;
    return this.tokenAnswer(token, state);
  }

  private legacyTokenCall(q: URLSearchParams): Answer {
    const problem = this.credentialError({
      grant_type: q.get('grant_type') ?? undefined,
      appid: q.get('appid') ?? undefined,
      secret: q.get('secret') ?? undefined,
    });
    if (problem) return problem;
    const failure = this.takeFailure('token');
    if (failure) return failure;
    const old = this.legacyToken ? this.tokens.get(this.legacyToken) : undefined;
    if (old) old.invalidated = true; // each legacy call invalidates the previous token
    const { token, state } = this.issueToken();
    this.legacyToken = token;
    return this.tokenAnswer(token, state);
  }

  // ---- subscribe messages ------------------------------------------------------------------

  private knowsTemplate(templateId: string): boolean {
    return this.acceptAnyTemplate || Object.prototype.hasOwnProperty.call(this.templates, templateId);
  }

  private send(token: string | null, readBody: () => Promise<unknown>): Answer | Promise<Answer> {
    if (!token) return wxError(41001);
    const state = this.tokens.get(token);
    if (!state || state.invalidated) return wxError(40001);
    if (this.now() >= state.expiresAt) return wxError(42001);
    const failure = this.takeFailure('send');
    if (failure) return failure;
    return readBody().then((body) => this.sendChecked(body));
  }

  private sendChecked(body: unknown): Answer {
    if (!isRecord(body)) return wxError(47001);
    const { touser, template_id: templateId, page, data, miniprogram_state: state, lang } = body;
    if (typeof touser !== 'string' || !isFakeOpenid(this.appid, touser)) return wxError(40003);
    if (typeof templateId !== 'string' || !this.knowsTemplate(templateId)) return wxError(40037);
    if (!isRecord(data)) return wxError(47003, 'data');
    if (page !== undefined && typeof page !== 'string') return wxError(47001);
    if (state !== undefined && (typeof state !== 'string' || !MINIPROGRAM_STATES.has(state))) {
      return wxError(47003, 'miniprogram_state');
    }
    if (lang !== undefined && (typeof lang !== 'string' || !LANGS.has(lang))) return wxError(47003, 'lang');

    const fields: Record<string, string> = this.templates[templateId] ?? {};
    if (!this.templates[templateId]) {
      for (const key of Object.keys(data)) fields[key] = key.replace(/\d+$/, '');
    }
    const sentData: Record<string, { value: string }> = {};
    for (const [key, type] of Object.entries(fields)) {
      const entry = data[key];
      const value = isRecord(entry) ? entry.value : undefined;
      if (typeof value !== 'string' || value === '') return wxError(47003, `data.${key}.value is empty`);
      if (!isFieldType(type) || !FIELD_RULES[type](value, [...value].length)) {
        return wxError(47003, `data.${key}.value invalid`);
      }
      sentData[key] = { value };
    }

    const key = `${touser}\u0000${templateId}`;
    const left = this.subscriptions.get(key) ?? 0;
    if (left <= 0) return wxError(43101);
    this.subscriptions.set(key, left - 1);

    const msgid = (this.nextMsgid++).toString();
    const record: SentMessage = { msgid, touser, template_id: templateId, data: sentData, at: this.now() };
    if (page !== undefined) record.page = page;
    if (state !== undefined) record.miniprogram_state = state;
    if (lang !== undefined) record.lang = lang;
    this.messages.push(record);
    // msgid written as a bare 64-bit integer, as WeChat does.
    return {
      status: 200,
      contentType: 'application/json; encoding=utf-8',
      body: `{"errcode":0,"errmsg":"ok","msgid":${msgid}}`,
    };
  }

  // ---- phone numbers (getuserphonenumber) ---------------------------------------------------

  private async phoneNumber(token: string | null, readBody: () => Promise<unknown>): Promise<Answer> {
    if (!token) return wxError(41001);
    const state = this.tokens.get(token);
    if (!state || state.invalidated) return wxError(40001);
    if (this.now() >= state.expiresAt) return wxError(42001);
    const failure = this.takeFailure('phone');
    if (failure) return failure;
    const body = await readBody();
    if (!isRecord(body)) return wxError(47001);
    const code = body.code;
    if (typeof code !== 'string' || !code) return wxError(47001, 'code');
    const issued = this.phoneCodes.get(code);
    const now = this.now();
    // Unknown, expired or already used: WeChat answers 40029 for all three.
    if (!issued || issued.used || now - issued.issuedAt >= this.codeTtlMs) return wxError(40029);
    issued.used = true;
    const phoneNumber =
      issued.countryCode === '86' ? issued.purePhoneNumber : `+${issued.countryCode}${issued.purePhoneNumber}`;
    return json({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber,
        purePhoneNumber: issued.purePhoneNumber,
        countryCode: issued.countryCode,
        watermark: { timestamp: Math.floor(now / 1000), appid: this.appid },
      },
    });
  }

  // ---- fake-only extras --------------------------------------------------------------------

  private async fakeRoute(method: string, path: string, q: URLSearchParams, req: IncomingMessage): Promise<Answer> {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /fake/openid': {
        const code = q.get('code');
        if (!code) return json({ errcode: 41008, errmsg: 'missing code' }, 400);
        const body: Record<string, string> = { openid: this.openidFor(code) };
        if (this.withUnionid) body.unionid = `o${b64(`linli-fake-unionid:${code}`).slice(0, 27)}`;
        return json(body);
      }
      case 'GET /fake/messages': {
        const touser = q.get('touser');
        return json(this.sentMessages().filter((m) => !touser || m.touser === touser));
      }
      case 'GET /fake/subscriptions': {
        const openid = q.get('openid') ?? '';
        const prefix = `${openid}\u0000`;
        const remaining: Record<string, number> = {};
        for (const [key, n] of this.subscriptions) if (key.startsWith(prefix)) remaining[key.slice(prefix.length)] = n;
        return json({ openid, remaining });
      }
      case 'POST /fake/subscribe':
        return this.fakeSubscribe(await this.readJson(req));
      case 'POST /fake/codes': {
        const body = await this.readJson(req);
        const code = isRecord(body) && typeof body.code === 'string' && body.code ? body.code : undefined;
        return json(this.issueCode(code));
      }
      case 'POST /fake/phone-codes': {
        const body = await this.readJson(req);
        const phone = isRecord(body) && typeof body.phone === 'string' ? body.phone : '';
        if (!/^\+?\d{5,18}$/.test(phone.replace(/[\s-]/g, ''))) return badRequest('phone');
        return json({ code: this.phoneCode(phone) });
      }
      case 'POST /fake/fail': {
        const body = await this.readJson(req);
        if (!isRecord(body) || !ENDPOINTS.includes(body.endpoint as FakeEndpoint)) return badRequest('endpoint');
        const failure = body.failure ?? body.errcode;
        const valid =
          (typeof failure === 'number' && Number.isInteger(failure)) ||
          (typeof failure === 'string' &&
            (failure in NAMED_FAILURES || failure === 'bad_gateway' || failure === 'hang_up'));
        if (!valid) return badRequest('errcode or failure');
        const count = typeof body.count === 'number' && body.count > 0 ? Math.floor(body.count) : 1;
        this.failNext(body.endpoint as FakeEndpoint, failure as FakeFailure, count);
        return json({ errcode: 0, errmsg: 'ok' });
      }
      case 'POST /fake/delay': {
        const body = await this.readJson(req);
        if (!isRecord(body) || typeof body.ms !== 'number' || body.ms < 0) return badRequest('ms');
        if (body.endpoint !== undefined && !ENDPOINTS.includes(body.endpoint as FakeEndpoint)) {
          return badRequest('endpoint');
        }
        this.setDelay(body.ms, body.endpoint as FakeEndpoint | undefined);
        return json({ errcode: 0, errmsg: 'ok' });
      }
      case 'POST /fake/expire-tokens':
        this.expireTokens();
        return json({ errcode: 0, errmsg: 'ok' });
      case 'POST /fake/reset':
        this.reset();
        return json({ errcode: 0, errmsg: 'ok' });
      default:
        return json({ errcode: 404, errmsg: `no such fake WeChat API: ${method} ${path}` }, 404);
    }
  }

  /** Simulates the user accepting every template of one wx.requestSubscribeMessage pop-up (up to 3). */
  private fakeSubscribe(body: unknown): Answer {
    if (!isRecord(body)) return badRequest('body');
    const openid =
      typeof body.openid === 'string' ? body.openid : typeof body.code === 'string' ? this.openidFor(body.code) : '';
    const ids = body.templateIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 3 || !ids.every((t) => typeof t === 'string')) {
      return badRequest('templateIds (1 to 3 template ids)');
    }
    if (!isFakeOpenid(this.appid, openid)) return json({ errcode: 40003, errmsg: ERRMSG[40003] });
    const unknown = ids.filter((t) => !this.knowsTemplate(t));
    if (unknown.length) return json({ errcode: 40037, errmsg: `${ERRMSG[40037]}: ${unknown.join(', ')}` });
    const result: Record<string, string> = {};
    const remaining: Record<string, number> = {};
    for (const t of ids) {
      remaining[t] = this.grantSubscription(openid, t);
      result[t] = 'accept';
    }
    return json({ errcode: 0, errmsg: 'ok', openid, result, remaining });
  }
}

function badRequest(what: string): Answer {
  return json({ errcode: 47001, errmsg: `data format error: ${what}` }, 400);
}
