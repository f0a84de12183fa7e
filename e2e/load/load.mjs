#!/usr/bin/env node
// Load test of the real server on MariaDB with autocannon: one endpoint at a time, each against
// GET /api/health as the framework's ceiling on this machine.
//
//   node e2e/load/load.mjs                       20 s per endpoint, 10 connections
//   node e2e/load/load.mjs --short               3 s per endpoint; exits 1 on any non-2xx or error (CI)
//   node e2e/load/load.mjs --duration 30 --connections 20
//   node e2e/load/load.mjs --profile create      also CPU-profile the server during that endpoint
//                                                (writes e2e/load/profiles/<name>.cpuprofile and
//                                                prints its top frames; see profile-summary.mjs)
//   node e2e/load/load.mjs --json out.json       results as JSON too
//   node e2e/load/load.mjs --db-url mysql://root@127.0.0.1:3306/linli_load   (default: a fresh
//                                                database linli_load_<pid> on 127.0.0.1:3306, dropped after)
//
// What it does: starts `node server/dist/main.js` (development mode, demo data seeded, worker
// loop on as in production, fake WeChat in this process), adds residents verified for the demo
// houses (the create limit is 30 a minute per user, so the load is spread over many), logs
// everyone in over HTTP, then runs, in order:
//   health      GET  /api/health                          no auth, one SELECT 1
//   create      POST /api/work-orders                     a resident, unique Idempotency-Key each
//   list        GET  /api/work-orders?pageSize=20         a resident's own orders
//   transition  POST /api/work-orders/:id/transitions     the desk assigns a created order (each once)
//   summary     GET  /api/satisfaction/summary            the supervisor's 90-day dashboard summary
// Each request comes from its own client address (X-Forwarded-For, trusted from loopback as
// from a load balancer), so per-IP limits do not cap the run. Needs server/dist (pnpm build).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './profile-summary.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const SERVER_DIR = path.join(REPO, 'server');
const DIST = path.join(SERVER_DIR, 'dist');
const APPID = 'wxlinliload';
const WECHAT_SECRET = 'linli-load-wechat-secret';
const JWT_SECRET = 'linli-load-jwt-secret-0123456789abcdefghij';
const DEMO_PASSWORD = 'linli-demo';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string', default: '10' },
    residents: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'string' },
    'db-url': { type: 'string' },
    only: { type: 'string' },
  },
});
const DURATION = Number(args.duration ?? (args.short ? 3 : 20));
const CONNECTIONS = Number(args.connections);
const ENDPOINTS = ['health', 'create', 'list', 'transition', 'summary'];
const only = args.only ? args.only.split(',') : ENDPOINTS;
if (args.profile && !ENDPOINTS.includes(args.profile)) {
  console.error(`--profile must be one of ${ENDPOINTS.join(', ')}`);
  process.exit(2);
}

if (!existsSync(path.join(DIST, 'main.js'))) {
  console.error(`${path.join(DIST, 'main.js')} is missing: build the server first (pnpm --filter @linli/server build)`);
  process.exit(2);
}
const importDist = (p) => import(pathToFileURL(path.join(DIST, p)).href);
const { createDataSource, dropDatabase } = await importDist('database/data-source.js');
const { FakeWechatServer } = await importDist('wechat/fake-wechat-server.js');
const { User } = await importDist('modules/users/user.entities.js');
const { HouseBinding } = await importDist('modules/residents/house-binding.entity.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function dbConfigOf(url) {
  const u = new URL(url);
  return {
    type: 'mariadb',
    file: '',
    host: u.hostname,
    port: Number(u.port || 3306),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** User + system CPU time of a process in ms (Linux /proc; null elsewhere). */
function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}
const ownDb = !args['db-url'];
const dbUrl = args['db-url'] ?? `mysql://root@127.0.0.1:3306/linli_load_${process.pid}`;
const db = dbConfigOf(dbUrl);
const workDir = path.join(os.tmpdir(), `linli-load-${process.pid}`);
mkdirSync(workDir, { recursive: true });

// ---- the server ----------------------------------------------------------------------------
const fake = new FakeWechatServer({ appid: APPID, secret: WECHAT_SECRET });
const wechat = await fake.listen(0);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const profileDir = path.join(workDir, 'cpu');
const nodeArgs = args.profile
  ? [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      '--import',
      pathToFileURL(path.join(HERE, 'exit-on-signal.mjs')).href,
    ]
  : [];
let serverOutput = '';

function startServer(extra) {
  const child = spawn(process.execPath, [...extra, path.join(DIST, 'main.js')], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      LINLI_MODE: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LINLI_DB_URL: dbUrl,
      LINLI_MIGRATE_ON_START: 'true',
      LINLI_SEED_DEMO: 'true',
      LINLI_JWT_SECRET: JWT_SECRET,
      WECHAT_API_BASE: wechat.url,
      WECHAT_APPID: APPID,
      WECHAT_SECRET,
      LINLI_DATA_DIR: path.join(workDir, 'data'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (serverOutput = (serverOutput + d).slice(-20000)));
  child.stderr.on('data', (d) => (serverOutput = (serverOutput + d).slice(-20000)));
  return child;
}

async function waitHealthy(child) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${serverOutput}`);
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server not healthy after 180 s:\n${serverOutput}`);
    await sleep(200);
  }
}

