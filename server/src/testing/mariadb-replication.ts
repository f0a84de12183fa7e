/**
 * A primary and a replica MariaDB of a test's own, on loopback (the read-replica suite). The
 * shared server on 127.0.0.1:3306 runs with the binary log off, and log_bin cannot be switched on
 * at runtime, so the test starts both ends: each a fresh data directory under /tmp
 * (mariadb-install-db), its own port and socket, its own server_id; the primary writes a binary
 * log, the replica follows it by GTID (CHANGE MASTER TO ... MASTER_USE_GTID = slave_pos).
 * Every wait is bounded; the processes are killed on teardown and when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { DatabaseConfig, ReplicaTarget } from '../config/config.js';
import { freePort, sleep } from './net.js';

const BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];
const INSTALLERS = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/sbin/mariadb-install-db'];

/** Why the suite cannot run here (no MariaDB server binaries), or null. */
export function replicationUnavailable(): string | null {
  if (!BINARIES.some((p) => existsSync(p))) return 'no mariadbd binary (apt-get install mariadb-server)';
  if (!INSTALLERS.some((p) => existsSync(p))) return 'no mariadb-install-db (apt-get install mariadb-server)';
  return null;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} failed (${code ?? signal}):\n${output.slice(-2000)}`));
    });
  });
}

class ExitedError extends Error {}

/** One mariadbd of the test's own. */
export class LocalMariadb {
  port = 0;
  private child: ChildProcess | null = null;

  constructor(
    readonly dir: string,
    readonly serverId: number,
    private readonly extraArgs: string[],
  ) {}

  get socket(): string {
    return path.join(this.dir, 'sock');
  }

  private get tmpdir(): string {
    return path.join(this.dir, 'tmp');
  }

  async init(): Promise<void> {
    const installer = INSTALLERS.find((p) => existsSync(p))!;
    const data = path.join(this.dir, 'data');
    // Its own tmpdir: with the shared /tmp a bootstrap once failed removing its own temporary
    // table ("Could not remove temporary table '/tmp/#sql-temptable-…'", CI on a loaded machine).
    mkdirSync(this.tmpdir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      rmSync(data, { recursive: true, force: true });
      mkdirSync(data, { recursive: true });
      try {
        await run(
          installer,
          [
            '--no-defaults',
            `--datadir=${data}`,
            `--tmpdir=${this.tmpdir}`,
            '--auth-root-authentication-method=normal',
            '--skip-test-db',
            `--user=${os.userInfo().username}`,
          ],
          60_000,
        );
        break;
      } catch (e) {
        if (attempt >= 2) throw e; // once more from an empty data directory, then give up
      }
    }
    this.port = await freePort();
  }

  /**
   * Start, waiting for the socket and the greeting. The port was free when picked; if mariadbd
   * exits (another process took the port meanwhile), try again on a new port, three times at most.
   */
  async start(timeoutMs = 30_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (e) {
        if (attempt >= 3 || !(e instanceof ExitedError)) throw e;
        this.port = await freePort();
      }
    }
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    const binary = BINARIES.find((p) => existsSync(p))!;
    const args = [
      '--no-defaults',
      `--datadir=${path.join(this.dir, 'data')}`,
      `--tmpdir=${this.tmpdir}`,
      `--socket=${this.socket}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(this.dir, 'pid')}`,
      `--log-error=${path.join(this.dir, 'error.log')}`,
      `--server-id=${this.serverId}`,
      '--innodb-buffer-pool-size=32M',
      '--skip-name-resolve',
      '--max-connections=100',
      ...this.extraArgs,
    ];
    if (os.userInfo().uid === 0) args.push('--user=root');
    const child = spawn(binary, args, { stdio: 'ignore' });
    this.child = child;
    killOnExit(child);
    const state: { exited: string | null } = { exited: null };
    child.on('exit', (code, signal) => (state.exited = String(code ?? signal)));
    const deadline = Date.now() + timeoutMs;
    // Up when the socket file exists and the port gives MariaDB's greeting.
    while (!(existsSync(this.socket) && (await this.accepts()))) {
      if (state.exited !== null)
        throw new Error(`mariadbd exited (${state.exited}); see ${path.join(this.dir, 'error.log')}`);
      if (Date.now() > deadline) throw new Error(`mariadbd on port ${this.port} did not start within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

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

  /** Run statements as root over TCP on a short-lived connection. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      password: '',
      connectTimeout: 5000,
    });
    try {
      const [rows] = await conn.query(sql, params);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  /** SIGKILL (a crash) and wait for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }
}

/** A primary (binary log on, server_id 1) and a replica (server_id 2) replicating from it. */
export class ReplicatedPair {
  readonly dir: string;
  readonly primary: LocalMariadb;
  readonly replica: LocalMariadb;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'linli-repl-'));
    this.primary = new LocalMariadb(path.join(this.dir, 'p'), 1, [
      `--log-bin=${path.join(this.dir, 'p', 'binlog')}`,
      '--binlog-format=ROW',
    ]);
    this.replica = new LocalMariadb(path.join(this.dir, 'r'), 2, [
      `--relay-log=${path.join(this.dir, 'r', 'relay')}`,
      // Fast detection of a vanished primary in tests; production keeps its own settings.
      '--slave-net-timeout=10',
    ]);
  }

  /** Install, start both and connect the replica; about 5-10 s on a quiet machine. */
  async start(): Promise<void> {
    await Promise.all([this.primary.init(), this.replica.init()]);
    if (this.primary.port === this.replica.port) this.replica.port = await freePort();
    await Promise.all([this.primary.start(), this.replica.start()]);
    await this.replica.query(
      `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${this.primary.port},
         MASTER_USER = 'root', MASTER_PASSWORD = '', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`,
    );
    await this.replica.query('START SLAVE');
    await this.waitRunning();
  }

  /** Until both replication threads run (bounded). */
  async waitRunning(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [s] = await this.replica.query<Record<string, string | null>>('SHOW SLAVE STATUS');
      if (s?.Slave_IO_Running === 'Yes' && s?.Slave_SQL_Running === 'Yes') return;
      if (Date.now() > deadline) {
        throw new Error(`replication did not start: ${s?.Last_IO_Error ?? ''} ${s?.Last_SQL_Error ?? ''}`);
      }
      await sleep(100);
    }
  }

  /** Until the replica has applied everything the primary has written (bounded). */
  async waitCaughtUp(timeoutMs = 20_000): Promise<void> {
    const [{ pos }] = await this.primary.query<{ pos: string }>('SELECT @@gtid_binlog_pos AS pos');
    const [{ ok }] = await this.replica.query<{ ok: number | null }>('SELECT MASTER_GTID_WAIT(?, ?) AS ok', [
      pos,
      timeoutMs / 1000,
    ]);
    if (Number(ok) !== 0) throw new Error(`the replica did not reach ${pos} within ${timeoutMs} ms`);
  }

  /** The primary's database config for a test server, with the replica configured. */
  config(database: string, replicaMaxLagMs: number): DatabaseConfig {
    const replica: ReplicaTarget = {
      host: '127.0.0.1',
      port: this.replica.port,
      username: 'root',
      password: '',
      database,
    };
    return {
      type: 'mariadb',
      file: '',
      host: '127.0.0.1',
      port: this.primary.port,
      username: 'root',
      password: '',
      database,
      replicas: [replica],
      replicaMaxLagMs,
    };
  }

  async destroy(): Promise<void> {
    await Promise.all([this.replica.kill(), this.primary.kill()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
