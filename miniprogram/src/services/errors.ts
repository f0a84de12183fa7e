import { ERROR_CATALOGUE, isErrorCode, type ErrorCode } from '@linli/shared';

/** Failures the client detects itself, next to the server's catalogue codes. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE' | 'LOGIN_CODE_MISSING';

const CLIENT_TEXT: Record<ClientErrorCode, string> = {
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  BAD_RESPONSE: '服务器返回异常，请稍后再试',
  LOGIN_CODE_MISSING: '请输入登录码',
};

/** The `{ code, message, details }` of a failed call, with a Chinese text to show a person. */
export class ApiError extends Error {
  readonly code: ErrorCode | ClientErrorCode | string;
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;
  readonly details: unknown;
  readonly requestId: string | undefined;
  /** What to show the resident. */
  readonly text: string;

  constructor(init: { code: string; status: number; message?: string; details?: unknown; requestId?: string }) {
    super(init.message || init.code);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.requestId = init.requestId;
    this.text = errorText(init.code, init.message);
  }

  /** True when the request may have reached the server without us seeing the answer. */
  get outcomeUnknown(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

/** Chinese text for an error code; the catalogue's `zh` wins over the server's (English) message. */
export function errorText(code: string, message?: string): string {
  if (isErrorCode(code)) return ERROR_CATALOGUE[code].zh;
  if (code in CLIENT_TEXT) return CLIENT_TEXT[code as ClientErrorCode];
  // An unknown code from a newer server: its message if it is meant for people, else a generic text.
  if (message && /[\u4e00-\u9fff]/.test(message)) return message;
  return ERROR_CATALOGUE.INTERNAL_ERROR.zh;
}

/** The text for anything a page caught. */
export function textOf(err: unknown): string {
  if (err instanceof ApiError) return err.text;
  return CLIENT_TEXT.NETWORK_ERROR;
}
