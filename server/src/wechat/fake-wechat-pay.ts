import { createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  encryptResource,
  MAX_SKEW_SECONDS,
  nonceStr,
  parseAuthorization,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
} from './wechat-pay.crypto.js';
import { DEMO_MERCHANT_PUBLIC_KEY, DEMO_PAY, DEMO_PLATFORM_PRIVATE_KEY } from './wechat-pay.demo-keys.js';
import type { TradeState, WechatRefund, WechatTransaction } from './wechat-pay.client.js';

/**
 * The WeChat Pay (API v3) part of the fake WeChat server (docs/payments.md, "The fake"): it checks
 * every request's signature with the merchant public key as WeChat does, keeps transactions and
 * refunds, refuses refunds beyond the paid total (NOT_ENOUGH), signs its answers, and signs and
 * encrypts notifications and POSTs them to notify_url until it gets 200/204. Test and demo
 * controls stand in for the phone's WeChat cashier ("the user pays"), drop or repeat
 * notifications, and inject WeChat's errors.
 */

export interface FakeWechatPayOptions {
  appid: string;
  mchid?: string;
  merchantSerial?: string;
  merchantPublicKeyPem?: string;
  platformSerial?: string;
  platformPrivateKeyPem?: string;
  apiV3Key?: string;
  now?: () => number;
  /** Waits between notification attempts until one is acknowledged (default WeChat-like, shortened). */
  retryDelaysMs?: number[];
}

export type FakePayEndpoint = 'prepay' | 'query' | 'close' | 'refund' | 'refund_query';
export type FakePayFailure = 'SYSTEM_ERROR' | 'PARAM_ERROR' | 'FREQUENCY_LIMITED' | 'hang_up';

interface Transaction {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  notify_url: string;
  total: number;
  openid: string;
  prepay_id: string;
  state: TradeState;
  transaction_id?: string;
  success_time?: string;
  /** Refunds accepted so far (processing or done). */
  refunded: number;
}

interface Refund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  refund: number;
  notify_url: string;
  status: 'PROCESSING' | 'SUCCESS';
  create_time: string;
  success_time?: string;
}

export interface FakeNotification {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryAttempt {
  url: string;
  eventType: string;
  outTradeNo: string;
  status: number | 'error';
  at: number;
}

interface PayAnswer {
  status: number;
  body: string;
  contentType?: string;
  hangUp?: boolean;
}

const ENDPOINTS: readonly FakePayEndpoint[] = ['prepay', 'query', 'close', 'refund', 'refund_query'];
const MAX_BODY = 64 * 1024;

function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(status: number, code: string, message: string): PayAnswer {
  return { status, body: JSON.stringify({ code, message }) };
}

export class FakeWechatPay {
  readonly appid: string;
  readonly mchid: string;
  readonly merchantSerial: string;
  readonly platformSerial: string;
  readonly apiV3Key: string;
  private readonly merchantKey: KeyObject;
  private readonly platformKey: KeyObject;
  private readonly now: () => number;
  private readonly retryDelaysMs: number[];

