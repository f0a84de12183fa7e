import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SMS } from '../../config/config.js';
import { signRpc } from './sms-provider.js';

/**
 * A fake of Alibaba Cloud SMS `SendSms` (docs/sms.md) for tests and demo mode: it checks the
 * signature (version 1.0, HMAC-SHA1), the nonce and timestamp, the parameters, the template and
 * its parameters, the number, and the per-number flow control, and answers like the real API:
 * HTTP 200 JSON `{ RequestId, Code, Message, BizId? }`. Plain node:http, so it runs on its own
 * port or mounted in the app (`/fake-sms` in demo mode).
 */

export interface FakeSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** templateCode -> the parameter names the template needs. */
  templates: Record<string, string[]>;
  /** Per-number flow control: sends per minute, hour and day (the provider's defaults: 1, 5, 10). */
  limits?: { perMinute: number; perHour: number; perDay: number };
  now?: () => number;
}

export interface FakeSentSms {
  bizId: string;
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  outId: string | null;
  at: number;
}

/** What failNext injects: a provider Code (answered HTTP 200 JSON) or a broken transport. */
export type FakeSmsFailure = string; // e.g. 'isp.SYSTEM_ERROR', or 'bad_gateway' / 'hang_up'

const MESSAGES: Record<string, string> = {
  SignatureDoesNotMatch: 'Specified signature is not matched with our calculation.',
  'InvalidAccessKeyId.NotFound': 'Specified access key is not found.',
  SignatureNonceUsed: 'Specified signature nonce was used already.',
  'InvalidTimeStamp.Expired': 'Specified time stamp or date value is expired.',
  MissingParameter: 'A required parameter is missing.',
  'isv.BUSINESS_LIMIT_CONTROL': 'Flow control triggered for this number.',
  'isv.MOBILE_NUMBER_ILLEGAL': 'Illegal mobile number.',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'Template is missing parameters.',
  'isv.INVALID_PARAMETERS': 'Invalid parameters.',
  'isv.SMS_TEMPLATE_ILLEGAL': 'The template does not exist or is not approved.',
  'isv.SMS_SIGNATURE_ILLEGAL': 'The signature does not exist or is not approved.',
  'isv.AMOUNT_NOT_ENOUGH': 'Insufficient account balance.',
  'isp.SYSTEM_ERROR': 'System error, please retry later.',
};

const REQUIRED = [
  'AccessKeyId',
  'Action',
  'Format',
  'RegionId',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'Timestamp',
  'Version',
  'Signature',
  'PhoneNumbers',
  'SignName',
  'TemplateCode',
];
const SKEW_MS = 15 * 60_000;

export class FakeAliyunSmsServer {
  private server: Server | null = null;
  private readonly sent: FakeSentSms[] = [];
  private readonly nonces = new Map<string, number>();
  private readonly failures: FakeSmsFailure[] = [];
  private delayMs = 0;
  private readonly now: () => number;
  private readonly limits: { perMinute: number; perHour: number; perDay: number };

