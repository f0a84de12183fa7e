import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';
import { withWriteBatch } from './write-batch.js';

/** A unique-constraint violation on SQLite or MySQL/MariaDB. */
export function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const d = e.driverError as { code?: string; errno?: number } | undefined;
  return (
    d?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    d?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    d?.code === 'ER_DUP_ENTRY' ||
    d?.errno === 1062
  );
}

/** Deadlock or lock-wait timeout on MySQL/MariaDB, busy on SQLite: the whole transaction may be retried. */
export function isRetryableLockError(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const d = e.driverError as { code?: string; errno?: number } | undefined;
  // SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT: a transaction that read before
  // another process wrote cannot wait for the write lock; it must start over).
  return d?.errno === 1213 || d?.errno === 1205 || (typeof d?.code === 'string' && d.code.startsWith('SQLITE_BUSY'));
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);
/** Server shutdown, too many connections, and the client's "can't connect" / "gone away" / "lost". */
const CONNECTION_ERRNOS = new Set([1053, 1040, 2002, 2003, 2006, 2013]);

/**
 * The database cannot be reached (refused, lost, shutting down): the request did not happen or
 * its transaction rolled back, so the client may retry (with its idempotency key).
 */
export function isConnectionError(e: unknown): boolean {
  const outer = e as { code?: unknown; errno?: unknown; message?: unknown } | null;
  const inner = e instanceof QueryFailedError ? (e.driverError as typeof outer) : null;
  return [outer, inner].some(
    (x) =>
      !!x &&
      ((typeof x.code === 'string' && CONNECTION_CODES.has(x.code)) ||
        (typeof x.errno === 'number' && CONNECTION_ERRNOS.has(x.errno)) ||
        (typeof x.message === 'string' && x.message.includes('connection is in closed state'))),
  );
}

/** The LIKE escape character: not a backslash, which MySQL and SQLite treat differently. */
export const LIKE_ESCAPE = '!';

/** Make user text match literally inside a LIKE pattern (use with ESCAPE LIKE_ESCAPE). */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/**
 * A transaction, retried a few times when the database picks it as a deadlock victim. Its
 * deferred inserts (common/write-batch.ts) are written as multi-row INSERTs just before commit.
 */
export async function transactionWithRetry<T>(
  ds: DataSource,
  work: (em: EntityManager) => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      let committed: Array<() => void> = [];
      const batched = (em: EntityManager) => withWriteBatch(em, work, (tasks) => (committed = tasks));
      const result = await (isolation ? ds.transaction(isolation, batched) : ds.transaction(batched));
      // Committed: now the work that must only follow a commit (write-batch.ts `afterCommit`).
      for (const task of committed) {
        try {
          task();
        } catch {
          /* an after-commit signal never undoes or fails the committed work */
        }
      }
      return result;
    } catch (e) {
      if (attempt >= 4 || !isRetryableLockError(e)) throw e;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