async function stopServer(child) {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

let xff = 0;
/** A client address of its own for each request (per-IP limits are not what is measured). */
const nextIp = () => {
  xff += 1;
  return `10.${(xff >> 16) & 255}.${(xff >> 8) & 255}.${xff & 255}`;
};

async function post(p, body, headers = {}) {
  const res = await fetch(`${base}/api${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': nextIp(), ...headers },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`POST ${p} answered ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Many residents, each verified for a demo house (what the binding flow ends in). */
async function addResidents(ds, count) {
  const houses = await ds.query('SELECT id FROM house ORDER BY id');
  // A database kept from an earlier run (--db-url) already has some of them.
  const existing = new Set(
    (await ds.query("SELECT wechatOpenid FROM user WHERE role = 'resident' AND wechatOpenid IS NOT NULL")).map(
      (r) => r.wechatOpenid,
    ),
  );
  await ds.transaction(async (em) => {
    for (let i = 0; i < count; i++) {
      if (existing.has(fake.openidFor(`load-res-${i}`))) continue;
      const user = await em.save(
        em.create(User, {
          role: 'resident',
          companyId: null,
          name: `压测住户${i}`,
          phone: `1580000${String(i).padStart(4, '0')}`,
          wechatOpenid: fake.openidFor(`load-res-${i}`),
          username: null,
          passwordHash: null,
          isDemo: false,
          active: true,
        }),
      );
      await em.save(
        em.create(HouseBinding, {
          userId: user.id,
          houseId: Number(houses[i % houses.length].id),
          relation: 'owner',
          status: 'verified',
          name: user.name,
          phone: user.phone,
          reviewedById: null,
          reviewedAt: new Date(),
        }),
      );
    }
  });
  return houses.length;
}

/** Run `fn` over `items` with `n` in flight. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

function chinaDay(offsetDays) {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

// ---- the endpoints ---------------------------------------------------------------------------
function endpoints(ctx) {
  let n = 0;
  const resident = () => ctx.residents[n++ % ctx.residents.length];
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  let key = 0;
  let assignNo = 0;
  return {
    health: { method: 'GET', path: '/api/health' },
    create: {
      method: 'POST',
      path: '/api/work-orders',
      setupRequest: (req) => {
        const r = resident();
        key += 1;
        return {
          ...req,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${r.token}`,
            'idempotency-key': `load-${runId}-${key}`,
            'x-forwarded-for': nextIp(),
          },
          body: JSON.stringify({
            category: 'plumbing',
            description: `压测报修 ${key}：厨房水管漏水`,
            houseId: r.houseId,
          }),
        };
      },
      onResponse: (status, body) => {
        if (status === 201) ctx.created.push(JSON.parse(body).id);
      },
    },
    list: {
      method: 'GET',
      path: '/api/work-orders?page=1&pageSize=20',
      setupRequest: (req) => ({
        ...req,
        headers: { authorization: `Bearer ${resident().token}`, 'x-forwarded-for': nextIp() },
      }),
    },
    transition: {
      method: 'POST',
      path: '/api/work-orders/0/transitions',
      setupRequest: (req) => {
        // Each created order once, to a technician serving both communities (tech3, tech6).
        const id = ctx.created[assignNo % ctx.created.length];
        const assigneeId = ctx.techIds[assignNo % ctx.techIds.length];
        assignNo += 1;
        return {
          ...req,
          path: `/api/work-orders/${id}/transitions`,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${ctx.desk}`,
            'x-forwarded-for': nextIp(),
          },
          body: JSON.stringify({ action: 'assign', assigneeId }),
        };
      },
    },
    summary: {
      method: 'GET',
      path: `/api/satisfaction/summary?from=${chinaDay(-89)}&to=${chinaDay(0)}`,
      setupRequest: (req) => ({
        ...req,
        headers: { authorization: `Bearer ${ctx.supervisor}`, 'x-forwarded-for': nextIp() },
      }),
    },
  };
}

async function measure(name, request, seconds) {
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [request],
  });
  return {
    endpoint: name,
    rps: Math.round(result.requests.average * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

// ---- main ------------------------------------------------------------------------------------
// Profiling: migrate and seed in a first, unprofiled start, so that the profile shows the load.
let server = startServer([]);
let ds;
let failed = false;
const results = [];
try {
  await waitHealthy(server);
  if (nodeArgs.length) {
    await stopServer(server);
    server = startServer(nodeArgs);
    await waitHealthy(server);
  }
  ds = createDataSource(db);
  await ds.initialize();
  const residentCount = Number(args.residents ?? (args.short ? 120 : 600));
  const houseCount = await addResidents(ds, residentCount);
  const residents = await pool(
    Array.from({ length: residentCount }, (_, i) => i),
    8,
    async (i) => {
      const login = await post('/auth/wechat', { code: `load-res-${i}` });
      const houses = await fetch(`${base}/api/me/houses`, { headers: { authorization: `Bearer ${login.token}` } });
      const list = await houses.json();
      return { token: login.token, houseId: list[0].houseId };
    },
  );
  const desk = (await post('/auth/password', { username: 'desk1', password: DEMO_PASSWORD })).token;
  const supervisor = (await post('/auth/password', { username: 'supervisor1', password: DEMO_PASSWORD })).token;
  const techIds = (await ds.query("SELECT id FROM user WHERE username IN ('tech3', 'tech6') ORDER BY id")).map((r) =>
    Number(r.id),
  );
  const ctx = { residents, desk, supervisor, techIds, created: [] };
  const defs = endpoints(ctx);
  console.log(
    `load: ${base} on MariaDB ${db.host}:${db.port}/${db.database}; ${residentCount} residents on ${houseCount} houses; ` +
      `${CONNECTIONS} connections, ${DURATION} s per endpoint${args.profile ? `; profiling ${args.profile}` : ''}`,
  );

  for (const name of ENDPOINTS) {
    if (!only.includes(name)) continue;
    if (name === 'transition') {
      // Enough orders that no two requests in flight ever move the same one (that would be a
      // legitimate 409 VERSION_CONFLICT, not what is measured): top up when the create run was short.
      for (let i = 0; ctx.created.length < CONNECTIONS * 8; i++) {
        const r = residents[i % residents.length];
        const order = await post(
          '/work-orders',
          { category: 'plumbing', description: '压测补充工单', houseId: r.houseId },
          { authorization: `Bearer ${r.token}`, 'idempotency-key': `load-${process.pid}-extra-${i}` },
        );
        ctx.created.push(order.id);
      }
    }
    // A short warm-up, not counted (JIT, pools, caches); none in --short runs.
    if (!args.short) await measure(name, defs[name], 2);
    const questions = async () => Number((await ds.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0].Value);
    const q0 = await questions();
    const cpu0 = serverCpuMs(server.pid);
    const r = await measure(name, defs[name], DURATION);
    // The server's own CPU time per request: steadier than req/s on a shared machine.
    r.cpuMsPerRequest = Math.round(((serverCpuMs(server.pid) - cpu0) / Math.max(1, r.requests)) * 100) / 100;
    // Every statement the database received meanwhile, background work included (and other
    // clients' on a shared server), per request answered.
    r.sqlPerRequest = Math.round(((await questions()) - q0 - 1) / Math.max(1, r.requests));
    results.push(r);
    console.log(
      `  ${name.padEnd(10)} ${String(r.rps).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  ` +
        `${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors, ~${r.sqlPerRequest} SQL statements and ${r.cpuMsPerRequest} ms of server CPU each`,
    );
    if (name === 'transition' && ctx.created.length < r.requests) {
      console.log(`  (transition reused orders: ${r.requests} requests over ${ctx.created.length} created orders)`);
    }
  }
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await stopServer(server);
  if (ds?.isInitialized) {
    if (ownDb) await dropDatabase(db).catch((e) => console.error(`could not drop ${db.database}: ${e}`));
    await ds.destroy();
  }
  await fake.close();
}

const health = results.find((r) => r.endpoint === 'health');
if (results.length) {
  console.log(
    '\n| endpoint | req/s | p50 ms | p99 ms | requests | non-2xx | errors | SQL/request | server CPU ms/request | req/s vs health |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const ratio = health && health.rps ? `${Math.round((r.rps / health.rps) * 100)}%` : '–';
    r.vsHealth = health && health.rps ? r.rps / health.rps : null;
    console.log(
      `| ${r.endpoint} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.errors} | ${r.sqlPerRequest} | ${r.cpuMsPerRequest} | ${ratio} |`,
    );
  }
}

if (args.profile) {
  const files = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (files.length) {
    const outDir = path.join(HERE, 'profiles');
    mkdirSync(outDir, { recursive: true });
    const target = path.join(outDir, `${args.profile}.cpuprofile`);
    renameSync(path.join(profileDir, files[0]), target);
    console.log(`\nCPU profile of the server (whole run): ${path.relative(process.cwd(), target)}`);
    console.log(summarizeProfile(target, 25));
  } else {
    console.log('no CPU profile was written');
  }
}

if (args.json)
  writeFileSync(args.json, JSON.stringify({ duration: DURATION, connections: CONNECTIONS, results }, null, 2));
rmSync(workDir, { recursive: true, force: true });

const bad = results.filter((r) => r.non2xx > 0 || r.errors > 0 || r.requests === 0);
if (bad.length) console.error(`\nnon-2xx answers or errors on: ${bad.map((r) => r.endpoint).join(', ')}`);
if (results.length < only.length) failed = true;
process.exit(failed || bad.length ? 1 : 0);
