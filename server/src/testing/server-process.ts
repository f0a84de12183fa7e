/**
 * Real server processes (`node dist/main.js`) for the suites that run several of them on one
 * database: a free port, the migration CLI, and a child process that can be started, waited for
 * and killed. Needs the built server (server/dist); `pnpm test` builds before testing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseConfig } from '../config/config.js';
import { TestClient } from './test-server.js';

export const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN_JS = path.join(SERVER_DIR, 'dist/main.js');
export const CLI_JS = path.join(SERVER_DIR, 'dist/database/cli.js');
/** Job owners are `host:pid` (JobRunner). */
const HOST = os.hostname();

export { freePort } from './net.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(
  what: string,
  cond: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await cond()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function dbUrl(db: DatabaseConfig): string {
  if (db.type === 'sqlite') return `sqlite://${db.file}`; // sqlite:///tmp/... (absolute path)
  const auth = db.password
    ? `${encodeURIComponent(db.username)}:${encodeURIComponent(db.password)}`
    : encodeURIComponent(db.username);
  return `mysql://${auth}@${db.host}:${db.port}/${db.database}`;
}

/** Run `node dist/database/cli.js migrate` against the test database. */
export function migrate(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, 'migrate'], {
      cwd: SERVER_DIR,
      env: { ...process.env, LINLI_MODE: 'development', LINLI_DB_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}:\n${out}`))));
  });
}

/** One `node dist/main.js` child process. Restartable; every pid it had is kept (jobs name host:pid). */
export class ServerProcess {
  child: ChildProcess | null = null;
  readonly pids: number[] = [];
  private log: string[] = [];
  readonly api: TestClient;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.api = new TestClient(`http://127.0.0.1:${port}/api`);
  }

  get owner(): string {
    return `${HOST}:${this.child!.pid}`;
  }

  /** Warnings and errors the process printed (job failures, tick failures). */
  get output(): string {
    return this.log.join('');
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN_JS], {
      cwd: SERVER_DIR,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.pids.push(child.pid!);
    const keep = (d: Buffer) => {
      this.log.push(`[${this.name}:${child.pid}] ${String(d)}`);
      if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let exited: number | string | null = null;
    child.on('exit', (code, signal) => (exited = code ?? signal));
    await waitFor(
      `${this.name} /api/health`,
      async () => {
        if (exited !== null) throw new Error(`${this.name} exited (${exited}) before it was healthy:\n${this.output}`);
        try {
          return (await fetch(`http://127.0.0.1:${this.port}/api/health`)).status === 200;
        } catch {
          return false;
        }
      },
      30_000,
      100,
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }
}
