/**
 * Runs the real weapp build (dist/weapp) in miniprogram-simulate: WeChat's own wxml compiler
 * (wcc) renders Taro's templates, and j-component plays the component system. Two adapters
 * make it a mini-program: Taro registers pages with Page(), the simulator only knows
 * Component(); and `wx` is a stub whose `request` answers from the test's routes.
 * Brittle by nature (it knows how Taro and the simulator meet), so it is a smoke test only.
 */
import path from 'node:path';

export const weappDir = path.resolve(__dirname, '../../dist/weapp');

export interface WxCall {
  url: string;
  method: string;
  data: unknown;
  header: Record<string, string>;
}

type Route = (call: WxCall) => { status?: number; body: unknown } | undefined;

interface Simulated {
  dom: HTMLElement;
  querySelectorAll(selector: string): Array<{ dispatchEvent(name: string, opts?: unknown): void }>;
  attach(parent: Element): void;
}

export function startWeapp(opts: { storage: Record<string, unknown>; route: Route }) {
  const storage = { ...opts.storage };
  const requests: WxCall[] = [];
  const navigations: string[] = [];

  const stub: Record<string, unknown> = {
    getStorageSync: (k: string) => (k in storage ? storage[k] : ''),
    setStorageSync: (k: string, v: unknown) => void (storage[k] = v),
    removeStorageSync: (k: string) => void delete storage[k],
    getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2, platform: 'devtools' }),
    navigateTo: (o: { url: string; success?: (r: unknown) => void }) => {
      navigations.push(o.url);
      o.success?.({ errMsg: 'navigateTo:ok' });
    },
    request: (o: {
      url: string;
      method?: string;
      data?: unknown;
      header?: Record<string, string>;
      success?: (r: unknown) => void;
      complete?: (r: unknown) => void;
    }) => {
      const call: WxCall = { url: o.url, method: o.method ?? 'GET', data: o.data, header: o.header ?? {} };
      requests.push(call);
      setTimeout(() => {
        const answer = opts.route(call) ?? { status: 404, body: { code: 'NOT_FOUND', message: call.url } };
        const res = { statusCode: answer.status ?? 200, data: answer.body, header: {}, errMsg: 'request:ok' };
        o.success?.(res);
        o.complete?.(res);
      }, 0);
      return { abort() {} };
    },
  };
  // Anything else Taro calls (toasts, nextTick helpers…) succeeds and does nothing.
  const wx = new Proxy(stub, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      if (prop === 'webpackJsonp') return undefined;
      return (o?: { success?: (r: unknown) => void }) => o?.success?.({ errMsg: `${prop}:ok` });
    },
  });

  const g = globalThis as Record<string, unknown>;
  g.wx = wx;
  let app: Record<string, ((...a: unknown[]) => unknown) | undefined> = {};
  g.App = (config: typeof app) => {
    app = config;
  };
  g.getApp = () => app;
  g.getCurrentPages = () => [];

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate');
  g.Page = (page: Record<string, unknown>) => {
    const methods: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(page)) if (typeof v === 'function') methods[k] = v;
    (g.Component as (o: unknown) => void)({
      data: page.data,
      methods,
      lifetimes: {
        attached(this: unknown) {
          (page.onLoad as (q: unknown) => void).call(this, {});
          (page.onShow as (() => void) | undefined)?.call(this);
        },
      },
    });
  };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(weappDir, 'app.js'));
  app.onLaunch?.call(app, { path: 'pages/home/index', query: {} });
  app.onShow?.call(app, { path: 'pages/home/index', query: {} });

  return {
    requests,
    navigations,
    /** Render a page of the build, e.g. 'pages/home/index'. */
    render(page: string): Simulated {
      const id = simulate.load(path.join(weappDir, page), { rootPath: weappDir });
      const comp = simulate.render(id) as Simulated;
      comp.attach(document.createElement('parent-wrapper'));
      return comp;
    },
  };
}

export const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** Poll until `check` passes (the page renders after its requests answer), at most `ms`. */
export async function eventually(check: () => void, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await settle(20);
    }
  }
}
