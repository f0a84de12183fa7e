/**
 * Online backups, taken while the server runs and writes (docs/operations.md):
 * - SQLite: `VACUUM INTO` a new file. It reads one consistent snapshot in a single read
 *   transaction (WAL: writers go on meanwhile), so the copy holds every transaction committed
 *   before it started and none half-done; checked with `PRAGMA integrity_check`.
 * - MySQL/MariaDB: `mariadb-dump` (or `mysqldump`) `--single-transaction`: one consistent
 *   InnoDB snapshot without locking the tables.
 * A backup is written as `<name>.partial` and renamed once complete, so a file named
 * `linli-*.sqlite` or `linli-*.sql` is always a whole one.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DatabaseConfig } from '../config/config.js';

/** `linli-20300102T030405Z.<ext>` (UTC, sorts by time). */
export function backupFileName(at: Date, ext: 'sqlite' | 'sql'): string {
  return `linli-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.${ext}`;
}

/** `PRAGMA integrity_check` of a SQLite file: 'ok', or SQLite's list of problems. */
export function sqliteIntegrity(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
  } finally {
    db.close();
  }
}

/** Back up the SQLite database `source` into `dir`; returns the backup's path. */
export function backupSqlite(source: string, dir: string, at = new Date()): string {
  if (source === ':memory:') throw new Error('an in-memory database cannot be backed up');
  mkdirSync(dir, { recursive: true });
  const target = path.join(path.resolve(dir), backupFileName(at, 'sqlite'));
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    // The server may hold the write lock for a moment; VACUUM INTO itself only reads.
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(partial);
  } finally {
    db.close();
  }
  const integrity = sqliteIntegrity(partial);
  if (integrity !== 'ok') throw new Error(`the backup failed its integrity check: ${integrity}`);
  renameSync(partial, target);
  return target;
}

/** Run `bin args` with `env` added; resolves with the exit code, rejects when `bin` cannot start. */
function run(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

function lastBytes(file: string, n: number): string {
  const size = statSync(file).size;
  const buf = Buffer.alloc(Math.min(n, size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, size - buf.length);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

/** The dump tools tried, in order. */
export const DUMP_TOOLS = ['mariadb-dump', 'mysqldump'];

/** Back up the MySQL/MariaDB database of `db` into `dir` with mariadb-dump or mysqldump; returns the dump's path. */
export async function backupMysql(db: DatabaseConfig, dir: string, at = new Date()): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const target = path.join(path.resolve(dir), backupFileName(at, 'sql'));
  const partial = `${target}.partial`;
  const args = [
    '--single-transaction',
    '--quick',
    '--routines',
    '--triggers',
    '--hex-blob',
    '--default-character-set=utf8mb4',
    `--host=${db.host}`,
    `--port=${db.port}`,
    `--user=${db.username}`,
    `--result-file=${partial}`,
    db.database,
  ];
  // The password goes in the environment, not on the command line (ps shows arguments).
  const env: Record<string, string> = db.password ? { MYSQL_PWD: db.password } : {};
  for (const tool of DUMP_TOOLS) {
    let result: { code: number; stderr: string };
    try {
      result = await run(tool, args, env);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if (result.code !== 0) {
      rmSync(partial, { force: true });
      throw new Error(`${tool} exited with ${result.code}: ${result.stderr.trim()}`);
    }
    // A dump that ran to the end says so on its last line.
    if (!/-- Dump completed/.test(lastBytes(partial, 200)))
      throw new Error(`${tool} stopped before the end of the dump`);
    renameSync(partial, target);
    return target;
  }
  throw new Error(`neither ${DUMP_TOOLS.join(' nor ')} is installed (install the MariaDB or MySQL client)`);
}
