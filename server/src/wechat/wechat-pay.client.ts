import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  authorizationHeader,
  decryptResource,
  type EncryptedResource,
  MAX_SKEW_SECONDS,
  nonceStr,
  payMessage,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
} from './wechat-pay.crypto.js';

/**
 * WeChat Pay API v3 for JSAPI (mini-program) payments (docs/payments.md, "Protocol"): signed
 * requests, prepay, the signed parameters of wx.requestPayment, notification verification and
 * decryption, query, close and refunds. Answers are checked against the platform key too.
 */

export interface WechatPayConfig {
  apiBase: string;
  appid: string;
  mchid: string;
  /** Serial number of the merchant API certificate (serial_no of the Authorization header). */
  merchantSerial: string;
  privateKeyPem: string;
  /** 32 characters. */
  apiV3Key: string;
  /** The platform public key (or certificate key) WeChat signs with, and its serial (Wechatpay-Serial). */
  platformSerial: string;
  platformPublicKeyPem: string;
  notifyUrl: string;
  timeoutMs: number;
}

/**
 * WeChat's error code (PARAM_ERROR, SIGN_ERROR, ORDER_NOT_EXIST, RESOURCE_NOT_EXISTS, NOT_ENOUGH,
 * SYSTEM_ERROR, ORDER_CLOSED, ORDERPAID, FREQUENCY_LIMITED, ...), or ours: NETWORK (no answer),
 * BAD_ANSWER (not JSON, or not signed by the platform).
 */
export type WechatPayErrorCode = string;

export class WechatPayError extends Error {
  constructor(
    readonly status: number,
    readonly code: WechatPayErrorCode,
    message: string,
  ) {
    super(`WeChat Pay ${status} ${code}: ${message}`);
  }

  /** Worth repeating with the same out_trade_no / out_refund_no: WeChat's own trouble or the wire's. */
  get retryable(): boolean {
    return (
      this.code === 'SYSTEM_ERROR' ||
      this.code === 'FREQUENCY_LIMITED' ||
      this.code === 'NETWORK' ||
      this.code === 'BAD_ANSWER' ||
      this.status >= 500
    );
  }
}

/** Why a notification was refused (the notify endpoint answers 401/400 and changes nothing). */
export class NotificationRejected extends Error {
  constructor(readonly reason: 'signature' | 'serial' | 'timestamp' | 'decrypt' | 'format') {
    super(`WeChat Pay notification refused: ${reason}`);
  }
}

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

export interface WechatTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: TradeState;
  trade_state_desc?: string;
  success_time?: string;
  payer?: { openid: string };
  amount: { total: number; payer_total?: number; currency: string; payer_currency?: string };
}

export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export interface WechatRefund {
  refund_id: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no: string;
  status: RefundStatus;
  success_time?: string;
  create_time?: string;
  amount: { total: number; refund: number; currency?: string };
}

/** The decrypted content of a refund notification. */
export interface WechatRefundNotice {
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: RefundStatus;
  success_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}

export type VerifiedNotification =
  | { id: string; eventType: string; kind: 'transaction'; resource: WechatTransaction }
  | { id: string; eventType: string; kind: 'refund'; resource: WechatRefundNotice };

/** What wx.requestPayment (Taro.requestPayment) takes. */
export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