  private readonly transactions = new Map<string, Transaction>();
  private readonly byPrepay = new Map<string, string>();
  private readonly refunds = new Map<string, Refund>();
  private readonly failures: Record<FakePayEndpoint, FakePayFailure[]> = {
    prepay: [],
    query: [],
    close: [],
    refund: [],
    refund_query: [],
  };
  private dropCount = 0;
  private readonly attempts: DeliveryAttempt[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** Requests refused for their signature (SIGN_ERROR), for tests. */
  signErrors = 0;

  constructor(opts: FakeWechatPayOptions) {
    this.appid = opts.appid;
    this.mchid = opts.mchid ?? DEMO_PAY.mchid;
    this.merchantSerial = opts.merchantSerial ?? DEMO_PAY.merchantSerial;
    this.platformSerial = opts.platformSerial ?? DEMO_PAY.platformSerial;
    this.apiV3Key = opts.apiV3Key ?? DEMO_PAY.apiV3Key;
    this.merchantKey = createPublicKey(opts.merchantPublicKeyPem ?? DEMO_MERCHANT_PUBLIC_KEY);
    this.platformKey = createPrivateKey(opts.platformPrivateKeyPem ?? DEMO_PLATFORM_PRIVATE_KEY);
    this.now = opts.now ?? Date.now;
    this.retryDelaysMs = opts.retryDelaysMs ?? [200, 1000, 3000, 10_000, 30_000, 60_000];
  }

  // ---- test and demo controls ----------------------------------------------------------------

  /** The next `count` calls to `endpoint` fail with `failure` (after the signature check). */
  failNext(endpoint: FakePayEndpoint, failure: FakePayFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures[endpoint].push(failure);
  }

  /** The next `count` notifications are never sent (only a query can learn the outcome). */
  dropNotifications(count: number): void {
    this.dropCount += count;
  }

  transaction(outTradeNo: string): WechatTransaction | undefined {
    const t = this.transactions.get(outTradeNo);
    return t ? this.view(t) : undefined;
  }

  outTradeNoOf(prepayId: string): string | undefined {
    return this.byPrepay.get(prepayId);
  }

  deliveryAttempts(): DeliveryAttempt[] {
    return this.attempts.map((a) => ({ ...a }));
  }

  /** Resolves when every notification under way has been acknowledged or given up. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /**
   * What the WeChat cashier on the phone does when the payer confirms: the order becomes SUCCESS
   * and its notification goes out (unless dropped). Throws for an unknown or not payable prepay_id.
   */
  userPays(prepayId: string): WechatTransaction {
    const no = this.byPrepay.get(prepayId);
    const t = no ? this.transactions.get(no) : undefined;
    if (!t) throw new Error(`unknown prepay_id ${prepayId}`);
    if (t.state !== 'NOTPAY') throw new Error(`order ${t.out_trade_no} is ${t.state}`);
    t.state = 'SUCCESS';
    t.transaction_id = `4200${Date.now().toString().slice(-10)}${randomBytes(5).readUIntBE(0, 5).toString().padStart(14, '0').slice(0, 14)}`;
    t.success_time = chinaTime(this.now());
    this.notifyLater(t.notify_url, this.paymentNotification(t), t.out_trade_no);
    return this.view(t);
  }

  /** The signed, encrypted notification of a transaction's current state, as WeChat would POST it. */
  paymentNotification(
    t: Transaction | string,
    patch: Partial<WechatTransaction> = {},
    eventType = 'TRANSACTION.SUCCESS',
  ): FakeNotification {
    const tx = typeof t === 'string' ? this.transactions.get(t) : t;
    if (!tx) throw new Error(`unknown out_trade_no ${typeof t === 'string' ? t : t.out_trade_no}`);
    const resource = { ...this.view(tx), ...patch };
    return this.sign(tx.notify_url, eventType, '支付成功', 'transaction', JSON.stringify(resource));
  }

  refundNotification(outRefundNo: string): FakeNotification {
    const r = this.refunds.get(outRefundNo);
    if (!r) throw new Error(`unknown out_refund_no ${outRefundNo}`);
    const t = this.transactions.get(r.out_trade_no)!;
    const resource = {
      mchid: this.mchid,
      out_trade_no: r.out_trade_no,
      transaction_id: t.transaction_id,
      out_refund_no: r.out_refund_no,
      refund_id: r.refund_id,
      refund_status: r.status,
      success_time: r.success_time,
      user_received_account: '支付用户零钱',
      amount: { total: t.total, refund: r.refund, payer_total: t.total, payer_refund: r.refund },
    };
    return this.sign(r.notify_url, `REFUND.${r.status}`, '退款成功', 'refund', JSON.stringify(resource));
  }

  /** POSTs a notification once, as WeChat does, and answers the HTTP status. */
  async post(n: FakeNotification): Promise<number> {
    const res = await fetch(n.url, {
      method: 'POST',
      headers: n.headers,
      body: n.body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.text().catch(() => '');
    return res.status;
  }

  /** Forgets transactions, refunds, failures, drops and delivery records; stops retries under way. */
  reset(): void {
    this.transactions.clear();
    this.byPrepay.clear();
    this.refunds.clear();
    for (const e of ENDPOINTS) this.failures[e] = [];
    this.dropCount = 0;
    this.attempts.length = 0;
    this.signErrors = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- notifications ---------------------------------------------------------------------------

  private sign(url: string, eventType: string, summary: string, originalType: string, plain: string): FakeNotification {
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: chinaTime(this.now()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: { original_type: originalType, ...encryptResource(this.apiV3Key, plain, originalType) },
    });
    return { url, headers: { 'content-type': 'application/json', ...this.signatureHeaders(body) }, body };
  }

  private signatureHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = nonceStr();
    return {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': rsaSign(this.platformKey, responseMessage(timestamp, nonce, body)),
      'wechatpay-serial': this.platformSerial,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  /** Sends `n` now and again after each retry delay until a 200/204, unless dropped. */
  private notifyLater(url: string, n: FakeNotification, outTradeNo: string): void {
    if (this.dropCount > 0) {
      this.dropCount--;
      return;
    }
    const eventType = (JSON.parse(n.body) as { event_type: string }).event_type;
    const run = async (): Promise<void> => {
      for (let attempt = 0; attempt <= this.retryDelaysMs.length && !this.stopped; attempt++) {
        if (attempt > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(
              () => {
                this.timers.delete(timer);
                resolve();
              },
              this.retryDelaysMs[attempt - 1],
            );
            this.timers.add(timer);
          });
          if (this.stopped) return;
        }
        let status: number | 'error';
        try {
          // Each attempt is signed afresh, as WeChat's retries carry their own timestamp.
          status = await this.post({ ...n, headers: { ...n.headers, ...this.signatureHeaders(n.body) } });
        } catch {
          status = 'error';
        }
        this.attempts.push({ url, eventType, outTradeNo, status, at: this.now() });
        if (status === 200 || status === 204) return;
      }
    };
    const p = run().finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  /** Whether this part answers `path` (relative to the fake WeChat server's mount point). */
  static owns(path: string): boolean {
    return path.startsWith('/v3/') || path.startsWith('/fake/pay/');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-wechat.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    if (raw === null) return write(res, fail(413, 'PARAM_ERROR', 'body too large'));
    if (path.startsWith('/fake/pay/')) return write(res, await this.control(method, path, url.searchParams, raw));

    const signed = this.checkRequest(req, method, `${url.pathname}${url.search}`, raw);
    if (signed) {
      this.signErrors++;
      return write(res, signed);
    }
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return write(res, fail(400, 'PARAM_ERROR', '请求体不是合法的JSON'));
      }
    }
    const answer = this.route(method, path, url.searchParams, body);
    if (answer.hangUp) {
      res.destroy();
      return;
    }
    if (answer.status >= 200 && answer.status < 300) {
      res.writeHead(answer.status, {
        ...(answer.body ? { 'content-type': 'application/json' } : {}),
        ...this.signatureHeaders(answer.body),
        'request-id': randomUUID(),
      });
      res.end(answer.body);
      return;
    }
    write(res, answer);
  }

  /** SIGN_ERROR (401) unless the Authorization header is a valid signature of this request by the merchant. */
  private checkRequest(req: IncomingMessage, method: string, pathWithQuery: string, body: string): PayAnswer | null {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) return fail(401, 'SIGN_ERROR', 'Authorization 头缺失或格式错误');
    if (auth.mchid !== this.mchid) return fail(401, 'SIGN_ERROR', 'mchid 与证书不符');
    if (auth.serial_no !== this.merchantSerial) return fail(401, 'SIGN_ERROR', '商户证书序列号有误');
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(this.now() / 1000 - Number(auth.timestamp)) > MAX_SKEW_SECONDS) {
      return fail(401, 'SIGN_ERROR', '时间戳与当前时间相差过大');
    }
    const message = requestMessage(method, pathWithQuery, auth.timestamp, auth.nonce_str, body);
    if (!rsaVerify(this.merchantKey, message, auth.signature)) return fail(401, 'SIGN_ERROR', '签名错误');
    return null;
  }

