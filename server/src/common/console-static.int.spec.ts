// The console and the H5 build over real HTTP: precompressed brotli/gzip copies by
// Accept-Encoding (with Vary), hashed files cached for a year as immutable, index.html no-cache.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const JS = `console.log(${JSON.stringify('邻里'.repeat(2000))});\n`;
const HTML = `<!doctype html><html><head><script type="module" src="/assets/index-AbC12_x9.js"></script></head><body>${'<div></div>'.repeat(200)}</body></html>`;
const H5_JS = `var a=${JSON.stringify('x'.repeat(5000))};`;

/** A file of a build with the copies the build step makes. */
function built(file: string, body: string, copies = true) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  if (copies) {
    writeFileSync(`${file}.br`, brotliCompressSync(Buffer.from(body)));
    writeFileSync(`${file}.gz`, gzipSync(Buffer.from(body)));
  }
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET without any client-side decoding, so the test sees exactly what was sent. */
function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

function decoded(r: Raw): string {
  const enc = r.headers['content-encoding'];
  const body = enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body;
  return body.toString('utf8');
}

describe('static builds: precompression and caching', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-static-'));
    const consoleDir = path.join(dir, 'console');
    const h5Dir = path.join(dir, 'h5');
    built(path.join(consoleDir, 'index.html'), HTML);
    built(path.join(consoleDir, 'assets/index-AbC12_x9.js'), JS);
    built(path.join(consoleDir, 'assets/plain-Zz99yy88.css'), 'body{margin:0}', false);
    built(path.join(consoleDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>', false);
    built(path.join(h5Dir, 'index.html'), HTML.replace('/assets/', '/h5/js/'));
    built(path.join(h5Dir, 'js/app.1a2b3c4d.js'), H5_JS);
    server = await startTestServer({ env: { LINLI_CONSOLE_DIR: consoleDir, LINLI_H5_DIR: h5Dir } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends brotli, else gzip, else the file, as the client accepts, with Vary', async () => {
    const url = `${server.url}/assets/index-AbC12_x9.js`;
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.body.length).toBeLessThan(Buffer.byteLength(JS) / 5);
    expect(decoded(br)).toBe(JS);

    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz)).toBe(JS);
    const noBr = await get(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(noBr.headers['content-encoding']).toBe('gzip');

    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.toString('utf8')).toBe(JS);
    // A file without copies is sent as it is.
    const css = await get(`${server.url}/assets/plain-Zz99yy88.css`, { 'accept-encoding': 'br, gzip' });
    expect(css.status).toBe(200);
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.body.toString('utf8')).toBe('body{margin:0}');
    // The copies are not files of their own.
    expect((await get(`${server.url}/assets/index-AbC12_x9.js.br`)).status).toBe(404);
  });

  it('caches hashed console assets for a year (immutable) and never index.html', async () => {
    const asset = await get(`${server.url}/assets/index-AbC12_x9.js`, { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const p of ['/', '/index.html', '/work-orders/12']) {
      const page = await get(`${server.url}${p}`, { accept: 'text/html', 'accept-encoding': 'br, gzip' });
      expect([p, page.status, page.headers['cache-control']]).toEqual([p, 200, 'no-cache']);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['content-encoding']).toBe('br');
      expect(decoded(page)).toBe(HTML);
    }
    const icon = await get(`${server.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect((await get(`${server.url}/assets/missing-00000000.js`)).status).toBe(404);
  });

  it('serves the H5 build the same way', async () => {
    const js = await get(`${server.url}/h5/js/app.1a2b3c4d.js`, { 'accept-encoding': 'gzip, br' });
    expect(js.status).toBe(200);
    expect(js.headers['content-encoding']).toBe('br');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers.vary).toMatch(/Accept-Encoding/i);
    expect(decoded(js)).toBe(H5_JS);
    for (const p of ['/h5/', '/h5/index.html']) {
      const page = await get(`${server.url}${p}`, { 'accept-encoding': 'gzip' });
      expect([p, page.status, page.headers['cache-control'], page.headers['content-encoding']]).toEqual([
        p,
        200,
        'no-cache',
        'gzip',
      ]);
      expect(decoded(page)).toContain('/h5/js/');
    }
    const bare = await get(`${server.url}/h5`);
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/h5/');
  });
});
