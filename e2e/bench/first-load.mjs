#!/usr/bin/env node
// First load over a throttled mobile network, in headless Chromium against the real server
// (demo mode: demo data, embedded fake WeChat) serving the built console and H5 app. Not part of
// the test suite; results go to docs/benchmarks.md.
//
//   node e2e/bench/first-load.mjs                 Fast 4G, 5 runs per page, precompressed as served
//   node e2e/bench/first-load.mjs --runs 9 --profile slow4g
//   node e2e/bench/first-load.mjs --identity      ask for uncompressed files (Accept-Encoding: identity)
//
// Profiles are Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts), applied with CDP
// Network.emulateNetworkConditions (latency is added per request, throughput per connection):
//   fast4g  9 Mbps down, 1.5 Mbps up (x 0.9), 60 ms x 2.75 = 165 ms latency
//   slow4g  1.6 Mbps down, 750 kbps up (x 0.9), 150 ms x 3.75 = 562.5 ms latency
// No CPU throttling: the numbers are the network's share on this machine's CPU.
//
// Each run: a fresh browser profile logs in without throttling (the token lands in
// localStorage, as for a returning user), the HTTP cache is cleared, throttling is switched on,
// and the page is opened cold. Measured from navigation start:
//   h5 home interactive         resident1's H5 home shows its category buttons (rendered from
//                               the API) — the first moment the resident can start a report
//   console dashboard number    /dashboard shows the satisfaction index (metric-index has a value)
// plus the bytes received (encoded, i.e. as transferred) and the request count.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt('--runs', '5'));
const PROFILE = opt('--profile', 'fast4g');
const IDENTITY = args.includes('--identity');
/** Print each request of the last run: start and end (ms from navigation), bytes, URL. */
const WATERFALL = args.includes('--waterfall');
const PROFILES = {
  fast4g: { latency: 60 * 2.75, download: ((9 * 1000 * 1000) / 8) * 0.9, upload: ((1.5 * 1000 * 1000) / 8) * 0.9 },
  slow4g: { latency: 150 * 3.75, download: ((1.6 * 1000 * 1000) / 8) * 0.9, upload: ((750 * 1000) / 8) * 0.9 },
};
const network = PROFILES[PROFILE];
if (!network) throw new Error(`unknown --profile ${PROFILE}: fast4g or slow4g`);
const CHROMIUM = process.env.LINLI_CHROMIUM ?? '/usr/bin/chromium';

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const work = mkdtempSync(path.join(os.tmpdir(), 'linli-first-load-'));
let output = '';
const server = spawn(process.execPath, [path.join(REPO, 'server/dist/main.js')], {
  cwd: path.join(REPO, 'server'),
  env: {
    ...process.env,
    LINLI_MODE: 'demo',
    HOST: '127.0.0.1',
    PORT: String(port),
    LINLI_DATA_DIR: work,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.on('data', (d) => (output = (output + d).slice(-10000)));
server.stderr.on('data', (d) => (output = (output + d).slice(-10000)));

async function healthy() {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited ${server.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server not healthy:\n${output}`);
    await sleep(200);
  }
}

/** One cold, throttled load of `url` after `login`; resolves when `ready(page)` does. */
async function measure(login, url, ready) {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'linli-first-load-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    await login(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    if (IDENTITY) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
    await page.goto('about:blank');
    let bytes = 0;
    let requests = 0;
    const started = new Map();
    const rows = [];
    let t0 = 0;
    cdp.on('Network.requestWillBeSent', (e) => started.set(e.requestId, { url: e.request.url, at: Date.now() - t0 }));
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      requests += 1;
      const s = started.get(e.requestId);
      if (s) rows.push({ ...s, end: Date.now() - t0, bytes: e.encodedDataLength });
    });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: network.latency,
      downloadThroughput: network.download,
      uploadThroughput: network.upload,
    });
    t0 = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await ready(page);
    const ms = Date.now() - t0;
    await sleep(300);
    return { ms, bytes, requests, rows: rows.filter((r) => r.at <= ms) };
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

const h5Home = `${base}/h5/#/pages/home/index`;
const cases = [
  {
    name: 'h5 home interactive',
    target: 1500,
    login: async (page) => {
      // A ?code= logs the H5 app in at once (the demo's fake WeChat knows resident1).
      await page.goto(`${base}/h5/#/pages/login/index?code=resident1`);
      await page.getByText('选择要报修的问题').filter({ visible: true }).first().waitFor();
    },
    url: h5Home,
    ready: async (page) => {
      await page.getByText('选择要报修的问题').filter({ visible: true }).first().waitFor();
      await page.getByText('漏水', { exact: true }).filter({ visible: true }).first().waitFor();
    },
  },
  {
    name: 'console dashboard first number',
    target: 2000,
    login: async (page) => {
      await page.goto(`${base}/`);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill('linli-demo');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('side-menu').waitFor();
    },
    url: `${base}/dashboard`,
    ready: (page) =>
      page.waitForFunction(() => {
        // Runs in the page (a browser global, not Node's).
        // eslint-disable-next-line no-undef
        const el = document.querySelector('[data-testid="metric-index"]');
        return el && el.getAttribute('data-value') !== 'null' && el.textContent !== '—';
      }),
  },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  await healthy();
  console.log(
    `profile ${PROFILE}: ${(network.download * 8) / 1e6} Mbps down, ${(network.upload * 8) / 1e6} Mbps up, ` +
      `${network.latency} ms latency; ${RUNS} runs; ${IDENTITY ? 'Accept-Encoding: identity' : 'precompressed as served'}`,
  );
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0].toFixed(2)}`);
  for (const c of cases) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(c.login, c.url, c.ready));
    const ms = runs.map((r) => r.ms);
    if (WATERFALL) {
      for (const r of runs[runs.length - 1].rows.sort((a, b) => a.at - b.at)) {
        console.log(
          `  ${String(r.at).padStart(5)} → ${String(r.end).padStart(5)} ms ${String(r.bytes).padStart(7)} B ${r.url.replace(base, '')}`,
        );
      }
    }
    const kb = (median(runs.map((r) => r.bytes)) / 1024).toFixed(0);
    console.log(
      `${c.name}: median ${median(ms)} ms, min ${Math.min(...ms)}, max ${Math.max(...ms)} ` +
        `(target <= ${c.target} ms: ${median(ms) <= c.target ? 'met' : 'MISSED'}); ` +
        `${kb} KiB transferred in ${median(runs.map((r) => r.requests))} requests; runs ${ms.join(', ')}`,
    );
  }
} finally {
  server.kill('SIGINT');
  await new Promise((r) => server.once('exit', r));
  rmSync(work, { recursive: true, force: true });
}
