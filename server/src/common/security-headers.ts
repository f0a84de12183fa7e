import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers for everything the server sends: the API, the admin console at `/`, the
 * mini-program's H5 build at `/h5/`, Swagger UI at `/api/docs`. One policy for all of them,
 * as tight as those pages allow (checked in Chromium by `security/headers.int.spec.ts` and the
 * e2e browser tests):
 *
 * - scripts only from this origin, plus the inline scripts of the served `index.html` files,
 *   allowed one by one by their SHA-256 (Taro's H5 page sets the root font size inline);
 * - styles from this origin and inline: Ant Design's CSS-in-JS inserts `<style>` elements and
 *   Taro writes `style` attributes at run time, so `'unsafe-inline'` is needed for styles (not
 *   for scripts);
 * - images from this origin, `data:` and `blob:` (ECharts renders to canvas and exports data
 *   URLs; photos come through signed same-origin URLs);
 * - no plugins, no framing by other sites, forms post only here.
 *
 * `Cross-Origin-Resource-Policy: same-site` rather than helmet's `same-origin`, so an H5 preview
 * on another port of the same host (an origin in LINLI_CORS_ORIGINS) can still show photos.
 */
export function securityHeaders(opts: { htmlDirs?: string[] } = {}): RequestHandler {
  const hashes = inlineScriptHashes((opts.htmlDirs ?? []).map((dir) => path.join(dir, 'index.html')));
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'", ...hashes],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        // `blob:`: the H5 app reads a picked photo through its blob URL before uploading it.
        // ws:/wss: of this host: the live-updates socket (/api/live). CSP 3 lets 'self' match
        // them, older WebViews do not, so they are named.
        connectSrc: ["'self'", 'blob:', ...liveSocketSources],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
    // Behind an HTTPS load balancer; browsers ignore it on plain http (local runs).
    strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: true },
  }) as RequestHandler;
}

/** A Host header that is a plain host[:port] (anything else names no socket source). */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** `ws://host` and `wss://host` of the request's own host, for the live socket. */
const liveSocketSources = [
  (req: { headers: { host?: string } }) => (PLAIN_HOST.test(req.headers.host ?? '') ? `ws://${req.headers.host}` : ''),
  (req: { headers: { host?: string } }) => (PLAIN_HOST.test(req.headers.host ?? '') ? `wss://${req.headers.host}` : ''),
];

/** `'sha256-…'` sources for every inline `<script>` (no `src`) in the given HTML files that exist. */
export function inlineScriptHashes(files: string[]): string[] {
  const out = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const html = readFileSync(file, 'utf8');
    for (const m of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
      const attrs = m[1] ?? '';
      if (/\ssrc\s*=/i.test(attrs) || !m[2].trim()) continue;
      out.add(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
    }
  }
  return [...out];
}
