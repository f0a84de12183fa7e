import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('the web console at /', () => {
  describe('built', () => {
    let server: TestServer;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'linli-console-'));
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
      writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
      server = await startTestServer({ env: { LINLI_CONSOLE_DIR: dir } });
    });

    afterAll(async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers / and client routes with index.html, never cached', async () => {
      for (const p of ['/', '/dashboard', '/work-orders/12?status=closed']) {
        const res = await fetch(`${server.url}${p}`, { headers: HTML });
        expect([p, res.status]).toEqual([p, 200]);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(await res.text()).toContain('<div id="root">');
      }
    });

    it('serves hashed assets for a year and answers a missing asset 404, not the page', async () => {
      const asset = await fetch(`${server.url}/assets/index-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('max-age=31536000');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const missing = await fetch(`${server.url}/assets/gone.js`, { headers: HTML });
      expect(missing.status).toBe(404);
    });

    it('leaves the API, uploads, the H5 path and non-HTML requests alone', async () => {
      const api = await fetch(`${server.url}/api/nope`, { headers: HTML });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toContain('application/json');
      expect((await fetch(`${server.url}/h5/anything`, { headers: HTML })).status).toBe(404);
      expect((await fetch(`${server.url}/uploads/1`, { headers: HTML })).status).toBe(404);
      expect((await fetch(`${server.url}/dashboard`, { headers: { accept: 'application/json' } })).status).toBe(404);
      expect((await fetch(`${server.url}/dashboard`, { method: 'POST', headers: HTML })).status).toBe(404);
    });
  });

  describe('not built', () => {
    let server: TestServer;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'linli-console-empty-'));
      server = await startTestServer({ env: { LINLI_CONSOLE_DIR: dir } });
    });

    afterAll(async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('says at / how to build it, with the links of the old landing page', async () => {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('pnpm --filter @linli/console build');
      expect(html).toContain('href="/api/docs"');
      expect((await fetch(`${server.url}/dashboard`, { headers: HTML })).status).toBe(404);
    });
  });
});
