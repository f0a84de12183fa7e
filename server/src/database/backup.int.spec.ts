/**
 * Backup under load, restore, every order there: orders are created over HTTP in a loop while
 * `node dist/database/cli.js backup <dir>` runs in another process; the backup is restored
 * into a fresh directory (SQLite) or a fresh database (MariaDB, with mariadb-dump and the
 * mariadb client), a server starts on the copy, and every order acknowledged before the backup
 * started is found there over HTTP. Needs the built server (server/dist), like the
 * multi-process suite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import type { DatabaseConfig } from '../config/config.js';
import { sqliteIntegrity } from './backup.js';
import { dropDatabase, ensureDatabaseExists } from './data-source.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI_JS = path.join(SERVER_DIR, 'dist/database/cli.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hasTool = (tool: string) => spawnSync('which', [tool]).status === 0;
const canRun = TEST_DB === 'sqlite' || ((hasTool('mariadb-dump') || hasTool('mysqldump')) && hasTool('mariadb'));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface Ack {
  id: number;
  /** When the 201 arrived. */
  at: number;
}

(canRun ? describe : describe.skip)(`online backup under load and restore (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-backup-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Orders from three residents in turn (each within its per-user create limit) until `stop`. */
  function writeLoop(tokens: string[], houses: number[]) {
    const acked: Ack[] = [];
    const started: number[] = [];
    let stopped = false;
    const done = (async () => {
      for (let i = 0; !stopped; i++) {
        const k = i % tokens.length;
        started.push(Date.now());
        const res = await server.api.post(
          '/work-orders',
          { category: 'plumbing', description: `备份测试 第${i}单 厨房漏水`, houseId: houses[k] },
          { token: tokens[k], headers: { 'x-forwarded-for': `10.77.${(i >> 8) & 255}.${i & 255}` } },
        );
        if (res.status === 201) acked.push({ id: res.body.id, at: Date.now() });
        else if (res.status !== 429) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
        await sleep(30);
      }
    })();
    return {
      acked,
      started,
      stop: async () => {
        stopped = true;
        await done;
      },
    };
  }

  it('every order acknowledged before the backup started is in the restored copy', async () => {
    const tokens = [
      await loginResident(server, 'code-res-a1'),
      await loginResident(server, 'code-res-a1b'),
      await loginResident(server, 'code-res-a2'),
    ];
    const loop = writeLoop(tokens, [w.houseA1.id, w.houseA1b.id, w.houseA2.id]);
    while (loop.acked.length < 12) await sleep(20);

    const backupStarted = Date.now();
    const before = loop.acked.filter((a) => a.at < backupStarted).map((a) => a.id);
    const db = server.config.db;
    const env: Record<string, string> =
      db.type === 'sqlite'
        ? { LINLI_DB_FILE: db.file }
        : {
            LINLI_DB_TYPE: 'mariadb',
            LINLI_DB_HOST: db.host,
            LINLI_DB_PORT: String(db.port),
            LINLI_DB_USER: db.username,
            LINLI_DB_PASSWORD: db.password,
            LINLI_DB_NAME: db.database,
          };
    const backupDir = path.join(dir, 'backups');
    const result = await cli(['backup', backupDir], { LINLI_DATA_DIR: path.join(dir, 'cli-data'), ...env });
    const backupEnded = Date.now();
    await sleep(100);
    await loop.stop();
    expect(result).toMatchObject({ code: 0, output: expect.stringMatching(/^backup written: /) });
    // The writes went on while the backup ran.
    expect(loop.started.filter((t) => t > backupStarted && t < backupEnded).length).toBeGreaterThan(0);
    const files = readdirSync(backupDir);
    expect(files).toEqual([expect.stringMatching(/^linli-\d{8}T\d{6}Z\.(sqlite|sql)$/)]);
    const backup = path.join(backupDir, files[0]);

    // Restore into a fresh place and start a server on it.
    let restoredDb: DatabaseConfig;
    if (db.type === 'sqlite') {
      const restoredFile = path.join(dir, 'restored', 'linli.sqlite');
      // A fresh directory: just the backup file, no -wal or -shm of the live database.
      mkdirSync(path.dirname(restoredFile));
      copyFileSync(backup, restoredFile);
      expect(sqliteIntegrity(restoredFile)).toBe('ok');
      restoredDb = { ...db, file: restoredFile };
    } else {
      restoredDb = { ...db, database: `${db.database}_restored` };
      await ensureDatabaseExists(restoredDb);
      const restore = spawn(
        'mariadb',
        [`--host=${db.host}`, `--port=${db.port}`, `--user=${db.username}`, restoredDb.database],
        {
          env: { ...process.env, ...(db.password ? { MYSQL_PWD: db.password } : {}) },
          stdio: ['pipe', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      restore.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      createReadStream(backup).pipe(restore.stdin);
      const code = await new Promise<number | null>((r) => restore.on('close', r));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    }
    const restored = await startTestServer({ db: restoredDb });
    try {
      expect((await restored.api.get('/health/ready')).body).toMatchObject({ status: 'ok' });
      const admin = await loginStaff(restored, w.staff.adminA);
      const missing: number[] = [];
      for (const id of before) {
        if ((await restored.api.get(`/work-orders/${id}`, { token: admin })).status !== 200) missing.push(id);
      }
      expect({ checked: before.length, missing }).toEqual({ checked: before.length, missing: [] });
      expect(before.length).toBeGreaterThanOrEqual(12);
    } finally {
      await restored.close();
      if (restoredDb.type === 'mariadb') await dropDatabase(restoredDb);
    }
  });
});
