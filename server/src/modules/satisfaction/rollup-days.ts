/**
 * Day maths of the rollups on the database side: the two SQL dialects, datetimes as both drivers
 * store them, and the China day of a datetime column. The day arithmetic itself (China day keys,
 * their starts, adding days) is shared: `@linli/shared` time/china-time.ts.
 */
import { CHINA_UTC_OFFSET_HOURS } from '@linli/shared';
import type { EntityManager } from 'typeorm';

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(em: EntityManager): Dialect {
  const type = em.connection.options.type;
  return type === 'mariadb' || type === 'mysql' ? 'mysql' : 'sqlite';
}

/** A Date as both drivers store and compare datetimes: UTC 'yyyy-mm-dd hh:mm:ss.sss'. */
export function sqlTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** A datetime value as a driver returns it (Date on MariaDB, UTC text on SQLite). */
export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value !== 'string') return null;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/** The China day key (yyyymmdd) of a datetime column, in SQL. */
export function chinaDayExpr(d: Dialect, column: string): string {
  return d === 'mysql'
    ? `DATE_FORMAT(DATE_ADD(${column}, INTERVAL ${CHINA_UTC_OFFSET_HOURS} HOUR), '%Y%m%d')`
    : `strftime('%Y%m%d', ${column}, '+${CHINA_UTC_OFFSET_HOURS} hours')`;
}

/** Whole seconds from `a` to `b`, in SQL. */
export function secondsExpr(d: Dialect, a: string, b: string): string {
  return d === 'mysql'
    ? `TIMESTAMPDIFF(SECOND, ${a}, ${b})`
    : `CAST(ROUND((julianday(${b}) - julianday(${a})) * 86400) AS INTEGER)`;
}
