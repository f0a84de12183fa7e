import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Paths the console never answers: the API, the H5 build, the embedded fake WeChat, uploads, assets. */
const NOT_CONSOLE = /^\/(api|h5|fake-wechat|uploads|assets)(\/|$)/;

/** Shown at / when the console has not been built (LINLI_CONSOLE_DIR has no index.html). */
function notBuiltPage(h5: boolean): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>邻里 Linli</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto;line-height:1.6">
<h1>邻里 · 物业报修</h1>
<p>管理控制台尚未构建：请运行 <code>pnpm run build</code>（或 <code>pnpm --filter @linli/console build</code>），
然后重启服务器。</p><ul>
${h5 ? '<li><a href="/h5/">住户小程序（H5 预览）</a></li>' : '<li>住户小程序尚未构建（pnpm build）</li>'}
<li><a href="/api/docs">API 文档</a></li><li><a href="/api/health">健康检查</a></li></ul></body></html>`;
}

/**
 * The web console at `/` (single-page app): hashed assets under /assets/ cached for a year, other
 * files of the build for an hour, and `index.html` (never cached) for `/` and for any GET that
 * asks for HTML outside the API, the H5 build, the fake WeChat and uploads, so client-side
 * routes such as /work-orders/12 survive a reload. Without a build, / explains how to make one.
 */
export function serveConsole(app: NestExpressApplication, dirs: { consoleDir: string; h5Dir: string }): void {
  const index = path.join(dirs.consoleDir, 'index.html');
  const built = existsSync(index);
  if (built) {
    app.useStaticAssets(path.join(dirs.consoleDir, 'assets'), { prefix: '/assets/', maxAge: '365d', immutable: true });
    app.useStaticAssets(dirs.consoleDir, { index: false, maxAge: '1h' });
  }
  const h5 = existsSync(path.join(dirs.h5Dir, 'index.html'));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (NOT_CONSOLE.test(req.path)) return next();
    const wantsHtml = req.path === '/' || (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) return next();
    if (!built) {
      if (req.path !== '/') return next();
      res.type('html').send(notBuiltPage(h5));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
}