const RETRIES = 2;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class WechatPayClient {
  private readonly privateKey: KeyObject;
  private readonly platformKey: KeyObject;
  private readonly now: () => number;
  private readonly retryDelayMs: number;

  constructor(
    readonly config: WechatPayConfig,
    opts: { now?: () => number; retryDelayMs?: number } = {},
  ) {
    this.privateKey = createPrivateKey(config.privateKeyPem);
    this.platformKey = createPublicKey(config.platformPublicKeyPem);
    this.now = opts.now ?? Date.now;
    this.retryDelayMs = opts.retryDelayMs ?? 200;
  }

  /** The Authorization header of one request. */
  authorization(method: string, pathWithQuery: string, body: string): string {
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = nonceStr();
    const signature = rsaSign(this.privateKey, requestMessage(method, pathWithQuery, timestamp, nonce, body));
    return authorizationHeader({
      mchid: this.config.mchid,
      nonce_str: nonce,
      timestamp,
      serial_no: this.config.merchantSerial,
      signature,
    });
  }

  /**
   * One signed call; SYSTEM_ERROR, 5xx and a broken wire are repeated (the same body, so the same
   * out_trade_no / out_refund_no: WeChat treats the repeat as the same order or refund).
   */
  async call<T>(method: 'GET' | 'POST', pathWithQuery: string, body?: unknown): Promise<T | null> {
    let last: WechatPayError | undefined;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.retryDelayMs * attempt));
      try {
        return await this.once<T>(method, pathWithQuery, body);
      } catch (err) {
        if (!(err instanceof WechatPayError) || !err.retryable) throw err;
        last = err;
      }
    }
    throw last!;
  }

  private async once<T>(method: 'GET' | 'POST', pathWithQuery: string, body?: unknown): Promise<T | null> {
    const text = body === undefined ? '' : JSON.stringify(body);
    let res: Response;
    try {
      res = await fetch(`${this.config.apiBase}${pathWithQuery}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          authorization: this.authorization(method, pathWithQuery, text),
          'user-agent': 'linli-server',
        },
        body: body === undefined ? undefined : text,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      throw new WechatPayError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
    }
    const answer = await res.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = answer ? JSON.parse(answer) : null;
    } catch {
      throw new WechatPayError(res.status, 'BAD_ANSWER', `not JSON: ${answer.slice(0, 80)}`);
    }
    if (res.status >= 200 && res.status < 300) {
      // Answers are signed by the platform like notifications; an unsigned or wrongly signed one is not WeChat's.
      const problem = this.checkSignature(
        {
          timestamp: res.headers.get('wechatpay-timestamp') ?? undefined,
          nonce: res.headers.get('wechatpay-nonce') ?? undefined,
          signature: res.headers.get('wechatpay-signature') ?? undefined,
          serial: res.headers.get('wechatpay-serial') ?? undefined,
        },
        answer,
      );
      if (problem) throw new WechatPayError(res.status, 'BAD_ANSWER', `answer signature: ${problem}`);
      return parsed as T;
    }
    const code = isRecord(parsed) && typeof parsed.code === 'string' ? parsed.code : `HTTP_${res.status}`;
    const message = isRecord(parsed) && typeof parsed.message === 'string' ? parsed.message : answer.slice(0, 200);
    throw new WechatPayError(res.status, code, message);
  }

  /** JSAPI prepay: the prepay_id of a new (or, with the same out_trade_no and body, the same) order. */
  async prepay(input: { outTradeNo: string; description: string; totalFen: number; openid: string; attach?: string }) {
    const body = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: input.description,
      out_trade_no: input.outTradeNo,
      notify_url: this.config.notifyUrl,
      ...(input.attach ? { attach: input.attach } : {}),
      amount: { total: input.totalFen, currency: 'CNY' },
      payer: { openid: input.openid },
    };
    const answer = await this.call<{ prepay_id?: unknown }>('POST', '/v3/pay/transactions/jsapi', body);
    if (!answer || typeof answer.prepay_id !== 'string') throw new WechatPayError(200, 'BAD_ANSWER', 'no prepay_id');
    return answer.prepay_id;
  }

  /** The parameters of wx.requestPayment, paySign over `appid\ntimeStamp\nnonceStr\npackage\n`. */
  requestPaymentParams(prepayId: string): RequestPaymentParams {
    const timeStamp = String(Math.floor(this.now() / 1000));
    const nonce = nonceStr();
    const pkg = `prepay_id=${prepayId}`;
    return {
      appId: this.config.appid,
      timeStamp,
      nonceStr: nonce,
      package: pkg,
      signType: 'RSA',
      paySign: rsaSign(this.privateKey, payMessage(this.config.appid, timeStamp, nonce, pkg)),
    };
  }

  /** The order's state at WeChat; ORDER_NOT_EXIST when WeChat never took it. */
  async queryByOutTradeNo(outTradeNo: string): Promise<WechatTransaction> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.config.mchid)}`;
    const answer = await this.call<WechatTransaction>('GET', path);
    if (!answer || typeof answer.trade_state !== 'string')
      throw new WechatPayError(200, 'BAD_ANSWER', 'no trade_state');
    return answer;
  }

  /** Closes an unpaid order (204). */
  async close(outTradeNo: string): Promise<void> {
    await this.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, {
      mchid: this.config.mchid,
    });
  }

  async refund(input: {
    outTradeNo: string;
    outRefundNo: string;
    refundFen: number;
    totalFen: number;
    reason?: string;
  }): Promise<WechatRefund> {
    const answer = await this.call<WechatRefund>('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      ...(input.reason ? { reason: input.reason.slice(0, 80) } : {}),
      notify_url: this.config.notifyUrl,
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    });
    if (!answer || typeof answer.status !== 'string') throw new WechatPayError(200, 'BAD_ANSWER', 'no refund status');
    return answer;
  }

  async queryRefund(outRefundNo: string): Promise<WechatRefund> {
    const answer = await this.call<WechatRefund>(
      'GET',
      `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`,
    );
    if (!answer || typeof answer.status !== 'string') throw new WechatPayError(200, 'BAD_ANSWER', 'no refund status');
    return answer;
  }

  /** Why a signed message (a notification or an answer) is not WeChat's, or null when it is. */
  private checkSignature(
    h: { timestamp?: string; nonce?: string; signature?: string; serial?: string },
    body: string,
  ): NotificationRejected['reason'] | null {
    if (!h.timestamp || !h.nonce || !h.signature || !h.serial) return 'signature';
    if (h.serial !== this.config.platformSerial) return 'serial';
    if (!/^\d{1,12}$/.test(h.timestamp)) return 'timestamp';
    if (Math.abs(this.now() / 1000 - Number(h.timestamp)) > MAX_SKEW_SECONDS) return 'timestamp';
    if (!rsaVerify(this.platformKey, responseMessage(h.timestamp, h.nonce, body), h.signature)) return 'signature';
    return null;
  }

  /**
   * Verifies a notification (headers and the raw body, byte for byte) and decrypts its resource.
   * Throws NotificationRejected: bad or missing signature, unknown serial, a timestamp more than
   * five minutes off, a resource that does not decrypt or does not parse.
   */
  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): VerifiedNotification {
    const one = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const problem = this.checkSignature(
      {
        timestamp: one('wechatpay-timestamp'),
        nonce: one('wechatpay-nonce'),
        signature: one('wechatpay-signature'),
        serial: one('wechatpay-serial'),
      },
      rawBody,
    );
    if (problem) throw new NotificationRejected(problem);
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new NotificationRejected('format');
    }
    if (!isRecord(body) || !isRecord(body.resource) || typeof body.event_type !== 'string') {
      throw new NotificationRejected('format');
    }
    let plain: string;
    try {
      plain = decryptResource(this.config.apiV3Key, body.resource as unknown as EncryptedResource);
    } catch {
      throw new NotificationRejected('decrypt');
    }
    let resource: unknown;
    try {
      resource = JSON.parse(plain);
    } catch {
      throw new NotificationRejected('format');
    }
    if (!isRecord(resource)) throw new NotificationRejected('format');
    const id = typeof body.id === 'string' ? body.id : '';
    if (body.event_type.startsWith('REFUND.')) {
      if (typeof resource.out_refund_no !== 'string' || !isRecord(resource.amount))
        throw new NotificationRejected('format');
      return { id, eventType: body.event_type, kind: 'refund', resource: resource as unknown as WechatRefundNotice };
    }
    if (typeof resource.out_trade_no !== 'string' || !isRecord(resource.amount))
      throw new NotificationRejected('format');
    return { id, eventType: body.event_type, kind: 'transaction', resource: resource as unknown as WechatTransaction };
  }
}
