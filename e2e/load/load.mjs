#!/usr/bin/env node
// Load test of the real server on MariaDB with autocannon: one endpoint at a time, each against
// GET /api/health as the framework's ceiling on this machine and against db-insert (one-row
// autocommit INSERTs through the server's own pool, no HTTP) as the database's.
//
//   node e2e/load/load.mjs                       20 s per endpoint, 10 connections
//   node e2e/load/load.mjs --short               3 s per endpoint; exits 1 on any non-2xx or error (CI)
//   node e2e/load/load.mjs --duration 30 --connections 50
//   node e2e/load/load.mjs --only health,db-insert,create   a subset, in the usual order
//   node e2e/load/load.mjs --one-community       create (and list) as residents of ONE community's
//                                                houses only: every create takes the same
//                                                per-community order-number row (order_sequence)
//   node e2e/load/load.mjs --compare-communities create twice, spread over all communities then in
//                                                one community, same connections, and the ratio
//                                                one/spread (default --only: health,db-insert,create)
//   node e2e/load/load.mjs --residents 2000      residents to log in per group (default: enough for
//                                                the create limit at this duration and connections)
//   node e2e/load/load.mjs --profile create      also CPU-profile the server during that endpoint
//                                                (writes e2e/load/profiles/<name>.cpuprofile and
//                                                prints its top frames; see profile-summary.mjs)
//   node e2e/load/load.mjs --json out.json       results as JSON too (results: the HTTP endpoints;
//                                                baseline: the db-insert row; machine: cpus and load
//                                                average at start and end; compare: the ratio)
//   node e2e/load/load.mjs --db-url mysql://root@127.0.0.1:3306/linli_load   (default: a fresh
//                                                database linli_load_<pid> on 127.0.0.1:3306, dropped after)
//
// What it does: starts `node server/dist/main.js` (development mode, demo data seeded, worker
// loop on as in production, fake WeChat in this process), adds residents verified for the demo
// houses (the create limit is 30 a minute per user, so the load is spread over many: by default
// enough that CONNECTIONS x 40 creates/s would stay under it), logs everyone in over HTTP, then
// runs, in order:
//   health      GET  /api/health                          no auth, one SELECT 1
//   db-insert   INSERT INTO load_baseline ... (autocommit) --connections workers in this process,
//                                                          each awaiting ds.query() in a loop, on
//                                                          the server's DataSource options (same
//                                                          pool size); scratch table dropped after
//   create      POST /api/work-orders                     a resident, unique Idempotency-Key each
//   list        GET  /api/work-orders?pageSize=20         a resident's own orders
//   transition  POST /api/work-orders/:id/transitions     the desk assigns a created order (a 409, the order
//                                                         taken by routing first, counts as a conflict)
//   summary     GET  /api/satisfaction/summary            the supervisor's 90-day dashboard summary
// Each request comes from its own client address (X-Forwarded-For, trusted from loopback through
// LINLI_TRUSTED_PROXIES as from a load balancer), so per-IP limits do not cap the run. It prints the server's DB pool size
// (connectionLimit in server/dist/database/data-source.js; no env var sets it: more connections
// than that queue for a database connection), the create mode, and the machine's load average and
// cpu count at start and end. Every row has its p50/p99 and its req/s relative to health and to
// db-insert. Needs server/dist (pnpm build).
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
    'one-community': { type: 'boolean', default: false },
    'compare-communities': { type: 'boolean', default: false },
  },
});
const DURATION = Number(args.duration ?? (args.short ? 3 : 20));
const CONNECTIONS = Number(args.connections);
const ENDPOINTS = ['health', 'db-insert', 'create', 'list', 'transition', 'summary'];
const COMPARE = args['compare-communities'];
const ONE_COMMUNITY = args['one-community'];
if (COMPARE && ONE_COMMUNITY) {
  console.error('--one-community and --compare-communities exclude each other (compare runs both modes)');
  process.exit(2);
}
const only = args.only ? args.only.split(',') : COMPARE ? ['health', 'db-insert', 'create'] : ENDPOINTS;
const unknown = only.filter((n) => !ENDPOINTS.includes(n));
if (unknown.length) {
  console.error(`--only: unknown ${unknown.join(', ')} (endpoints: ${ENDPOINTS.join(', ')})`);
  process.exit(2);
}
if (COMPARE && !only.includes('create')) {
  console.error('--compare-communities needs create in --only');
  process.exit(2);
}
if (args.profile && !ENDPOINTS.includes(args.profile)) {
  console.error(`--profile must be one of ${ENDPOINTS.join(', ')}`);
  process.exit(2);
}
if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || !(DURATION > 0)) {
  console.error('--connections must be a positive integer and --duration a positive number of seconds');
  process.exit(2);
}
const WARMUP = args.short ? 0 : 2;
/** The server's limit on creates per user (@RateLimit on POST /work-orders). */
const CREATE_LIMIT = { perUser: 30, windowSeconds: 60 };
/** A generous ceiling on create req/s per connection (today ~3-4), to size the residents. */
const CREATE_RPS_PER_CONNECTION = 40;
const machine = () => ({ loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100), cpus: os.cpus().length });
const machineStart = machine();

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
      // Requests name their client in X-Forwarded-For, as a load balancer would.
      LINLI_TRUSTED_PROXIES: 'loopback',
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

