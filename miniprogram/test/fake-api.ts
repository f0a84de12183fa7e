/**
 * The HTTP boundary for component tests: Taro.request and Taro.uploadFile are stubbed with a
 * small in-memory router; everything above them (the API client, pages, Taro's H5 runtime)
 * is the real code. The e2e suite runs the same pages against the real server.
 */
import Taro from '@tarojs/taro';

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  /** Fail like a dropped connection (Taro.request rejects). */
  networkError?: boolean;
}

type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: Handler;
  once: boolean;
}

function parse(url: string): { path: string; query: Record<string, string> } {
  const u = new URL(url, 'http://127.0.0.1:10086');
  return { path: u.pathname, query: Object.fromEntries(u.searchParams.entries()) };
}

export class FakeApi {
  readonly calls: FakeRequest[] = [];
  private routes: Route[] = [];

  /** Answer `method path` (a string or a RegExp on the path) with a body, a response or a handler. */
  on(method: string, path: string | RegExp, answer: Handler | FakeResponse): this {
    return this.add(method, path, answer, false);
  }

  /** Like `on`, but only for the next matching call; later calls fall through to other routes. */
  once(method: string, path: string | RegExp, answer: Handler | FakeResponse): this {
    return this.add(method, path, answer, true);
  }

  private add(method: string, path: string | RegExp, answer: Handler | FakeResponse, once: boolean): this {
    const handler: Handler = typeof answer === 'function' ? answer : () => answer;
    // Newest first, so a test can override a default route.
    this.routes.unshift({ method, path, handler, once });
    return this;
  }

  callsTo(method: string, path: string | RegExp): FakeRequest[] {
    return this.calls.filter(
      (c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)),
    );
  }

  private async answer(req: FakeRequest): Promise<FakeResponse> {
    this.calls.push(req);
    const route = this.routes.find(
      (r) => r.method === req.method && (typeof r.path === 'string' ? r.path === req.path : r.path.test(req.path)),
    );
    if (!route) {
      return { status: 404, body: { code: 'NOT_FOUND', message: `no fake for ${req.method} ${req.path}` } };
    }
    if (route.once) this.routes = this.routes.filter((r) => r !== route);
    return route.handler(req);
  }

  /** Stub the HTTP APIs of `taro` (default: the module registry's @tarojs/taro). */
  install(taro: typeof Taro = Taro): this {
    jest.spyOn(taro, 'request').mockImplementation(((opts: Taro.request.Option) => {
      const { path, query } = parse(opts.url);
      const req: FakeRequest = {
        method: (opts.method ?? 'GET').toUpperCase(),
        path,
        query,
        body: opts.data,
        headers: (opts.header ?? {}) as Record<string, string>,
      };
      return this.answer(req).then((res) => {
        if (res.networkError) return Promise.reject({ errMsg: 'request:fail' });
        return { statusCode: res.status ?? 200, data: res.body ?? null, header: {}, errMsg: 'request:ok' };
      });
    }) as unknown as typeof Taro.request);
    jest.spyOn(taro, 'uploadFile').mockImplementation(((opts: Taro.uploadFile.Option) => {
      const { path, query } = parse(opts.url);
      const req: FakeRequest = {
        method: 'POST',
        path,
        query,
        body: { file: opts.filePath, name: opts.name },
        headers: (opts.header ?? {}) as Record<string, string>,
      };
      return this.answer(req).then((res) => {
        if (res.networkError) return Promise.reject({ errMsg: 'uploadFile:fail' });
        return { statusCode: res.status ?? 200, data: JSON.stringify(res.body ?? null), errMsg: 'uploadFile:ok' };
      });
    }) as unknown as typeof Taro.uploadFile);
    return this;
  }
}

export const apiError = (status: number, code: string, message = code): FakeResponse => ({
  status,
  body: { code, message, requestId: 'test' },
});
