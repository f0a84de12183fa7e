import { Injectable } from '@nestjs/common';
import { addDays, RATING_DIMENSIONS, startOfChinaDay } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import {
  mergeByKey,
  readCounters,
  readKey,
  STORED_FIELDS,
  type CounterRow,
  type Counters,
  type DimensionSums,
  type GroupKey,
  type GroupValues,
} from './rollup-counters.js';
import { dialectOf, sqlTime } from './rollup-days.js';
import {
  cubeFor,
  fromCube,
  rebuildCubeMonth,
  rebuildSketchMonth,
  updateCubeDay,
  updateSketchDay,
} from './rollup-cube.js';
import {
  families,
  orderConditions,
  orderKeyExpr,
  PARTITION_KEYS,
  placeholders,
  ROLLUP_COLUMNS,
  type SliceFilter,
} from './rollup-sql.js';

/**
 * Satisfaction rollups: one satisfaction_daily row per (China day, community, building,
 * category, technician, kind), rebuilt per (community, day) partition from raw rows, and the
 * same raw-row computation for any slice (`computeFromRaw`), so the two can be compared.
 * Stateless: every method takes the EntityManager to work in.
 */
function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6));
  return m === 12 ? `${y + 1}01` : `${y}${String(m + 1).padStart(2, '0')}`;
}

@Injectable()
export class RollupService {
  /** Counters straight from raw rows (orders, ratings, follow-ups, SLA clocks), grouped by `keys`. */
  async computeFromRaw(
    em: EntityManager,
    filter: SliceFilter,
    keys: readonly GroupKey[] = [],
    opts: { ratingsOnly?: boolean } = {},
  ): Promise<CounterRow[]> {
    const d = dialectOf(em);
    const from = sqlTime(startOfChinaDay(filter.fromDay));
    const to = sqlTime(startOfChinaDay(addDays(filter.toDay, 1)));
    const slice = orderConditions(filter);
    const parts: Array<{ key: GroupValues; part: Partial<Counters> }> = [];
    for (const fam of families(d)) {
      if (opts.ratingsOnly && fam.name !== 'ratings') continue;
      const select = [
        ...keys.map((k) => `${orderKeyExpr(d, k, fam.ts)} AS k_${k}`),
        ...fam.fields.map(([name, expr]) => `${expr} AS ${name}`),
      ];
      const where = [`${fam.ts} >= ?`, `${fam.ts} < ?`, ...slice.where, ...fam.where];
      const sql =
        `SELECT ${select.join(', ')} FROM ${fam.from} WHERE ${where.join(' AND ')}` +
        (keys.length ? ` GROUP BY ${keys.map((k) => `k_${k}`).join(', ')}` : '');
      const rows: Array<Record<string, unknown>> = await em.query(sql, [from, to, ...slice.params]);
      for (const row of rows) parts.push({ key: readKey(row, keys), part: readCounters(row) });
    }
    return mergeByKey(parts, keys);
  }

