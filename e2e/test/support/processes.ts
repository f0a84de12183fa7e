// Real processes for fault and load tests: the built server (`node server/dist/main.js`) as a
// child process that can be SIGKILLed and restarted, and a throwaway MariaDB server of the
// test's own (never the shared one on 3306) that can be killed and restarted under load.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../../server/src/config/config.js';
import { TechnicianProfile, TechnicianSkill } from '../../../server/src/modules/staff/staff.entities.js';
import { buildWorld, type World } from '../../../server/src/testing/factories.js';
import { TestClient, type TestServer } from '../../../server/src/testing/test-server.js';
import type { FakeWechatServer } from '../../../server/src/wechat/fake-wechat-server.js';

/** TypeORM's DataSource (typeorm is the server's dependency, not e2e's). */
export type DataSource = TestServer['ds'];
import { REPO_DIR } from './browser.js';

export const SERVER_DIR = path.join(REPO_DIR, 'server');
export const MAIN_JS = path.join(SERVER_DIR, 'dist/main.js');
export const CLI_JS = path.join(SERVER_DIR, 'dist/database/cli.js');

/** These suites run the built server: fail with a clear message when it is missing. */
export function assertServerBuilt(): void {
  if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
    throw new Error(
      `${MAIN_JS} is missing: this suite runs the built server. ` +
        'Build it first (pnpm --filter @linli/server build); `pnpm test` builds before testing.',
    );
  }
}

export { freePort } from '../../../server/src/testing/net.js';

/**
 * A free port below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 on
 * these machines), for a server a test kills and restarts on the same port. An ephemeral port
 * left free during the outage can be taken by anything that binds port 0 (another spec's
 * freePort()) or become the source port of a client's own reconnect attempt (a TCP self-connect
 * to 127.0.0.1:port), and the restarted server then shares its port with a stranger.
 */
export async function freeStablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000-31999');
}

export { dbUrl, migrate, sleep, waitFor } from '../../../server/src/testing/server-process.js';
import { waitFor } from '../../../server/src/testing/server-process.js';

