import { createHmac, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { maskPhone } from '@linli/shared';
import type { AppConfig } from '../../config/config.js';

/** One templated SMS to one phone. */
export interface SmsRequest {
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  /** Our id for the message, echoed in the provider's receipts. */
  outId?: string;
}

export interface SmsAccepted {
  bizId: string;
  requestId: string;
}

/**
 * A failed send. `retriable`: worth trying again later (throttling, the provider's system
 * errors, the network); otherwise the message is refused for good (bad number, template, keys).
 */
export class SmsProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean,
    readonly requestId: string | null = null,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SmsProviderError';
  }
}

/** An SMS gateway; small so that a second provider (Tencent Cloud SMS) can be added. */
export interface SmsProvider {
  send(req: SmsRequest): Promise<SmsAccepted>;
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

/** RFC 3986 percent-encoding as Alibaba Cloud's signature wants it (space %20, `*` %2A, `~` kept). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The sorted, encoded query string the signature covers (without `Signature`). */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
}

/** Signature version 1.0: base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(canonical query))). */
export function signRpc(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

/** `YYYY-MM-DDThh:mm:ssZ`, UTC. */
export function rpcTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Codes worth a retry; every other `isv.*` / auth code is a permanent refusal. */
const RETRIABLE = new Set([
  'isp.SYSTEM_ERROR',
  'isv.BUSINESS_LIMIT_CONTROL',
  'SignatureNonceUsed',
  'ServiceUnavailable',
]);
const isRetriable = (code: string) => RETRIABLE.has(code) || code.startsWith('Throttling') || code.startsWith('isp.');

/** Alibaba Cloud SMS (dysmsapi 2017-05-25) SendSms over RPC-style GET, signature version 1.0. */
export class AliyunSmsClient implements SmsProvider {
  constructor(
    private readonly cfg: AppConfig['sms'],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The signed query parameters of one SendSms call. */
  signedParams(req: SmsRequest, nonce: string = randomUUID(), at: Date = this.now()): Record<string, string> {
    const params: Record<string, string> = {
      AccessKeyId: this.cfg.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: nonce,
      SignatureVersion: '1.0',
      Timestamp: rpcTimestamp(at),
      Version: '2017-05-25',
      PhoneNumbers: req.phone,
      SignName: this.cfg.signName,
      TemplateCode: req.templateCode,
      TemplateParam: JSON.stringify(req.params),
    };
    if (req.outId) params.OutId = req.outId;
    params.Signature = signRpc('GET', params, this.cfg.accessKeySecret);
    return params;
  }

  async send(req: SmsRequest): Promise<SmsAccepted> {
    const params = this.signedParams(req);
    const query = Object.entries(params)
      .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
      .join('&');
    let res: Response;
    try {
      res = await fetch(`${this.cfg.endpoint}/?${query}`, { signal: AbortSignal.timeout(this.cfg.timeoutMs) });
    } catch (e) {
      throw new SmsProviderError('network', e instanceof Error ? e.message : String(e), true);
    }
    const text = await res.text().catch(() => '');
    let body: { Code?: unknown; Message?: unknown; RequestId?: unknown; BizId?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new SmsProviderError(`http_${res.status}`, 'not a JSON answer', true);
    }
    const code = typeof body.Code === 'string' ? body.Code : `http_${res.status}`;
    const requestId = typeof body.RequestId === 'string' ? body.RequestId : null;
    if (code === 'OK' && typeof body.BizId === 'string') return { bizId: body.BizId, requestId: requestId ?? '' };
    const message = typeof body.Message === 'string' ? body.Message : 'no message';
    throw new SmsProviderError(code, message, res.status >= 500 || isRetriable(code), requestId);
  }
}

/** LINLI_SMS=log: the message goes to the log, the phone masked and a verification code hidden. */
export class LoggingSmsProvider implements SmsProvider {
  private readonly logger = new Logger('Sms');
  private n = 0;

  send(req: SmsRequest): Promise<SmsAccepted> {
    const shown = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, k === 'code' ? '******' : v]));
    this.logger.log(`SMS to ${maskPhone(req.phone) ?? '(no phone)'}: ${req.templateCode} ${JSON.stringify(shown)}`);
    this.n += 1;
    return Promise.resolve({ bizId: `log-${this.n}`, requestId: `log-${this.n}` });
  }
}

/** LINLI_SMS=off: nothing is queued, so reaching this is a bug. */
export class DisabledSmsProvider implements SmsProvider {
  send(): Promise<SmsAccepted> {
    return Promise.reject(new SmsProviderError('sms_off', 'SMS is off (LINLI_SMS=off)', false));
  }
}

export function smsProviderFactory(config: AppConfig): SmsProvider {
  switch (config.notifications.sms) {
    case 'aliyun':
      return new AliyunSmsClient(config.sms);
    case 'log':
      return new LoggingSmsProvider();
    case 'off':
      return new DisabledSmsProvider();
  }
}