  constructor(private readonly opts: FakeSmsOptions) {
    this.now = opts.now ?? Date.now;
    this.limits = opts.limits ?? { perMinute: 1, perHour: 5, perDay: 10 };
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
    const server = createServer((req, res) => void this.handler(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const a = server.address() as AddressInfo;
    return { port: a.port, url: `http://${host}:${a.port}` };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- test hooks ----

  /** Every accepted message, oldest first. */
  sentMessages(): FakeSentSms[] {
    return [...this.sent];
  }

  /** The code param of the newest message to a phone (what a person would read). */
  lastCodeFor(phone: string): string | null {
    return this.sent.findLast((m) => m.phone === phone)?.params.code ?? null;
  }

  /** The next `count` requests fail so (after the signature check passes). */
  failNext(failure: FakeSmsFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  reset(): void {
    this.sent.length = 0;
    this.failures.length = 0;
    this.nonces.clear();
    this.delayMs = 0;
  }

  // ---- the API ----

  readonly handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID().toUpperCase();
    const answer = (code: string, extra: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: requestId, Code: code, Message: MESSAGES[code] ?? code, ...extra }));
    };
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (req.method === 'GET' && (req.url ?? '').startsWith('/fake/messages')) {
      // Not the provider's API: what a phone would have shown, newest first (demo and tests).
      const phone = new URL(req.url ?? '/', 'http://fake').searchParams.get('phone');
      const list = this.sent
        .filter((m) => !phone || m.phone === phone)
        .reverse()
        .slice(0, 50);
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      return void res.end(JSON.stringify(list));
    }
    let params: Record<string, string>;
    let method: 'GET' | 'POST';
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      method = req.method === 'POST' ? 'POST' : 'GET';
      const source = method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      params = Object.fromEntries(source.entries());
    } catch {
      return answer('isv.INVALID_PARAMETERS');
    }
    const missing = REQUIRED.find((k) => !params[k]);
    if (missing) return answer('MissingParameter', { Message: `${missing} is mandatory for this action.` });
    if (params.AccessKeyId !== this.opts.accessKeyId) return answer('InvalidAccessKeyId.NotFound');
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
      return answer('isv.INVALID_PARAMETERS');
    }
    if (signRpc(method, params, this.opts.accessKeySecret) !== params.Signature) return answer('SignatureDoesNotMatch');
    const ts = Date.parse(params.Timestamp);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp) || Math.abs(ts - this.now()) > SKEW_MS) {
      return answer('InvalidTimeStamp.Expired');
    }
    for (const [n, at] of this.nonces) if (at < this.now() - SKEW_MS) this.nonces.delete(n);
    if (this.nonces.has(params.SignatureNonce)) return answer('SignatureNonceUsed');
    this.nonces.set(params.SignatureNonce, this.now());
    if (params.Action !== 'SendSms' || params.Version !== '2017-05-25' || params.Format !== 'JSON') {
      return answer('isv.INVALID_PARAMETERS');
    }

    const failure = this.failures.shift();
    if (failure === 'hang_up') return void res.socket?.destroy();
    if (failure === 'bad_gateway') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return void res.end('<html><body>502 Bad Gateway</body></html>');
    }
    if (failure) return answer(failure);

    if (params.SignName !== this.opts.signName) return answer('isv.SMS_SIGNATURE_ILLEGAL');
    const needs = this.opts.templates[params.TemplateCode];
    if (!needs) return answer('isv.SMS_TEMPLATE_ILLEGAL');
    let tp: Record<string, unknown>;
    try {
      tp = JSON.parse(params.TemplateParam ?? '{}') as Record<string, unknown>;
      if (typeof tp !== 'object' || tp === null || Array.isArray(tp)) throw new Error();
    } catch {
      return answer('isv.INVALID_PARAMETERS');
    }
    if (needs.some((k) => typeof tp[k] !== 'string' || tp[k] === '')) return answer('isv.TEMPLATE_MISSING_PARAMETERS');
    const phones = params.PhoneNumbers.split(',');
    if (phones.length > 1000 || phones.some((p) => !/^(?:\+?86)?1[3-9]\d{9}$/.test(p))) {
      return answer('isv.MOBILE_NUMBER_ILLEGAL');
    }
    const now = this.now();
    for (const phone of phones) {
      const times = this.sent.filter((m) => m.phone === phone).map((m) => m.at);
      const within = (ms: number) => times.filter((t) => t > now - ms).length;
      if (
        within(60_000) >= this.limits.perMinute ||
        within(3_600_000) >= this.limits.perHour ||
        within(86_400_000) >= this.limits.perDay
      ) {
        return answer('isv.BUSINESS_LIMIT_CONTROL');
      }
    }
    const bizId = `${now}^${Math.floor(Math.random() * 1e10)}`;
    for (const phone of phones) {
      this.sent.push({
        bizId,
        phone,
        signName: params.SignName,
        templateCode: params.TemplateCode,
        params: tp as Record<string, string>,
        outId: params.OutId ?? null,
        at: now,
      });
    }
    answer('OK', { Message: 'OK', BizId: bizId });
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      data += c;
      if (data.length > 1_000_000) reject(new Error('too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** The fake as demo mode and the standalone runner use it: the demo keys, templates as configured. */
export function demoFakeSms(
  cfg: {
    accessKeyId: string;
    accessKeySecret: string;
    signName: string;
    templates: { code: string; order: string };
  } = DEMO_SMS,
): FakeAliyunSmsServer {
  return new FakeAliyunSmsServer({
    accessKeyId: cfg.accessKeyId,
    accessKeySecret: cfg.accessKeySecret,
    signName: cfg.signName,
    templates: { [cfg.templates.code]: ['code'], [cfg.templates.order]: ['title', 'content'] },
  });
}
