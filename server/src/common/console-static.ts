import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Paths the console never answers: the API, the H5 build, the embedded fake WeChat, uploads, assets. */
const NOT_CONSOLE = /^\/(api|h5|fake-wechat|uploads|assets)(\/|$)/;

/** Cache headers of the static builds (docs/console.md "How it is served"). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const NO_CACHE = 'no-cache';
const ONE_HOUR = 'public, max-age=3600';

/** Content hashes in built file names: Vite's `name-Hash123_.js`, Taro/webpack's `name.1a2b3c4d.js`. */
const HASHED_H5 = /\.[0-9a-f]{8,}\.[a-z0-9]+$/;

/** Precompressed siblings, best first: `file.br` (brotli), `file.gz` (gzip), made at build time. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

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
 * The encoding to send among those available, in the server's order of preference (brotli is
 * smaller than gzip): the first the client accepts with q > 0 (by name or `*`), else none.
 */
export function pickEncoding(acceptEncoding: string | undefined, available: readonly string[]): string | null {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  return available.find((name) => (q.get(name) ?? q.get('*') ?? 0) > 0) ?? null;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Send `file` (an existing file of a build) with its cache header: the brotli or gzip sibling
 * the client accepts when the build made one (Content-Encoding, the original's Content-Type),
 * else the file itself. Always `Vary: Accept-Encoding`, so caches keep one copy per encoding.
 */
function sendBuilt(req: Request, res: Response, next: NextFunction, file: string, cacheControl: string): void {
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Cache-Control', cacheControl);
  const available = ENCODINGS.filter((e) => isFile(file + e.ext));
  const chosen = pickEncoding(
    req.headers['accept-encoding'],
    available.map((e) => e.name),
  );
  const encoding = available.find((e) => e.name === chosen);
  const options = { cacheControl: false, acceptRanges: !encoding, dotfiles: 'deny' as const };
  if (encoding) {
    res.type(path.extname(file));
    res.setHeader('Content-Encoding', encoding.name);
  }
  res.sendFile(encoding ? file + encoding.ext : file, options, (err) => {
    if (err) next(err);
  });
}

/**
 * Static files of a build under `prefix`: precompressed when the client accepts it, with
 * `cacheControl(relativePath)`. Paths outside the folder, folders and missing files go on
 * to the next handler; `.br`/`.gz` siblings are never answered by their own names.
 */
function builtFiles(root: string, prefix: string, cacheControl: (rel: string) => string): RequestHandler {
  const base = path.resolve(root);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!req.path.startsWith(prefix)) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(req.path.slice(prefix.length));
    } catch {
      return next();
    }
    if (rel === '' || rel.endsWith('/') || /\.(br|gz)$/.test(rel)) return next();
    const file = path.resolve(base, rel);
    if (!file.startsWith(base + path.sep) || !isFile(file)) return next();
    sendBuilt(req, res, next, file, cacheControl(rel));
  };
}

/**
 * The resident H5 build at `/h5/`: hashed js/css cached for a year (immutable), `index.html`
 * (for `/h5/` too) never without revalidation; precompressed copies when accepted.
 */
export function serveH5(app: NestExpressApplication, h5Dir: string): void {
  const index = path.join(h5Dir, 'index.html');
  if (!existsSync(index)) return;
  app.use(builtFiles(h5Dir, '/h5/', (rel) => (HASHED_H5.test(rel) ? IMMUTABLE : NO_CACHE)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path !== '/h5' && req.path !== '/h5/') return next();
    if (req.path === '/h5') return res.redirect(301, '/h5/');
    sendBuilt(req, res, next, index, NO_CACHE);
  });
}

/**
 * The web console at `/` (single-page app): hashed assets under /assets/ cached for a year
 * (immutable), other files of the build for an hour, and `index.html` (no-cache) for `/` and
 * for any GET that asks for HTML outside the API, the H5 build, the fake WeChat and uploads, so
 * client-side routes such as /work-orders/12 survive a reload. Text files are sent brotli- or
 * gzip-compressed from the copies the build made. Without a build, / explains how to make one.
 */
export function serveConsole(app: NestExpressApplication, dirs: { consoleDir: string; h5Dir: string }): void {
  const index = path.join(dirs.consoleDir, 'index.html');
  const built = existsSync(index);
  if (built) {
    app.use(builtFiles(path.join(dirs.consoleDir, 'assets'), '/assets/', () => IMMUTABLE));
    const files = builtFiles(dirs.consoleDir, '/', (rel) =>
      rel === 'index.html' ? NO_CACHE : rel.startsWith('assets/') ? IMMUTABLE : ONE_HOUR,
    );
    // Not for the API and the other mounts: a file-system lookup on every API GET cost about
    // a third of a health check's CPU (docs/benchmarks.md).
    app.use((req: Request, res: Response, next: NextFunction) =>
      NOT_CONSOLE.test(req.path) ? next() : files(req, res, next),
    );
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
    sendBuilt(req, res, next, index, NO_CACHE);
  });
}
