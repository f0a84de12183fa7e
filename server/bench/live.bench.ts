/**
 * Live-updates benchmark: how soon a change reaches the sockets that show it
 * (docs/architecture.md "Live updates"). Target: a notice within 2 s of the change, p99.
 *
 *   pnpm --filter @linli/server bench:live                        (MariaDB, linli_bench_live)
 *   pnpm --filter @linli/server bench:live --db sqlite:///tmp/linli-bench-live.sqlite
 *
 * The whole server (createApp, listening on a loopback port) on a fresh benchmark database: one
 * company, one community, one technician and BENCH_ORDERS (default 500) desk users of the
 * community, each with a live socket (real `ws` clients in this process), plus one socket of a
 * desk user in another community (must hear nothing). The technician then pauses and resumes
 * one order BENCH_RUNS (default 200) times through the REST API, one request after the other.
 * For each change it records, from just before the request is sent:
 *   - the REST answer,
 *   - the first socket's notice of that version (the latency a page sees),
 *   - the last of all sockets' notices (the fan-out).
 * Clients and server share the machine's cores, as in the e2e suites.
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { JwtService } from '@nestjs/jwt';
import { LIVE_PATH, parseLiveServerMessage } from '@linli/shared';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { createApp } from '../src/app.js';
import { dropDatabase } from '../src/database/data-source.js';
import { Factory } from '../src/testing/factories.js';
import { TestClient } from '../src/testing/test-server.js';
import { benchConfig, freshBenchDataSource } from './bench-config.js';
import { fmt, median, pct, table } from './report.js';

const BENCH = benchConfig(process.env, process.argv, {
  dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_live',
  dataDir: path.join(os.tmpdir(), `linli-bench-live-${process.pid}`),
  app: true,
  orders: 500, // BENCH_ORDERS: here the number of listening sockets
  runs: 200,
});
/** BENCH_ORDERS is the number of listening sockets here (one order changes). */
const SOCKETS = BENCH.orders;
const RUNS = BENCH.runs;

interface Socket {
  ws: WebSocket;
  /** version -> when its notice arrived (performance.now()). */
  heard: Map<number, number>;
}

async function openSocket(baseUrl: string, token: string, orderId: number | null): Promise<Socket> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + LIVE_PATH);
  const s: Socket = { ws, heard: new Map() };
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      const m = parseLiveServerMessage(data.toString('utf8'));
      if (m?.type === 'ready') resolve();
      if (m?.type === 'order.changed' && (orderId === null || m.orderId === orderId))
        s.heard.set(m.version, performance.now());
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
  });
  return s;
}

async function main() {
  const config = { ...BENCH.app, migrateOnStart: true, live: { heartbeatMs: 25_000, maxSocketsPerUser: 5 } };
  const db = config.db;
  const prep = await freshBenchDataSource(db);
  await prep.destroy();
  const { app } = await createApp(config, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const api = new TestClient(`${url}/api`);
  const jwt = app.get(JwtService);
  const token = (u: { id: number; role: string }) => jwt.sign({ sub: u.id, role: u.role });
  const sockets: Socket[] = [];
  try {
    const f = new Factory(app.get(DataSource));
    const company = await f.company('基准物业');
    const community = await f.community(company.id, 'LIVE');
    const other = await f.community(company.id, 'LIVO');
    const house = await f.house(community.id);
    const tech = await f.staff('technician', company.id, [community.id]);
    const firstDesk = await f.staff('desk', company.id, [community.id]);
    const outsider = await f.staff('desk', company.id, [other.id]);

    const created = await api.post<{ id: number }>(
      '/work-orders',
      { category: 'plumbing', description: '基准：实时通知', houseId: house.id, kind: 'repair' },
      { token: token(firstDesk) },
    );
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const orderId = created.body.id;
    const step = async (who: string, body: object) => {
      const res = await api.post(`/work-orders/${orderId}/transitions`, body, { token: who });
      if (res.status !== 200) throw new Error(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { version: number };
    };
    await step(token(firstDesk), { action: 'assign', assigneeId: tech.id });
    await step(token(tech), { action: 'accept' });
    await step(token(tech), { action: 'depart' });
    await step(token(tech), { action: 'arrive' });

    const startedSockets = performance.now();
    sockets.push(await openSocket(url, token(firstDesk), orderId));
    for (let i = 1; i < SOCKETS; i++) {
      const desk = await f.staff('desk', company.id, [community.id]);
      sockets.push(await openSocket(url, token(desk), orderId));
    }
    const outsiderSocket = await openSocket(url, token(outsider), null);
    const socketsMs = performance.now() - startedSockets;

    const answer: number[] = [];
    const first: number[] = [];
    const fanout: number[] = [];
    const techToken = token(tech);
    for (let r = 0; r < RUNS; r++) {
      const body = r % 2 === 0 ? { action: 'pause', pauseReason: 'waiting_parts' } : { action: 'resume' };
      const t0 = performance.now();
      const { version } = await step(techToken, body);
      answer.push(performance.now() - t0);
      // Wait until every socket heard this version (bounded: a missing notice fails the run).
      const deadline = Date.now() + 10_000;
      while (sockets.some((s) => !s.heard.has(version))) {
        if (Date.now() > deadline) throw new Error(`version ${version}: not every socket heard it in 10 s`);
        await new Promise((res) => setTimeout(res, 1));
      }
      const times = sockets.map((s) => s.heard.get(version)! - t0);
      first.push(Math.min(...times));
      fanout.push(Math.max(...times));
    }
    if (outsiderSocket.heard.size) throw new Error('the desk of another community heard the order');

    console.log(
      `\nlive.bench: ${SOCKETS} sockets (+1 outside the community), ${RUNS} changes, ${db.type}, ` +
        `${os.cpus().length} cores; sockets opened in ${fmt(socketsMs)} ms`,
    );
    const row = (name: string, xs: number[]) => [
      name,
      fmt(median(xs), 1),
      fmt(pct(xs, 95), 1),
      fmt(pct(xs, 99), 1),
      fmt(Math.max(...xs), 1),
    ];
    table(
      'ms from sending the change',
      ['', 'p50', 'p95', 'p99', 'max'],
      [row('REST answer', answer), row('first socket notified', first), row(`all ${SOCKETS} sockets notified`, fanout)],
    );
  } finally {
    for (const s of sockets) s.ws.terminate();
    await app.close();
    if (db.type === 'mariadb') await dropDatabase(db);
  }
}

await main();
