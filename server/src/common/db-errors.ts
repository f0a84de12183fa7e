import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';

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
  return d?.errno === 1213 || d?.errno === 1205 || d?.code === 'SQLITE_BUSY';
}

/** The LIKE escape character: not a backslash, which MySQL and SQLite treat differently. */
export const LIKE_ESCAPE = '!';

/** Make user text match literally inside a LIKE pattern (use with ESCAPE LIKE_ESCAPE). */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/** A transaction, retried a few times when the database picks it as a deadlock victim. */
export async function transactionWithRetry<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(work);
    } catch (e) {
      if (attempt >= 4 || !isRetryableLockError(e)) throw e;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
