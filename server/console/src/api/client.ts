import { ERROR_CATALOGUE, isErrorCode, type ErrorBody } from '@linli/shared';

/** Query values; undefined, null and '' are left out of the URL. */
export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** A failed API call: the server's `{ code, message, details? }`, or a network failure. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(status: number, body: { code: string; message: string; details?: unknown; requestId?: string }) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
    this.requestId = body.requestId;
  }

  /** What to show a person: the catalogue's Chinese text, then the server's message. */
  get display(): string {
    const zh = isErrorCode(this.code) ? ERROR_CATALOGUE[this.code].zh : null;
    if (this.code === 'VALIDATION_FAILED' && Array.isArray(this.details)) {
      const problems = (this.details as Array<{ field?: string; problems?: string[] }>)
        .map((d) => `${d.field ?? ''}: ${(d.problems ?? []).join('，')}`)
        .join('；');
      return `${zh ?? '提交的信息有误'}（${problems}）`;
    }
    if (zh && zh !== this.message) return `${zh}（${this.message}）`;
    return this.message;
  }
}

/** The message of any error thrown by the client (or anything else). */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.display;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface ApiClientOptions {
  /** Prefix of every path, `/api` by default. */
  base?: string;
  /** The bearer token of the session (read on every call). */
  token: () => string | null;
  /** Called when the server answers 401 to an authenticated call (token expired, user disabled). */
  onUnauthenticated?: () => void;
}

/**
 * The one way pages talk to the server: JSON in and out, the session's bearer token, and every
 * failure as an ApiError. Paths are relative to `/api`, e.g. `client.get('/work-orders', {...})`.
 */
export class ApiClient {
  private readonly base: string;

  constructor(private readonly opts: ApiClientOptions) {
    this.base = opts.base ?? '/api';
  }

  url(path: string, query?: Query): string {
    return `${this.base}${path}${buildQuery(query)}`;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('POST', path, query, body);
  }

  put<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('PUT', path, query, body);
  }

  patch<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('PATCH', path, query, body);
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', path, query);
  }

  /** A binary answer (exports): the blob and the file name from Content-Disposition. */
  async download(path: string, query?: Query): Promise<{ blob: Blob; filename: string | null }> {
    const res = await this.send('GET', path, query);
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    const filename = star ? decodeURIComponent(star[1]) : plain ? plain[1] : null;
    return { blob: await res.blob(), filename };
  }

  async request<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
    const res = await this.send(method, path, query, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, query?: Query, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    // FormData (file uploads) sets its own multipart content type.
    const multipart = body instanceof FormData;
    if (body !== undefined && !multipart) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : multipart ? body : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, { code: 'NETWORK_ERROR', message: `网络错误：${errorText(e)}` });
    }
    if (res.ok) return res;
    const parsed = (await res.json().catch(() => null)) as Partial<ErrorBody> | null;
    const error = new ApiError(res.status, {
      code: typeof parsed?.code === 'string' ? parsed.code : `HTTP_${res.status}`,
      message: typeof parsed?.message === 'string' ? parsed.message : `${res.status} ${res.statusText}`,
      details: parsed?.details,
      requestId: parsed?.requestId,
    });
    if (res.status === 401 && token) this.opts.onUnauthenticated?.();
    throw error;
  }
}