  private takeFailure(endpoint: FakePayEndpoint): PayAnswer | null {
    const f = this.failures[endpoint].shift();
    if (!f) return null;
    if (f === 'hang_up') return { status: 0, body: '', hangUp: true };
    if (f === 'SYSTEM_ERROR') return fail(500, 'SYSTEM_ERROR', '系统错误');
    if (f === 'FREQUENCY_LIMITED') return fail(429, 'FREQUENCY_LIMITED', '频率超限');
    return fail(400, 'PARAM_ERROR', '参数错误');
  }

  private route(method: string, path: string, q: URLSearchParams, body: unknown): PayAnswer {
    if (method === 'POST' && path === '/v3/pay/transactions/jsapi')
      return this.takeFailure('prepay') ?? this.jsapi(body);
    let m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path);
    if (m && method === 'GET') {
      if (q.get('mchid') !== this.mchid) return fail(400, 'PARAM_ERROR', 'mchid 有误');
      return this.takeFailure('query') ?? this.query(decodeURIComponent(m[1]));
    }
    m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path);
    if (m && method === 'POST') return this.takeFailure('close') ?? this.close(decodeURIComponent(m[1]), body);
    if (method === 'POST' && path === '/v3/refund/domestic/refunds')
      return this.takeFailure('refund') ?? this.refund(body);
    m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (m && method === 'GET') return this.takeFailure('refund_query') ?? this.refundQuery(decodeURIComponent(m[1]));
    return fail(404, 'NOT_FOUND', `no such API: ${method} ${path}`);
  }

  private jsapi(body: unknown): PayAnswer {
    if (!isRecord(body)) return fail(400, 'PARAM_ERROR', '请求体缺失');
    const { appid, mchid, description, out_trade_no: no, notify_url: notifyUrl, amount, payer } = body;
    if (appid !== this.appid) return fail(400, 'PARAM_ERROR', 'appid 和 mch_id 不匹配');
    if (mchid !== this.mchid) return fail(400, 'PARAM_ERROR', 'mchid 有误');
    if (typeof description !== 'string' || !description || description.length > 127) {
      return fail(400, 'PARAM_ERROR', 'description 有误');
    }
    if (typeof no !== 'string' || !/^[A-Za-z0-9_*|-]{6,32}$/.test(no))
      return fail(400, 'PARAM_ERROR', 'out_trade_no 有误');
    if (typeof notifyUrl !== 'string' || !/^https?:\/\/[^\s?#]+$/.test(notifyUrl)) {
      return fail(400, 'PARAM_ERROR', 'notify_url 有误');
    }
    if (!isRecord(amount) || !Number.isInteger(amount.total) || (amount.total as number) < 1) {
      return fail(400, 'PARAM_ERROR', 'amount.total 必须是正整数（分）');
    }
    if (amount.currency !== undefined && amount.currency !== 'CNY') return fail(400, 'PARAM_ERROR', 'currency 有误');
    if (!isRecord(payer) || typeof payer.openid !== 'string' || !payer.openid) {
      return fail(400, 'PARAM_ERROR', 'payer.openid 缺失');
    }
    const total = amount.total as number;
    const existing = this.transactions.get(no);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return fail(403, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') return fail(403, 'ORDER_CLOSED', '订单已关闭');
      if (existing.total !== total || existing.openid !== payer.openid) {
        return fail(400, 'PARAM_ERROR', 'out_trade_no 重复且参数不一致');
      }
      return { status: 200, body: JSON.stringify({ prepay_id: existing.prepay_id }) };
    }
    const prepayId = `wx${Date.now().toString(36)}${randomBytes(12).toString('hex')}`.slice(0, 36);
    this.transactions.set(no, {
      appid,
      mchid,
      description,
      out_trade_no: no,
      notify_url: notifyUrl,
      total,
      openid: payer.openid,
      prepay_id: prepayId,
      state: 'NOTPAY',
      refunded: 0,
    });
    this.byPrepay.set(prepayId, no);
    return { status: 200, body: JSON.stringify({ prepay_id: prepayId }) };
  }

  private view(t: Transaction): WechatTransaction {
    return {
      appid: t.appid,
      mchid: t.mchid,
      out_trade_no: t.out_trade_no,
      ...(t.transaction_id ? { transaction_id: t.transaction_id } : {}),
      trade_type: 'JSAPI',
      trade_state: t.state,
      trade_state_desc: { SUCCESS: '支付成功', REFUND: '转入退款', NOTPAY: '未支付', CLOSED: '已关闭' }[
        t.state as 'SUCCESS'
      ],
      ...(t.success_time ? { success_time: t.success_time } : {}),
      payer: { openid: t.openid },
      amount: {
        total: t.total,
        currency: 'CNY',
        ...(t.state === 'SUCCESS' || t.state === 'REFUND' ? { payer_total: t.total, payer_currency: 'CNY' } : {}),
      },
    };
  }

  private query(no: string): PayAnswer {
    const t = this.transactions.get(no);
    if (!t) return fail(404, 'ORDER_NOT_EXIST', '订单不存在');
    return { status: 200, body: JSON.stringify(this.view(t)) };
  }

  private close(no: string, body: unknown): PayAnswer {
    if (!isRecord(body) || body.mchid !== this.mchid) return fail(400, 'PARAM_ERROR', 'mchid 有误');
    const t = this.transactions.get(no);
    if (!t) return fail(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (t.state === 'SUCCESS' || t.state === 'REFUND') return fail(400, 'ORDERPAID', '订单已支付，不能关闭');
    t.state = 'CLOSED';
    return { status: 204, body: '' };
  }

  private refund(body: unknown): PayAnswer {
    if (!isRecord(body)) return fail(400, 'PARAM_ERROR', '请求体缺失');
    const { out_trade_no: no, transaction_id: txId, out_refund_no: refundNo, amount, notify_url: notifyUrl } = body;
    if (typeof refundNo !== 'string' || !/^[A-Za-z0-9_*@|-]{1,64}$/.test(refundNo)) {
      return fail(400, 'PARAM_ERROR', 'out_refund_no 有误');
    }
    if (!isRecord(amount) || !Number.isInteger(amount.refund) || !Number.isInteger(amount.total)) {
      return fail(400, 'PARAM_ERROR', 'amount 有误');
    }
    if ((amount.refund as number) < 1) return fail(400, 'PARAM_ERROR', '退款金额必须大于0');
    const t =
      typeof no === 'string'
        ? this.transactions.get(no)
        : [...this.transactions.values()].find((x) => x.transaction_id === txId);
    if (!t) return fail(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (t.state !== 'SUCCESS' && t.state !== 'REFUND') return fail(400, 'PARAM_ERROR', '订单未支付，不能退款');
    if (amount.total !== t.total) return fail(400, 'PARAM_ERROR', '订单金额与原订单不符');
    const existing = this.refunds.get(refundNo);
    if (existing) {
      if (existing.out_trade_no !== t.out_trade_no || existing.refund !== amount.refund) {
        return fail(400, 'PARAM_ERROR', 'out_refund_no 重复且参数不一致');
      }
      return { status: 200, body: JSON.stringify(this.refundView(existing)) };
    }
    if (t.refunded + (amount.refund as number) > t.total) return fail(403, 'NOT_ENOUGH', '可退金额不足');
    const r: Refund = {
      refund_id: `5030${Date.now()}${randomBytes(4).readUInt32BE(0)}`.slice(0, 29),
      out_refund_no: refundNo,
      out_trade_no: t.out_trade_no,
      refund: amount.refund as number,
      notify_url: typeof notifyUrl === 'string' ? notifyUrl : t.notify_url,
      status: 'PROCESSING',
      create_time: chinaTime(this.now()),
    };
    t.refunded += r.refund;
    this.refunds.set(refundNo, r);
    const answer = { status: 200, body: JSON.stringify(this.refundView(r)) };
    // The money goes back a moment later; then the refund notification.
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      r.status = 'SUCCESS';
      r.success_time = chinaTime(this.now());
      t.state = 'REFUND';
      this.notifyLater(r.notify_url, this.refundNotification(r.out_refund_no), t.out_trade_no);
    }, 20);
    this.timers.add(timer);
    return answer;
  }

  private refundView(r: Refund): WechatRefund {
    const t = this.transactions.get(r.out_trade_no)!;
    return {
      refund_id: r.refund_id,
      out_refund_no: r.out_refund_no,
      ...(t.transaction_id ? { transaction_id: t.transaction_id } : {}),
      out_trade_no: r.out_trade_no,
      status: r.status,
      create_time: r.create_time,
      ...(r.success_time ? { success_time: r.success_time } : {}),
      amount: { total: t.total, refund: r.refund, currency: 'CNY' },
    };
  }

  private refundQuery(refundNo: string): PayAnswer {
    const r = this.refunds.get(refundNo);
    if (!r) return fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, body: JSON.stringify(this.refundView(r)) };
  }

  // ---- fake-only controls ----------------------------------------------------------------------

  private async control(method: string, path: string, q: URLSearchParams, raw: string): Promise<PayAnswer> {
    let body: Record<string, unknown> = {};
    if (method === 'POST') {
      try {
        const parsed: unknown = raw ? JSON.parse(raw) : {};
        if (isRecord(parsed)) body = parsed;
      } catch {
        /* form posts below */
        body = Object.fromEntries(new URLSearchParams(raw));
      }
    }
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /fake/pay/cashier':
        return this.cashierPage(q.get('prepay_id') ?? '', q.get('return') ?? '');
      case 'GET /fake/pay/cashier.js':
        return { status: 200, body: CASHIER_JS, contentType: 'text/javascript; charset=utf-8' };
      case 'POST /fake/pay/pay': {
        const prepayId = typeof body.prepay_id === 'string' ? body.prepay_id : '';
        try {
          return { status: 200, body: JSON.stringify(this.userPays(prepayId)) };
        } catch (e) {
          return fail(400, 'PARAM_ERROR', (e as Error).message);
        }
      }
      case 'POST /fake/pay/drop': {
        const count = typeof body.count === 'number' && body.count > 0 ? Math.floor(body.count) : 1;
        this.dropNotifications(count);
        return { status: 200, body: JSON.stringify({ dropping: this.dropCount }) };
      }
      case 'POST /fake/pay/fail': {
        const endpoint = body.endpoint as FakePayEndpoint;
        const failure = body.failure as FakePayFailure;
        if (!ENDPOINTS.includes(endpoint)) return fail(400, 'PARAM_ERROR', 'endpoint');
        if (!['SYSTEM_ERROR', 'PARAM_ERROR', 'FREQUENCY_LIMITED', 'hang_up'].includes(failure)) {
          return fail(400, 'PARAM_ERROR', 'failure');
        }
        this.failNext(endpoint, failure, typeof body.count === 'number' ? body.count : 1);
        return { status: 200, body: '{}' };
      }
      case 'POST /fake/pay/redeliver': {
        const no = typeof body.out_trade_no === 'string' ? body.out_trade_no : '';
        const t = this.transactions.get(no);
        if (!t || t.state === 'NOTPAY') return fail(400, 'PARAM_ERROR', 'out_trade_no');
        const times = typeof body.times === 'number' ? Math.min(50, Math.max(1, Math.floor(body.times))) : 1;
        const n = this.paymentNotification(t);
        const statuses = await Promise.all(Array.from({ length: times }, () => this.post(n).catch(() => 0)));
        return { status: 200, body: JSON.stringify({ statuses }) };
      }
      case 'GET /fake/pay/transactions':
        return { status: 200, body: JSON.stringify([...this.transactions.values()].map((t) => this.view(t))) };
      default:
        return fail(404, 'NOT_FOUND', `no such fake WeChat Pay control: ${route}`);
    }
  }

  /** The WeChat cashier of the H5 preview: what the phone shows after wx.requestPayment. */
  private cashierPage(prepayId: string, back: string): PayAnswer {
    const no = this.byPrepay.get(prepayId);
    const t = no ? this.transactions.get(no) : undefined;
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const yuan = t ? (t.total / 100).toFixed(2) : '';
    const safeBack = /^https?:\/\/[^\s"'<>]+$/.test(back) ? back : '';
    // No inline script: the server's Content-Security-Policy (demo mode mounts this fake inside
    // the app) allows scripts from this origin only, so the page loads cashier.js beside it.
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>微信支付（模拟）</title><style>body{font-family:sans-serif;margin:0;background:#f2f2f2;text-align:center}
.box{background:#fff;margin:24px 16px;padding:24px;border-radius:8px}.amt{font-size:36px;margin:16px 0}
button{background:#07c160;color:#fff;border:0;border-radius:6px;font-size:18px;padding:12px 0;width:100%}</style></head>
<body data-prepay="${esc(prepayId)}" data-return="${esc(safeBack)}"><div class="box"><div>模拟微信支付收银台</div>${
      t
        ? `<div>${esc(t.description)}</div><div class="amt" data-testid="cashier-amount">¥${yuan}</div>
<div id="state">${t.state === 'NOTPAY' ? '待支付' : esc(t.state)}</div>
<button id="pay" ${t.state === 'NOTPAY' ? '' : 'disabled'}>确认支付</button>`
        : '<div>订单不存在</div>'
    }</div><script src="cashier.js"></script></body></html>`;
    return { status: 200, body: html, contentType: 'text/html; charset=utf-8' };
  }
}

/** The cashier page's script: 确认支付 posts the prepay_id to /fake/pay/pay, then goes back. */
const CASHIER_JS = `(function () {
  var pay = document.getElementById('pay');
  if (!pay) return;
  var prepay = document.body.getAttribute('data-prepay');
  var back = document.body.getAttribute('data-return');
  pay.addEventListener('click', function () {
    pay.disabled = true;
    fetch(location.pathname.replace(/cashier$/, 'pay'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prepay_id: prepay }),
    }).then(function (r) {
      document.getElementById('state').textContent = r.ok ? '支付成功' : '支付失败';
      if (r.ok && back) setTimeout(function () { location.href = back; }, 600);
    });
  });
})();
`;

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, answer: PayAnswer): void {
  if (answer.hangUp) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
  res.end(answer.body);
}