  /**
   * The same counters from the rollups: a cube when one serves the slice and grouping (no kind,
   * day or month; `hotspotsOnly`: only created, complaints and repeats are read, so the hotspot
   * cube serves category x building), else summed from satisfaction_daily.
   */
  async fromRollups(
    em: EntityManager,
    filter: SliceFilter,
    keys: readonly GroupKey[] = [],
    opts: { ratingsOnly?: boolean; hotspotsOnly?: boolean } = {},
  ): Promise<CounterRow[]> {
    const cube = cubeFor(filter, keys, opts.hotspotsOnly);
    if (cube) return fromCube(em, cube, filter, keys, opts.ratingsOnly);
    const where = ['companyId = ?', '`day` >= ?', '`day` <= ?'];
    const params: unknown[] = [filter.companyId, filter.fromDay, filter.toDay];
    const list = (column: string, ids: readonly number[] | undefined) => {
      if (!ids) return;
      if (ids.length === 0) where.push('1 = 0');
      else {
        where.push(`${column} IN (${placeholders(ids.length)})`);
        params.push(...ids);
      }
    };
    list('communityId', filter.communityIds);
    if (filter.buildingId !== undefined) {
      where.push('buildingId = ?');
      params.push(filter.buildingId);
    }
    if (filter.category !== undefined) {
      where.push('category = ?');
      params.push(filter.category);
    }
    list('technicianId', filter.technicianIds);
    const keyExpr = (k: GroupKey) => (k === 'month' ? 'SUBSTR(`day`, 1, 6)' : k === 'day' ? '`day`' : k);
    const keySelect = keys.map((k) => `${keyExpr(k)} AS k_${k}`);
    const fields = opts.ratingsOnly
      ? ['rated', 'satisfied', 'sumStars', 'sumStarsSq'].map((f) => `SUM(${f}) AS ${f}`)
      : [
          ...STORED_FIELDS.map((f) => `SUM(${f}) AS ${f}`),
          "SUM(CASE WHEN kind = 'complaint' THEN created ELSE 0 END) AS complaints",
        ];
    // The primary key starts with the day: a clustered range scan. MariaDB prefers the
    // (companyId, day) index by companyId alone, then a row lookup per entry (5x slower here).
    const from = `satisfaction_daily${dialectOf(em) === 'mysql' ? ' FORCE INDEX (PRIMARY)' : ''}`;
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT ${[...keySelect, ...fields].join(', ')} FROM ${from} WHERE ${where.join(' AND ')}` +
        (keys.length ? ` GROUP BY ${keys.map((k) => `k_${k}`).join(', ')}` : ''),
      params,
    );
    const parts = rows.map((row) => ({ key: readKey(row, keys), part: readCounters(row) }));
    if (!opts.ratingsOnly) {
      // Dimension sums are JSON: fetched for the rows with ratings and added up here, which is
      // several times cheaper than json_extract per row and path in SQL.
      const rated: Array<Record<string, unknown>> = await em.query(
        `SELECT ${[...keySelect, 'dimensions'].join(', ')} FROM ${from} WHERE ${where.join(' AND ')} AND rated > 0`,
        params,
      );
      for (const row of rated) {
        const dims = JSON.parse(String(row.dimensions)) as Partial<DimensionSums>;
        const dimensions = Object.fromEntries(
          RATING_DIMENSIONS.map((d) => [d, { n: dims[d]?.n ?? 0, sum: dims[d]?.sum ?? 0 }]),
        ) as DimensionSums;
        parts.push({ key: readKey(row, keys), part: { dimensions } });
      }
    }
    return mergeByKey(parts, keys);
  }

  /** Rebuild one (community, China day) partition from raw rows. Returns the rows written. */
  async recompute(em: EntityManager, communityId: number, day: string): Promise<number> {
    const found: Array<{ companyId: unknown }> = await em.query('SELECT companyId FROM community WHERE id = ?', [
      communityId,
    ]);
    await em.query('DELETE FROM satisfaction_daily WHERE `day` = ? AND communityId = ?', [day, communityId]);
    if (!found.length) return 0;
    const companyId = Number(found[0].companyId);
    const rows = await this.computeFromRaw(
      em,
      { companyId, communityIds: [communityId], fromDay: day, toDay: day },
      PARTITION_KEYS,
    );
    await this.insertRows(
      em,
      companyId,
      rows.map((r) => ({ ...r, key: { ...r.key, day } })),
    );
    await updateCubeDay(em, companyId, communityId, day, rows);
    await updateSketchDay(em, companyId, communityId, day);
    return rows.length;
  }

  /**
   * Rebuild every partition of a company in [fromDay, toDay] (a bulk load, a repair, the
   * benchmark): the same computation, grouped by day too, `chunkDays` at a time.
   */
  async rebuild(
    em: EntityManager,
    companyId: number,
    fromDay: string,
    toDay: string,
    chunkDays = 31,
  ): Promise<{ rows: number; cubeRows: number }> {
    let rows = 0;
    for (let start = fromDay; start <= toDay; start = addDays(start, chunkDays)) {
      const end = addDays(start, chunkDays - 1) < toDay ? addDays(start, chunkDays - 1) : toDay;
      await em.query('DELETE FROM satisfaction_daily WHERE companyId = ? AND `day` >= ? AND `day` <= ?', [
        companyId,
        start,
        end,
      ]);
      const computed = await this.computeFromRaw(em, { companyId, fromDay: start, toDay: end }, [
        'day',
        ...PARTITION_KEYS,
      ]);
      await this.insertRows(em, companyId, computed);
      rows += computed.length;
    }
    // The layers above, month by month (a month partly in the range is rebuilt whole).
    let cubeRows = 0;
    for (let month = fromDay.slice(0, 6); month <= toDay.slice(0, 6); month = nextMonth(month)) {
      cubeRows += await rebuildCubeMonth(em, companyId, month);
      await rebuildSketchMonth(em, companyId, month);
    }
    return { rows, cubeRows };
  }

  /**
   * The `rollup` job's work for one community: take its dirty days (locked, then deleted, so a
   * concurrent markDirty either waits and re-marks, or was seen by this recompute) and rebuild each.
   *
   * SKIP LOCKED: a day marked by a transaction still running is left for the next job (or the
   * sweep). Waiting for it could never end on its own: on MariaDB this runs in a transaction of
   * its own while the job's claim holds gap locks on scheduled_job, and the marking transaction
   * may be waiting to insert its own jobs there; InnoDB cannot see a cycle that passes through
   * the application, so all three sat until the 50 s lock wait timeout (seen as stalled creates
   * in the SIGKILL fault test).
   */
  async processDirty(em: EntityManager, communityId: number): Promise<string[]> {
    const lock = dialectOf(em) === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
    const dirty: Array<{ day: string }> = await em.query(
      `SELECT \`day\` FROM rollup_dirty WHERE communityId = ? ORDER BY \`day\`${lock}`,
      [communityId],
    );
    const days = dirty.map((r) => String(r.day));
    if (!days.length) return [];
    await em.query(`DELETE FROM rollup_dirty WHERE communityId = ? AND \`day\` IN (${placeholders(days.length)})`, [
      communityId,
      ...days,
    ]);
    for (const day of days) await this.recompute(em, communityId, day);
    return days;
  }

  private async insertRows(em: EntityManager, companyId: number, rows: CounterRow[]): Promise<void> {
    const CHUNK = 400;
    const columns = ROLLUP_COLUMNS.map((c) => (c === 'day' ? '`day`' : c)).join(', ');
    const one = `(${placeholders(ROLLUP_COLUMNS.length)})`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params: unknown[] = [];
      for (const { key, counters } of chunk) {
        const dims: Partial<DimensionSums> = {};
        for (const dim of RATING_DIMENSIONS) if (counters.dimensions[dim].n > 0) dims[dim] = counters.dimensions[dim];
        params.push(key.day, key.communityId, key.buildingId, key.category, key.technicianId, key.kind, companyId);
        for (const f of STORED_FIELDS) params.push(counters[f]);
        params.push(JSON.stringify(dims));
      }
      await em.query(
        `INSERT INTO satisfaction_daily (${columns}) VALUES ${new Array(chunk.length).fill(one).join(', ')}`,
        params,
      );
    }
  }
}
