import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inlineScriptHashes } from '../common/security-headers.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';

/**
 * Security headers (helmet, `common/security-headers.ts`) on the API, the pages and static files,
 * and CORS limited to LINLI_CORS_ORIGINS. That the policy lets the real pages run (no CSP
 * violation in Chromium) is checked by e2e/test/security-csp.spec.ts.
 */

const ALLOWED = 'http://127.0.0.1:10086';
const OTHER = 'https://evil.example';
const INLINE = 'document.documentElement.style.fontSize="20px";';

function directives(csp: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

describe(`security headers and CORS (${TEST_DB})`, () => {
  let server: TestServer;
  let h5Dir: string;

  beforeAll(async () => {
    // A stand-in H5 build with an inline script, like Taro's index.html.
    h5Dir = mkdtempSync(path.join(os.tmpdir(), 'linli-h5-'));
    mkdirSync(path.join(h5Dir, 'js'));
    writeFileSync(
      path.join(h5Dir, 'index.html'),
      `<!doctype html><html><head><script>${INLINE}</script><script defer src="/h5/js/app.js"></script></head><body></body></html>`,
    );
    writeFileSync(path.join(h5Dir, 'js/app.js'), 'console.log(1)');
    server = await startTestServer({ env: { LINLI_CORS_ORIGINS: ALLOWED, LINLI_H5_DIR: h5Dir } });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(h5Dir, { recursive: true, force: true });
  });

  it.each(['/api/health', '/api/communities', '/', '/h5/', '/h5/js/app.js', '/api/docs', '/api/nope'])(
    'sends the security headers on %s',
    async (p) => {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status).toBeLessThan(500);
      const h = res.headers;
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(h.get('referrer-policy')).toBe('no-referrer');
      expect(h.get('strict-transport-security')).toMatch(/max-age=\d+; includeSubDomains/);
      expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(h.get('cross-origin-resource-policy')).toBe('same-site');
      expect(h.get('x-powered-by')).toBeNull();
      const csp = directives(h.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
      // No script from elsewhere and no inline script except the hashed ones.
      const scripts = csp.get('script-src') ?? [];
      expect(scripts[0]).toBe("'self'");
      expect(scripts.slice(1).every((s) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(s))).toBe(true);
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
    },
  );

  it('allows exactly the inline scripts of the served H5 page, by hash', async () => {
    const csp = directives((await fetch(`${server.url}/h5/`)).headers.get('content-security-policy'));
    const expected = inlineScriptHashes([path.join(h5Dir, 'index.html')]);
    expect(expected).toHaveLength(1);
    expect(csp.get('script-src')).toEqual(["'self'", ...expected]);
    // The hash is of the script text itself, as browsers compute it.
    const { createHash } = await import('node:crypto');
    expect(expected[0]).toBe(`'sha256-${createHash('sha256').update(INLINE).digest('base64')}'`);
  });

  it('answers a CORS preflight from an allowed origin with the CORS headers', async () => {
    const res = await fetch(`${server.url}/api/work-orders`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(res.headers.get('access-control-max-age')).toBe('600');
    const simple = await fetch(`${server.url}/api/health`, { headers: { origin: ALLOWED } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('gives no CORS headers to any other origin, preflight or not', async () => {
    for (const origin of [OTHER, 'http://127.0.0.1:10087', 'null', `${ALLOWED}.evil.example`]) {
      const pre = await fetch(`${server.url}/api/work-orders`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      const simple = await fetch(`${server.url}/api/health`, { headers: { origin } });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe(`CORS with no configured origin (${TEST_DB})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers no origin at all', async () => {
    const pre = await fetch(`${server.url}/api/work-orders`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
  });
});