/**
 * Many residents, each verified for one of `houses` in turn (what the binding flow ends in);
 * `group` names them (openid code `load-<group>-<i>`), so the groups of one run never share a user.
 */
async function addResidents(ds, group, count, houses, phonePrefix) {
  // A database kept from an earlier run (--db-url) already has some of them.
  const existing = new Set(
    (await ds.query("SELECT wechatOpenid FROM user WHERE role = 'resident' AND wechatOpenid IS NOT NULL")).map(
      (r) => r.wechatOpenid,
    ),
  );
  await ds.transaction(async (em) => {
    for (let i = 0; i < count; i++) {
      if (existing.has(fake.openidFor(`load-${group}-${i}`))) continue;
      const user = await em.save(
        em.create(User, {
          role: 'resident',
          companyId: null,
          name: `压测住户${group}${i}`,
          phone: `${phonePrefix}${String(i).padStart(5, '0')}`,
          wechatOpenid: fake.openidFor(`load-${group}-${i}`),
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
}

/** Log the group's residents in over HTTP: token and house of each, creates counted client-side. */
async function loginResidents(group, count) {
  return pool(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (i) => {
      const login = await post('/auth/wechat', { code: `load-${group}-${i}` });
      const houses = await fetch(`${base}/api/me/houses`, {
        headers: { authorization: `Bearer ${login.token}`, 'x-forwarded-for': nextIp() },
      });
      const list = await houses.json();
      return { token: login.token, houseId: list[0].houseId, creates: 0 };
    },
  );
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
  // create: the group of the create mode being measured (ctx.createMode); list: the run's main group.
  const resident = (group) => ctx.groups[group][n++ % ctx.groups[group].length];
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  let key = 0;
  let assignNo = 0;
  return {
    health: { method: 'GET', path: '/api/health' },
    create: {
      method: 'POST',
      path: '/api/work-orders',
      setupRequest: (req) => {
        const r = resident(ctx.createMode);
        r.creates += 1;
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
        headers: { authorization: `Bearer ${resident(ctx.mainGroup).token}`, 'x-forwarded-for': nextIp() },
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
    // A desk's assignment can lose the order to routing's background re-match, which parks and
    // re-assigns waiting orders meanwhile: one winner, the other a 409. Counted apart, not as a
    // failure; any other non-2xx is one.
    conflicts: name === 'transition' ? (result.statusCodeStats?.[409]?.count ?? 0) : 0,
    non2xx: result.non2xx - (name === 'transition' ? (result.statusCodeStats?.[409]?.count ?? 0) : 0),
    errors: result.errors + result.timeouts,
    statusCodes: result.statusCodeStats,
  };
}

const BASELINE_TABLE = 'load_baseline';

/**
 * The database's own ceiling for one-row writes: CONNECTIONS workers, each awaiting a one-row
 * autocommit INSERT in a loop for `seconds`, through `ds` (the server's DataSource options, so the
 * same mysql2 pool and pool size). Reported like an autocannon run (one query = one request).
 */
async function measureDbInsert(ds, seconds) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, w) => {
      let i = 0;
      while (performance.now() < end) {
        const start = performance.now();
        try {
          await ds.query(`INSERT INTO ${BASELINE_TABLE} (v, created_at) VALUES (?, NOW())`, [`w${w}-${i++}`]);
          latencies.push(performance.now() - start);
        } catch (e) {
          errors += 1;
          firstError ??= e;
        }
      }
    }),
  );
  if (firstError) console.error(`db-insert: ${errors} failed inserts, first: ${firstError}`);
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p) =>
    sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10 : 0;
  return {
    endpoint: 'db-insert',
    rps: Math.round((latencies.length / elapsed) * 10) / 10,
    p50: pct(0.5),
    p99: pct(0.99),
    requests: latencies.length + errors,
    ok: latencies.length,
    non2xx: 0,
    errors,
  };
}

const pctOf = (x, y) => {
  if (!y) return null;
  return Math.round((x / y) * 10000) / 10000;
};
const fmtPct = (ratio) => {
  if (ratio === null || ratio === undefined) return '–';
  const p = ratio * 100;
  return `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`;
};
const fmtLoad = (m) => `load average ${m.loadavg.join(' ')} (1/5/15 min) on ${m.cpus} cpus`;

// ---- main ------------------------------------------------------------------------------------
console.log(`machine at start: ${fmtLoad(machineStart)}`);
// Profiling: migrate and seed in a first, unprofiled start, so that the profile shows the load.
let server = startServer([]);
let ds;
let failed = false;
let baselineTable = false;
/** Every row measured, in order, db-insert included. */
const rows = [];
const runs = [];
for (const name of ENDPOINTS) {
  if (!only.includes(name)) continue;
  if (name !== 'create') runs.push({ name });
  else for (const mode of COMPARE ? ['spread', 'one'] : [ONE_COMMUNITY ? 'one' : 'spread']) runs.push({ name, mode });
}
const info = {
  poolSize: null,
  residents: 0,
  createMode: COMPARE ? 'compare' : ONE_COMMUNITY ? 'one-community' : 'spread',
};
let compare = null;
try {
  await waitHealthy(server);
  if (nodeArgs.length) {
    await stopServer(server);
    server = startServer(nodeArgs);
    await waitHealthy(server);
  }
  // The server's own DataSource options: the same mysql2 pool (and size) as the server's.
  ds = createDataSource(db);
  await ds.initialize();
  info.poolSize = ds.options.extra?.connectionLimit ?? 10; // mysql2's default when unset
  const maxConnections = Number((await ds.query("SHOW VARIABLES LIKE 'max_connections'"))[0].Value);

  // Residents. Each may create CREATE_LIMIT.perUser orders per window: a group gets enough that
  // CONNECTIONS x CREATE_RPS_PER_CONNECTION creates/s over the warm-up and the run (at most one
  // window of it), plus the transition top-up, stay under the limit.
  const needsResidents = only.some((n) => ['create', 'list', 'transition'].includes(n));
  const createSeconds = Math.min(CREATE_LIMIT.windowSeconds, DURATION + WARMUP);
  const needed = Math.ceil(
    (CONNECTIONS * CREATE_RPS_PER_CONNECTION * createSeconds + CONNECTIONS * 8) / CREATE_LIMIT.perUser,
  );
  const residentCount = needsResidents ? Number(args.residents ?? Math.max(args.short ? 120 : 600, needed)) : 0;
  info.residents = residentCount;
  if (only.includes('create') && residentCount < needed) {
    console.warn(
      `warning: ${residentCount} residents allow ${residentCount * CREATE_LIMIT.perUser} creates a minute; ` +
        `${CONNECTIONS} connections may need ${needed} (429s would show as non-2xx)`,
    );
  }
  // The houses of the desk's company (the demo seeds a second company, whose orders desk1 may
  // not see: its assignments would answer 404).
  const houses = (
    await ds.query(
      'SELECT h.id, h.communityId FROM house h JOIN community c ON c.id = h.communityId ' +
        'WHERE c.companyId = (SELECT companyId FROM `user` WHERE username = ?) ORDER BY h.id',
      ['desk1'],
    )
  ).map((h) => ({
    id: Number(h.id),
    communityId: Number(h.communityId),
  }));
  const byCommunity = new Map();
  for (const h of houses) byCommunity.set(h.communityId, [...(byCommunity.get(h.communityId) ?? []), h]);
  // Spread: the communities in turn, each cycling through its own houses, so every community
  // gets the same share and consecutive requests (the ones in flight together) differ in community.
  const spreadHouses = [];
  const lists = [...byCommunity.values()];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) spreadHouses.push(list[i % list.length]);
  // One community: the one with the most houses (the lowest id among equals).
  const [oneId, oneHouses] = [...byCommunity.entries()].sort((x, y) => y[1].length - x[1].length || x[0] - y[0])[0];
  const [oneCommunity] = await ds.query('SELECT name, code FROM community WHERE id = ?', [oneId]);
  const modeText = {
    spread: `spread over ${byCommunity.size} communities in turn (${houses.length} houses)`,
    one: `one community, #${oneId} ${oneCommunity.code} ${oneCommunity.name} (${oneHouses.length} houses)`,
  };
  const mainGroup = ONE_COMMUNITY ? 'one' : 'spread';
  const groupNames = needsResidents ? (COMPARE ? ['spread', 'one'] : [mainGroup]) : [];
  const groups = {};
  for (const g of groupNames) {
    const code = g === 'spread' ? 'res' : 'one';
    await addResidents(
      ds,
      code,
      residentCount,
      g === 'spread' ? spreadHouses : oneHouses,
      g === 'spread' ? '158000' : '158100',
    );
    groups[g] = await loginResidents(code, residentCount);
  }
  const desk = (await post('/auth/password', { username: 'desk1', password: DEMO_PASSWORD })).token;
  const supervisor = (await post('/auth/password', { username: 'supervisor1', password: DEMO_PASSWORD })).token;
  const techIds = (await ds.query("SELECT id FROM user WHERE username IN ('tech3', 'tech6') ORDER BY id")).map((r) =>
    Number(r.id),
  );
  const ctx = { groups, mainGroup, createMode: mainGroup, desk, supervisor, techIds, created: [] };
  const defs = endpoints(ctx);
  console.log(
    `load: ${base} on MariaDB ${db.host}:${db.port}/${db.database}; ` +
      `${residentCount} residents${groupNames.length > 1 ? ' per group' : ''} ` +
      `(create limit ${CREATE_LIMIT.perUser}/${CREATE_LIMIT.windowSeconds} s per user); ` +
      `${CONNECTIONS} connections, ${DURATION} s per endpoint${WARMUP ? ` after ${WARMUP} s of warm-up` : ''}` +
      `${args.profile ? `; profiling ${args.profile}` : ''}`,
  );
  console.log(
    `create mode: ${COMPARE ? `compare, ${modeText.spread}, then ${modeText.one}` : modeText[mainGroup]}` +
      `${ONE_COMMUNITY ? '; list as the same residents' : ''}`,
  );
  console.log(
    `server DB pool: connectionLimit ${info.poolSize} (server/dist/database/data-source.js, no env var), ` +
      `MariaDB max_connections ${maxConnections}` +
      `${CONNECTIONS > info.poolSize ? `; ${CONNECTIONS} connections > pool: requests queue for a database connection` : ''}`,
  );

  const questions = async () => Number((await ds.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0].Value);
  for (const { name, mode } of runs) {
    if (name === 'db-insert') {
      await ds.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
      await ds.query(
        `CREATE TABLE ${BASELINE_TABLE} (id int AUTO_INCREMENT PRIMARY KEY, v varchar(64), created_at datetime)`,
      );
      baselineTable = true;
    }
    if (name === 'transition') {
      // Enough orders that no two requests in flight ever move the same one (that would be a
      // legitimate 409 VERSION_CONFLICT, not what is measured): top up when the create run was
      // short, as the residents with the fewest creates so far (the create limit).
      const missing = CONNECTIONS * 8 - ctx.created.length;
      if (missing > 0) {
        const fewest = Object.values(groups)
          .flat()
          .sort((x, y) => x.creates - y.creates);
        const ids = await pool(
          Array.from({ length: missing }, (_, i) => i),
          8,
          async (i) => {
            const r = fewest[i % fewest.length];
            r.creates += 1;
            const order = await post(
              '/work-orders',
              { category: 'plumbing', description: `压测补充工单 ${i}`, houseId: r.houseId },
              { authorization: `Bearer ${r.token}`, 'idempotency-key': `load-${process.pid}-extra-${i}` },
            );
            return order.id;
          },
        );
        ctx.created.push(...ids);
      }
    }
    if (name === 'create') ctx.createMode = mode;
    const go = (seconds) => (name === 'db-insert' ? measureDbInsert(ds, seconds) : measure(name, defs[name], seconds));
    // A short warm-up, not counted (JIT, pools, caches); none in --short runs.
    if (WARMUP) await go(WARMUP);
    const q0 = await questions();
    const cpu0 = serverCpuMs(server.pid);
    const own0 = process.cpuUsage();
    const r = await go(DURATION);
    if (name === 'create') r.mode = mode === 'one' ? 'one-community' : 'spread';
    r.label = name === 'create' && COMPARE ? `create (${r.mode})` : name;
    const perRequest = (ms) => Math.round((ms / Math.max(1, r.requests)) * 100) / 100;
    if (name === 'db-insert') {
      // The server is idle meanwhile: the CPU that counts is this process's, the pool's client side.
      const own = process.cpuUsage(own0);
      r.cpuMsPerRequest = null;
      r.clientCpuMsPerRequest = perRequest((own.user + own.system) / 1000);
    } else {
      // The server's own CPU time per request: steadier than req/s on a shared machine.
      r.cpuMsPerRequest = perRequest(serverCpuMs(server.pid) - cpu0);
    }
    // Every statement the database received meanwhile, background work included (and other
    // clients' on a shared server), per request answered.
    r.sqlPerRequest = Math.round(((await questions()) - q0 - 1) / Math.max(1, r.requests));
    const health = rows.find((x) => x.endpoint === 'health');
    const dbInsert = rows.find((x) => x.endpoint === 'db-insert');
    r.vsHealth = name === 'health' ? 1 : health ? pctOf(r.rps, health.rps) : null;
    r.vsDbInsert = name === 'db-insert' ? 1 : dbInsert ? pctOf(r.rps, dbInsert.rps) : null;
    rows.push(r);
    if (name === 'db-insert') await ds.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
    const cpuText =
      r.cpuMsPerRequest === null
        ? `${r.clientCpuMsPerRequest} ms of this process's CPU each`
        : `${r.cpuMsPerRequest} ms of server CPU each`;
    console.log(
      `  ${r.label.padEnd(COMPARE ? 22 : 10)} ${String(r.rps).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  ` +
        `${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors, ~${r.sqlPerRequest} SQL statements and ${cpuText}; ` +
        `${fmtPct(r.vsHealth)} of health, ${fmtPct(r.vsDbInsert)} of db-insert`,
    );
    if (r.conflicts) console.log(`  (${r.conflicts} assignments lost the order to routing first: 409, one winner)`);
    if (r.non2xx) {
      const codes = Object.entries(r.statusCodes ?? {}).map(([code, v]) => `${code}: ${v.count}`);
      console.log(`  (answers by status: ${codes.join(', ')})`);
    }
    if (name === 'create') {
      const limited = r.statusCodes?.[429]?.count ?? 0;
      const most = Math.max(...groups[mode].map((x) => x.creates));
      if (limited) {
        console.log(`  (${limited} creates rate-limited (429): raise --residents; up to ${most} creates per resident)`);
      }
    }
    if (r.requests === 0) {
      console.log(`  (no ${r.label} request finished within ${DURATION} s: the server or the database stalled)`);
    }
    if (name === 'transition' && ctx.created.length < r.requests) {
      console.log(`  (transition reused orders: ${r.requests} requests over ${ctx.created.length} created orders)`);
    }
  }
  if (COMPARE) {
    const spread = rows.find((x) => x.mode === 'spread');
    const one = rows.find((x) => x.mode === 'one-community');
    compare = {
      spread: { rps: spread.rps, p50: spread.p50, p99: spread.p99 },
      oneCommunity: { rps: one.rps, p50: one.p50, p99: one.p99 },
      ratio: pctOf(one.rps, spread.rps),
    };
    console.log(
      `\ncompare-communities: create in one community ${one.rps} req/s (p99 ${one.p99} ms) vs spread ${spread.rps} req/s ` +
        `(p99 ${spread.p99} ms) at ${CONNECTIONS} connections: one/spread = ${compare.ratio ?? '–'} (${fmtPct(compare.ratio)})`,
    );
  }
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await stopServer(server);
  if (ds?.isInitialized) {
    if (baselineTable) {
      await ds
        .query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`)
        .catch((e) => console.error(`could not drop ${BASELINE_TABLE}: ${e}`));
    }
    if (ownDb) await dropDatabase(db).catch((e) => console.error(`could not drop ${db.database}: ${e}`));
    await ds.destroy();
  }
  await fake.close();
}
const machineEnd = machine();
// The ratios again, now that every row is in (health ran before db-insert).
const healthRow = rows.find((x) => x.endpoint === 'health');
const dbInsertRow = rows.find((x) => x.endpoint === 'db-insert');
for (const r of rows) {
  r.vsHealth = healthRow ? pctOf(r.rps, healthRow.rps) : null;
  r.vsDbInsert = dbInsertRow ? pctOf(r.rps, dbInsertRow.rps) : null;
}

if (rows.length) {
  console.log(
    '\n| endpoint | req/s | p50 ms | p99 ms | requests | non-2xx | errors | SQL/request | server CPU ms/request | req/s vs health | req/s vs db-insert |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.errors} | ${r.sqlPerRequest} | ` +
        `${r.cpuMsPerRequest ?? '–'} | ${fmtPct(r.vsHealth)} | ${fmtPct(r.vsDbInsert)} |`,
    );
  }
}
console.log(`\nmachine at start: ${fmtLoad(machineStart)}`);
console.log(`machine at end:   ${fmtLoad(machineEnd)}`);

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

if (args.json) {
  const strip = ({ label: _label, statusCodes: _statusCodes, ...r }) => r;
  writeFileSync(
    args.json,
    JSON.stringify(
      {
        duration: DURATION,
        connections: CONNECTIONS,
        ...info,
        machine: { cpus: machineStart.cpus, loadavgStart: machineStart.loadavg, loadavgEnd: machineEnd.loadavg },
        // results: the HTTP endpoints; baseline: the db-insert row (the same fields).
        results: rows.filter((r) => r.endpoint !== 'db-insert').map(strip),
        baseline: rows.filter((r) => r.endpoint === 'db-insert').map(strip)[0] ?? null,
        compare,
      },
      null,
      2,
    ),
  );
}
rmSync(workDir, { recursive: true, force: true });

const bad = rows.filter((r) => r.non2xx > 0 || r.errors > 0 || r.requests === 0);
if (bad.length) console.error(`\nnon-2xx answers or errors on: ${bad.map((r) => r.label).join(', ')}`);
if (rows.length < runs.length) failed = true;
process.exit(failed || bad.length ? 1 : 0);