/** One `node server/dist/main.js` child process; restartable on the same port. */
export class ServerProcess {
  child: ChildProcess | null = null;
  readonly pids: number[] = [];
  private readonly log: string[] = [];
  readonly api: TestClient;
  readonly url: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    /** Keep everything the process printed (for log scans), not just the last 500 chunks. */
    private readonly keepAll = false,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.api = new TestClient(`${this.url}/api`);
  }

  /** What the process printed (stdout and stderr, interleaved). */
  get output(): string {
    return this.log.join('');
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Start and wait until /api/health answers 200 (or, with `waitHealthy: false`, until it listens). */
  async start(opts: { waitHealthy?: boolean; timeoutMs?: number; extraArgs?: string[] } = {}): Promise<void> {
    const child = spawn(process.execPath, [...(opts.extraArgs ?? []), MAIN_JS], {
      cwd: SERVER_DIR,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.pids.push(child.pid!);
    const keep = (d: Buffer) => {
      this.log.push(String(d));
      if (!this.keepAll && this.log.length > 500) this.log.splice(0, this.log.length - 500);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited: number | string | null = null;
    child.on('exit', (code, signal) => (exited = code ?? signal));
    const healthy = opts.waitHealthy ?? true;
    await waitFor(
      `${this.name} /api/health`,
      async () => {
        if (exited !== null) throw new Error(`${this.name} exited (${exited}) before it was up:\n${this.output}`);
        try {
          const status = (await fetch(`${this.url}/api/health`)).status;
          return healthy ? status === 200 : status > 0;
        } catch {
          return false;
        }
      },
      opts.timeoutMs ?? 30_000,
      100,
    );
  }

  /** Send `signal` and wait for the process to exit (SIGKILL by default: no shutdown hooks run). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }
}

/**
 * A MariaDB server of the test's own: a fresh data directory in /tmp, its own port and socket,
 * root without a password. `kill()` is a SIGKILL (a crash, no clean shutdown); `start()` again
 * reuses the same data directory and port, so InnoDB recovers what was committed.
 */
export class ThrowawayMariadb {
  readonly dir: string;
  port = 0;
  private child: ChildProcess | null = null;
  private readonly binary: string;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'linli-mariadb-'));
    const found = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((p) => existsSync(p));
    if (!found) throw new Error('no mariadbd or mysqld in /usr/sbin: apt-get install mariadb-server');
    this.binary = found;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** Create the data directory (mariadb-install-db, about 1 s) and pick a free port. */
  async init(): Promise<void> {
    const installer = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p));
    if (!installer) throw new Error('no mariadb-install-db: apt-get install mariadb-server');
    mkdirSync(this.dataDir, { recursive: true });
    const r = spawnSync(
      installer,
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        `--user=${os.userInfo().username}`,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`mariadb-install-db failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    // Restarted on the same port after a crash: keep it out of the ephemeral range.
    this.port = await freeStablePort();
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--socket=${path.join(this.dir, 'sock')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(this.dir, 'pid')}`,
      `--log-error=${path.join(this.dir, 'error.log')}`,
      '--innodb-buffer-pool-size=64M',
      '--skip-name-resolve',
      '--max-connections=200',
    ];
    if (os.userInfo().uid === 0) args.push('--user=root');
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.child = child;
    let exited: number | string | null = null;
    child.on('exit', (code, signal) => (exited = code ?? signal));
    await waitFor(
      `MariaDB on port ${this.port}`,
      async () => {
        if (exited !== null) throw new Error(`mariadbd exited (${exited}); see ${path.join(this.dir, 'error.log')}`);
        return this.accepts();
      },
      timeoutMs,
      100,
    );
  }

  /** Whether a TCP connection to the port gets MariaDB's greeting. */
  accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect(this.port, '127.0.0.1');
      s.setTimeout(1000);
      s.once('data', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.once('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }

  /**
   * SIGSTOP the server (connections stay open, nothing answers) and return once the kernel shows
   * it stopped: a signal to a many-threaded process can take a moment to land.
   */
  async freeze(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('mariadbd is not running');
    process.kill(pid, 'SIGSTOP');
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    await waitFor(`mariadbd ${pid} to stop`, () => Promise.resolve(state() === 'T'), 5000, 5);
  }

  thaw(): void {
    if (this.child?.pid !== undefined) process.kill(this.child.pid, 'SIGCONT');
  }

  config(database: string): DatabaseConfig {
    return {
      type: 'mariadb',
      file: '',
      host: '127.0.0.1',
      port: this.port,
      username: 'root',
      password: '',
      database,
    };
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type Query = <T = any>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Every order in the database checked for wholeness: one create event, one `order.created`
 * outbox event, one idempotency record (every order of these tests is created with a key), at
 * least one SLA clock, one routing job; its version counts its timeline events, each transition
 * event has its outbox event, and its status is where its last event left it.
 * Returns the number of orders and one line per broken order.
 */
export async function brokenOrders(q: Query): Promise<{ orders: number; broken: string[] }> {
  const orders = await q<{ id: unknown; status: string; version: unknown }>(
    'SELECT id, status, version FROM work_order',
  );
  const count = async (sql: string) =>
    new Map((await q<{ id: unknown; n: unknown }>(sql)).map((r) => [Number(r.id), Number(r.n)]));
  const per = (table: string, where = '') =>
    count(`SELECT workOrderId AS id, COUNT(*) AS n FROM ${table} ${where} GROUP BY workOrderId`);
  const creates = await per('work_order_event', "WHERE action = 'create'");
  const events = await per('work_order_event');
  const created = await per('outbox_event', "WHERE type = 'order.created'");
  const moved = await per('outbox_event', "WHERE type = 'order.transition'");
  const keys = await per('idempotency_record');
  const clocks = await per('sla_clock');
  const routeJobs = await per('scheduled_job', "WHERE kind = 'route'");
  const lastStatus = new Map(
    (
      await q<{ id: unknown; toStatus: string }>(
        'SELECT e.workOrderId AS id, e.toStatus FROM work_order_event e JOIN ' +
          '(SELECT workOrderId, MAX(id) AS id FROM work_order_event GROUP BY workOrderId) m ON m.id = e.id',
      )
    ).map((r) => [Number(r.id), r.toStatus]),
  );
  const broken: string[] = [];
  for (const o of orders) {
    const id = Number(o.id);
    const problems: string[] = [];
    if (creates.get(id) !== 1) problems.push(`create events ${creates.get(id) ?? 0}`);
    if (created.get(id) !== 1) problems.push(`order.created events ${created.get(id) ?? 0}`);
    if (keys.get(id) !== 1) problems.push(`idempotency records ${keys.get(id) ?? 0}`);
    if (!clocks.get(id)) problems.push('no SLA clock');
    if (routeJobs.get(id) !== 1) problems.push(`route jobs ${routeJobs.get(id) ?? 0}`);
    if (Number(o.version) !== events.get(id)) problems.push(`version ${String(o.version)} vs ${events.get(id)} events`);
    if ((moved.get(id) ?? 0) !== (events.get(id) ?? 0) - 1) problems.push(`transition events ${moved.get(id) ?? 0}`);
    if (lastStatus.get(id) !== o.status) problems.push(`status ${o.status} vs last event ${lastStatus.get(id)}`);
    if (problems.length) broken.push(`#${id}: ${problems.join(', ')}`);
  }
  return { orders: orders.length, broken };
}

/** A database of its own on the shared MariaDB (127.0.0.1:3306 or LINLI_TEST_DB_HOST/PORT/USER/PASSWORD). */
export function sharedMariadb(database: string): DatabaseConfig {
  const env = process.env;
  return {
    type: 'mariadb',
    file: '',
    host: env.LINLI_TEST_DB_HOST ?? '127.0.0.1',
    port: Number(env.LINLI_TEST_DB_PORT ?? 3306),
    username: env.LINLI_TEST_DB_USER ?? 'root',
    password: env.LINLI_TEST_DB_PASSWORD ?? '',
    database,
  };
}

/**
 * The factories' world (two companies, communities, staff, residents) plus what the fault tests
 * need: two plumbers of community a1 with room for every order (so routing assigns each order on
 * creation) and one resident per code, verified for a house of a1.
 */
export async function seedFaultWorld(ds: DataSource, fake: FakeWechatServer, residentCodes: string[]): Promise<World> {
  const server = { ds, fake } as unknown as TestServer;
  const w = await buildWorld(server);
  await ds.getRepository(TechnicianSkill).save([
    { userId: w.staff.techA1.id, category: 'plumbing', level: 5 },
    { userId: w.staff.techA1b.id, category: 'plumbing', level: 4 },
  ]);
  await ds.getRepository(TechnicianProfile).save([
    { userId: w.staff.techA1.id, capacity: 1000, latitude: null, longitude: null, lastAssignedAt: null },
    { userId: w.staff.techA1b.id, capacity: 1000, latitude: null, longitude: null, lastAssignedAt: null },
  ]);
  for (const [i, code] of residentCodes.entries()) {
    await w.factory.resident(server, code, [{ id: i % 2 ? w.houseA1b.id : w.houseA1.id }]);
  }
  return w;
}

/** The house of community a1 that `seedFaultWorld` bound the i-th resident to. */
export function faultHouse(w: World, i: number): number {
  return i % 2 ? w.houseA1b.id : w.houseA1.id;
}
