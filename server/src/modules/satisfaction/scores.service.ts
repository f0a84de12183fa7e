import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  complaintsPer1000,
  csat,
  decayWeight,
  DIMENSION_LABELS,
  effectiveSampleSize,
  emptySum,
  fairComparison,
  followUpCoverage,
  ftfRate,
  indexChain,
  keyDrivers,
  mergeSums,
  percentile,
  rankTechnicians,
  RATING_DIMENSIONS,
  reopenRate,
  repeatRate,
  responseRate,
  shrunkIndex,
  shrunkIndexInterval,
  slaCompliance,
  trend,
  weightedMean,
  type CategoryMoments,
  DEFAULT_ROOT_PRIOR,
  type DriverRow,
  type WeightedMoments,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import {
  addCounters,
  addDays,
  dayStart,
  daysBetween,
  dialectOf,
  emptyCounters,
  orderConditions,
  orderKeyExpr,
  RollupService,
  secondsExpr,
  sqlTime,
  type CounterRow,
  type Counters,
  type GroupKey,
  type SliceFilter,
} from './rollup.service.js';
import {
  parsePeriod,
  type BreakdownBy,
  type BreakdownRow,
  type BreakdownView,
  type DriversView,
  type DurationStats,
  type HotspotRow,
  type HotspotsView,
  type IndexLevel,
  type ScoresQuery,
  type SliceMetrics,
  type SummaryView,
} from './scores.dto.js';

/** Where counters come from: the daily rollups (the API), or raw rows (tests, benchmarks). */
export type Source = 'rollup' | 'raw';

/** Key drivers read raw rating rows: at most this many, the newest of the period. */
export const DRIVER_MAX_ROWS = 200_000;

/** A slice the actor may see, with its period and its prior chain. */
export interface ResolvedSlice {
  companyId: number;
  query: ScoresQuery;
  filter: SliceFilter;
  rolling: boolean;
  asOfDay: string;
  days: number;
  /** Top down; the last level's filter is `filter`. */
  levels: Array<{ level: IndexLevel['level']; id: number | string | null; filter: SliceFilter }>;
  /** Households of the slice's communities; null when the slice is narrower than communities. */
  households: number | null;
}

type Durations = Record<'accept' | 'arrive' | 'resolve', number[]>;
type Row = Record<string, unknown>;

const isoDay = (day: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
const rowKey = (key: CounterRow['key'], keys: readonly GroupKey[]) => keys.map((k) => String(key[k])).join('|');

function sumOf(c: Counters, w = 1): WeightedMoments {
  // x = (stars - 1) / 4 * 100 = 25 * (stars - 1), so sum(x) = 25 * (sumStars - rated) and
  // sum(x²) = 625 * (sumStarsSq - 2 * sumStars + rated).
  return {
    sumW: w * c.rated,
    sumWX: w * 25 * (c.sumStars - c.rated),
    sumW2: w * w * c.rated,
    sumWX2: w * 625 * (c.sumStarsSq - 2 * c.sumStars + c.rated),
  };
}

function emptyMoments(): WeightedMoments {
  return { ...emptySum(), sumWX2: 0 };
}

function mergeMoments(a: WeightedMoments, b: WeightedMoments): WeightedMoments {
  return { ...mergeSums(a, b), sumWX2: a.sumWX2 + b.sumWX2 };
}

function stats(minutes: number[]): DurationStats {
  const sorted = [...minutes].sort((a, b) => a - b);
  return { n: sorted.length, medianMinutes: percentile(sorted, 50), p90Minutes: percentile(sorted, 90) };
}

/** Sum rows onto fewer keys (a subset of theirs). */
function fold(rows: CounterRow[], keys: readonly GroupKey[]): CounterRow[] {
  const out = new Map<string, CounterRow>();
  if (!keys.length) out.set('', { key: {}, counters: emptyCounters() });
  for (const r of rows) {
    const k = rowKey(r.key, keys);
    let row = out.get(k);
    if (!row)
      out.set(k, (row = { key: Object.fromEntries(keys.map((x) => [x, r.key[x]])), counters: emptyCounters() }));
    addCounters(row.counters, r.counters);
  }
  return [...out.values()];
}

function emptyDurations(): Durations {
  return { accept: [], arrive: [], resolve: [] };
}

/**
 * Satisfaction scores of any slice (company, community, building, team, technician, category)
 * and period: counters from the daily rollups (or raw rows, for comparison), durations and key
 * drivers from raw rows, and the shared formulas on top.
 */
@Injectable()
export class ScoresService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(RollupService) private readonly rollups: RollupService,
  ) {}

  private get em(): EntityManager {
    return this.ds.manager;
  }

  // -------------------------------------------------------------------------------------------
  // Slices and access

  /** Check every id of the query against the actor's company and communities (404 otherwise). */
  async resolve(actor: Actor, query: ScoresQuery): Promise<ResolvedSlice> {
    const period = parsePeriod(query);
    const companyId = actor.companyId;
    if (companyId === null) throw new AppError('FORBIDDEN', 'scores are for company staff');
    const visible = actor.role === 'admin' ? null : actor.communityIds;
    const canSee = (communityId: number) => visible === null || visible.includes(communityId);
    const one = async (sql: string, params: unknown[]) => (await this.em.query<Row[]>(sql, params))[0];

    if (query.communityId !== undefined) {
      const c = await one('SELECT companyId FROM community WHERE id = ?', [query.communityId]);
      if (!c || Number(c.companyId) !== companyId || !canSee(query.communityId)) throw notFound('community');
    }
    if (query.buildingId !== undefined && query.buildingId !== 0) {
      const b = await one(
        'SELECT b.communityId, c.companyId FROM building b JOIN community c ON c.id = b.communityId WHERE b.id = ?',
        [query.buildingId],
      );
      const communityId = Number(b?.communityId);
      if (
        !b ||
        Number(b.companyId) !== companyId ||
        !canSee(communityId) ||
        (query.communityId !== undefined && query.communityId !== communityId)
      ) {
        throw notFound('building');
      }
    }
    let teamMembers: number[] | undefined;
    if (query.teamId !== undefined) {
      const t = await one('SELECT companyId FROM team WHERE id = ?', [query.teamId]);
      if (!t || Number(t.companyId) !== companyId) throw notFound('team');
      teamMembers = await this.teamMembers(query.teamId);
    }
    if (query.technicianId !== undefined) {
      const u = await one('SELECT companyId, role FROM `user` WHERE id = ?', [query.technicianId]);
      if (!u || Number(u.companyId) !== companyId || u.role !== 'technician') throw notFound('technician');
    }
    if (query.category !== undefined) {
      const c = await one('SELECT id FROM category WHERE companyId = ? AND code = ?', [companyId, query.category]);
      if (!c) throw notFound('category');
    }

    const base = { companyId, fromDay: period.fromDay, toDay: period.toDay };
    const communityIds = query.communityId !== undefined ? [query.communityId] : (visible ?? undefined);
    let technicianIds: number[] | undefined = teamMembers;
    if (query.technicianId !== undefined) {
      technicianIds = !teamMembers || teamMembers.includes(query.technicianId) ? [query.technicianId] : [];
    }
    const filter: SliceFilter = {
      ...base,
      communityIds,
      buildingId: query.buildingId,
      category: query.category,
      technicianIds,
    };

    const levels: ResolvedSlice['levels'] = [{ level: 'company', id: companyId, filter: base }];
    const inCommunities = { ...base, communityIds };
    if (communityIds) levels.push({ level: 'community', id: query.communityId ?? null, filter: inCommunities });
    let teamId = query.teamId ?? null;
    let members = teamMembers;
    if (teamId === null && query.technicianId !== undefined) {
      teamId = (await this.teamsOf([query.technicianId])).get(query.technicianId)?.[0] ?? null;
      if (teamId !== null) members = await this.teamMembers(teamId);
    }
    if (teamId !== null && members) {
      levels.push({ level: 'team', id: teamId, filter: { ...inCommunities, technicianIds: members } });
    }
    if (query.technicianId !== undefined) {
      levels.push({ level: 'technician', id: query.technicianId, filter: { ...inCommunities, technicianIds } });
    }
    if (query.buildingId !== undefined || query.category !== undefined) {
      levels.push({ level: 'slice', id: null, filter });
    }
    levels[levels.length - 1].filter = filter;

    let households: number | null = null;
    if (query.buildingId === undefined && technicianIds === undefined) {
      const where = communityIds ? `id IN (${communityIds.map(() => '?').join(', ') || 'NULL'})` : 'companyId = ?';
      const h = await one(`SELECT SUM(households) AS h FROM community WHERE ${where}`, communityIds ?? [companyId]);
      households = Number(h?.h ?? 0);
    }
    return {
      companyId,
      query,
      filter,
      rolling: query.rolling ?? false,
      asOfDay: period.asOfDay,
      days: period.days,
      levels,
      households,
    };
  }

  private async teamMembers(teamId: number): Promise<number[]> {
    const rows: Row[] = await this.em.query('SELECT userId FROM team_member WHERE teamId = ? ORDER BY userId', [
      teamId,
    ]);
    return rows.map((r) => Number(r.userId));
  }

  /** technician -> the ids of their teams, lowest first. */
  private async teamsOf(technicianIds: number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (!technicianIds.length) return out;
    const rows: Row[] = await this.em.query(
      `SELECT teamId, userId FROM team_member WHERE userId IN (${technicianIds.map(() => '?').join(', ')}) ORDER BY teamId`,
      technicianIds,
    );
    for (const r of rows) {
      const list = out.get(Number(r.userId)) ?? [];
      list.push(Number(r.teamId));
      out.set(Number(r.userId), list);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Building blocks

  /** Counters per group; `ratingsOnly` lets the raw path skip the other event families. */
  counters(filter: SliceFilter, keys: readonly GroupKey[], source: Source, ratingsOnly = false): Promise<CounterRow[]> {
    return source === 'rollup'
      ? this.rollups.fromRollups(this.em, filter, keys, { ratingsOnly })
      : this.rollups.computeFromRaw(this.em, filter, keys, { ratingsOnly });
  }

  /**
   * The weighted rating sums per group: w = 1 for a fixed period; rolling, each day's ratings
   * weigh decayWeight(whole days from that day to asOf).
   */
  private async ratingSums(
    s: ResolvedSlice,
    filter: SliceFilter,
    keys: readonly GroupKey[],
    source: Source,
    rows?: CounterRow[],
  ): Promise<Map<string, WeightedMoments>> {
    const out = new Map<string, WeightedMoments>();
    if (!s.rolling) {
      for (const r of rows ?? (await this.counters(filter, keys, source, true))) {
        out.set(rowKey(r.key, keys), sumOf(r.counters));
      }
      return out;
    }
    const daily = await this.counters(filter, ['day', ...keys], source, true);
    for (const r of daily) {
      const k = rowKey(r.key, keys);
      const w = decayWeight(daysBetween(String(r.key.day), s.asOfDay));
      out.set(k, mergeMoments(out.get(k) ?? emptyMoments(), sumOf(r.counters, w)));
    }
    return out;
  }

  /** Minutes from creation to first acceptance, arrival and completion of the period's orders (raw rows). */
  private async durations(filter: SliceFilter, key: GroupKey | null): Promise<Map<string, Durations>> {
    const d = dialectOf(this.em);
    const slice = orderConditions(filter);
    const keySql = key ? `${orderKeyExpr(d, key, 'o.createdAt')} AS k, ` : '';
    const rows: Row[] = await this.em.query(
      `SELECT ${keySql}${secondsExpr(d, 'o.createdAt', 'o.acceptedAt')} AS a,
              ${secondsExpr(d, 'o.createdAt', 'o.arrivedAt')} AS v,
              ${secondsExpr(d, 'o.createdAt', 'o.firstCompletedAt')} AS r
         FROM work_order o LEFT JOIN house h ON h.id = o.houseId LEFT JOIN public_area pa ON pa.id = o.publicAreaId
        WHERE o.createdAt >= ? AND o.createdAt < ? AND o.acceptedAt IS NOT NULL AND ${slice.where.join(' AND ')}`,
      [sqlTime(dayStart(filter.fromDay)), sqlTime(dayStart(addDays(filter.toDay, 1))), ...slice.params],
    );
    const out = new Map<string, Durations>();
    for (const row of rows) {
      const k = key ? String(row.k) : '';
      let acc = out.get(k);
      if (!acc) out.set(k, (acc = emptyDurations()));
      if (row.a !== null) acc.accept.push(Number(row.a) / 60);
      if (row.v !== null) acc.arrive.push(Number(row.v) / 60);
      if (row.r !== null) acc.resolve.push(Number(row.r) / 60);
    }
    return out;
  }

  private metrics(c: Counters, durations: Durations | undefined, households: number | null): SliceMetrics {
    const stage = (met: number, total: number) => ({ met, total, compliance: slaCompliance(met, total) });
    const dims = Object.fromEntries(
      RATING_DIMENSIONS.map((d) => {
        const { n, sum } = c.dimensions[d];
        return [d, { n, mean: n ? sum / n : null }];
      }),
    ) as SliceMetrics['dimensions'];
    const rating = csat(c.satisfied, c.rated);
    const dur = durations ?? emptyDurations();
    return {
      counts: {
        created: c.created,
        completed: c.completed,
        rated: c.rated,
        satisfied: c.satisfied,
        closedUnrated: c.closedUnrated,
        firstTimeFixed: c.firstTimeFixed,
        reopened: c.reopened,
        repeats: c.repeats,
        complaints: c.complaints,
        followUpsDue: c.followUpsDue,
        followUpsDone: c.followUpsDone,
        fixedYes: c.fixedYes,
        fixedNo: c.fixedNo,
      },
      csat: { value: rating.csat, interval: rating.interval },
      responseRate: responseRate(c.rated, c.completed),
      meanStars: c.rated ? c.sumStars / c.rated : null,
      firstTimeFixRate: ftfRate(c.firstTimeFixed, c.completed),
      repeatRate: repeatRate(c.repeats, c.created),
      reopenRate: reopenRate(c.reopened, c.completed),
      followUpCoverage: followUpCoverage(c.followUpsDone, c.followUpsDue),
      complaintsPer1000Households: households ? complaintsPer1000(c.complaints, households) : null,
      dimensions: dims,
      sla: {
        accept: stage(c.slaAcceptMet, c.slaAcceptTotal),
        arrive: stage(c.slaArriveMet, c.slaArriveTotal),
        resolve: stage(c.slaResolveMet, c.slaResolveTotal),
        overall: stage(
          c.slaAcceptMet + c.slaArriveMet + c.slaResolveMet,
          c.slaAcceptTotal + c.slaArriveTotal + c.slaResolveTotal,
        ),
      },
      durations: { accept: stats(dur.accept), arrive: stats(dur.arrive), resolve: stats(dur.resolve) },
    };
  }

  private periodView(s: ResolvedSlice): SummaryView['period'] {
    return {
      from: isoDay(s.filter.fromDay),
      to: isoDay(s.filter.toDay),
      rolling: s.rolling,
      asOf: isoDay(s.asOfDay),
    };
  }

  /** The index of each level of the slice's chain (the last level is the slice). */
  private async chain(
    s: ResolvedSlice,
    source: Source,
    leaf: CounterRow,
  ): Promise<{ levels: IndexLevel[]; index: number; leafSum: WeightedMoments; leafPrior: number }> {
    const sums: WeightedMoments[] = [];
    for (const [i, level] of s.levels.entries()) {
      const isLeaf = i === s.levels.length - 1;
      const m = await this.ratingSums(s, level.filter, [], source, isLeaf ? [leaf] : undefined);
      sums.push(m.get('') ?? emptyMoments());
    }
    const indexes = indexChain(sums);
    const levels = s.levels.map((level, i) => ({
      level: level.level,
      id: level.id,
      weight: sums[i].sumW,
      mean: weightedMean(sums[i]),
      index: indexes[i],
    }));
    // The prior the leaf was shrunk towards (indexChain: the top's own mean, else the level above).
    const leafPrior = indexes.length > 1 ? indexes[indexes.length - 2] : (weightedMean(sums[0]) ?? DEFAULT_ROOT_PRIOR);
    return { levels, index: indexes[indexes.length - 1], leafSum: sums[sums.length - 1], leafPrior };
  }

  // -------------------------------------------------------------------------------------------
  // The four views

  async summary(actor: Actor, query: ScoresQuery, source: Source = 'rollup'): Promise<SummaryView> {
    return this.summaryOf(await this.resolve(actor, query), source);
  }

  async summaryOf(s: ResolvedSlice, source: Source = 'rollup'): Promise<SummaryView> {
    const [leaf] = await this.counters(s.filter, [], source);
    const chain = await this.chain(s, source, leaf);
    const own = chain.leafSum;
    const durations = (await this.durations(s.filter, null)).get('');
    const q = s.query;
    return {
      period: this.periodView(s),
      slice: {
        companyId: s.companyId,
        communityId: q.communityId ?? null,
        buildingId: q.buildingId ?? null,
        teamId: q.teamId ?? null,
        technicianId: q.technicianId ?? null,
        category: q.category ?? null,
      },
      households: s.households,
      ...this.metrics(leaf.counters, durations, s.households),
      index: {
        value: chain.index,
        mean: weightedMean(own),
        effectiveN: effectiveSampleSize(own),
        interval: shrunkIndexInterval(own, chain.leafPrior),
        chain: chain.levels,
      },
    };
  }

  async breakdown(actor: Actor, query: ScoresQuery & { by: BreakdownBy }, source: Source = 'rollup') {
    return this.breakdownOf(await this.resolve(actor, query), query.by, source);
  }

  async breakdownOf(s: ResolvedSlice, by: BreakdownBy, source: Source = 'rollup'): Promise<BreakdownView> {
    const key: GroupKey =
      by === 'technician' || by === 'team'
        ? 'technicianId'
        : by === 'category'
          ? 'category'
          : by === 'building'
            ? 'buildingId'
            : 'month';
    const technicians = key === 'technicianId';
    // One query serves the rows, the slice total (every event has exactly one key) and, for
    // technicians, their mix of categories.
    const detail = await this.counters(s.filter, technicians ? ['technicianId', 'category'] : [key], source);
    const rows = technicians ? fold(detail, ['technicianId']) : detail;
    const leaf = fold(detail, [])[0];
    const sliceIndex = (await this.chain(s, source, leaf)).index;
    const sums = await this.ratingSums(s, s.filter, [key], source, rows);
    const durations = await this.durations(s.filter, key);
    const byKey = new Map(rows.map((r) => [String(r.key[key]), r]));
    const period = this.periodView(s);
    const rowHouseholds = by === 'category' || by === 'month' ? s.households : null;

    if (by === 'technician' || by === 'team') {
      const techIds = rows.map((r) => Number(r.key.technicianId)).filter((id) => id !== 0);
      const teams = await this.teamsOf(techIds);
      // Team sums inside the slice: the prior of their members.
      const teamSums = new Map<number, WeightedMoments>();
      const teamCounters = new Map<number, Counters>();
      const teamDurations = new Map<number, Durations>();
      for (const id of techIds) {
        for (const teamId of teams.get(id) ?? [0]) {
          teamSums.set(
            teamId,
            mergeMoments(teamSums.get(teamId) ?? emptyMoments(), sums.get(String(id)) ?? emptyMoments()),
          );
          teamCounters.set(
            teamId,
            addCounters(teamCounters.get(teamId) ?? emptyCounters(), byKey.get(String(id))!.counters),
          );
          const d = durations.get(String(id));
          if (d) {
            const acc = teamDurations.get(teamId) ?? emptyDurations();
            acc.accept.push(...d.accept);
            acc.arrive.push(...d.arrive);
            acc.resolve.push(...d.resolve);
            teamDurations.set(teamId, acc);
          }
        }
      }
      const teamIndex = new Map(
        [...teamSums].map(([teamId, sum]) => [teamId, teamId === 0 ? sliceIndex : shrunkIndex(sum, sliceIndex)]),
      );

      if (by === 'team') {
        const names = await this.names(
          'team',
          [...teamSums.keys()].filter((id) => id !== 0),
        );
        const out: BreakdownRow[] = [...teamSums.keys()]
          .sort((a, b) => a - b)
          .map((teamId) => {
            const sum = teamSums.get(teamId)!;
            return {
              key: teamId,
              label: teamId === 0 ? '未分组' : (names.get(teamId) ?? `#${teamId}`),
              ...this.metrics(teamCounters.get(teamId)!, teamDurations.get(teamId), null),
              index: teamIndex.get(teamId)!,
              effectiveN: effectiveSampleSize(sum),
              // Technicians without a team are not shrunk as a group: their row is the slice's prior.
              indexInterval: teamId === 0 ? null : shrunkIndexInterval(sum, sliceIndex),
            };
          });
        return { by, period, sliceIndex, rows: out };
      }

      // Fair comparison: the technician's mix of categories against the company's means of them.
      const techCats = await this.ratingSums(s, s.filter, ['technicianId', 'category'], source, detail);
      const companyWide =
        !s.filter.communityIds && s.filter.buildingId === undefined && !s.filter.category && !s.filter.technicianIds;
      const companyCats = await this.ratingSums(
        s,
        { companyId: s.companyId, fromDay: s.filter.fromDay, toDay: s.filter.toDay },
        ['category'],
        source,
        companyWide ? fold(detail, ['category']) : undefined,
      );
      const reference: Record<string, CategoryMoments> = {};
      for (const [category, sum] of companyCats) reference[category] = { n: sum.sumW, sumScore: sum.sumWX };
      const mix = new Map<number, Record<string, CategoryMoments>>();
      for (const [k, sum] of techCats) {
        const [tech, category] = k.split('|');
        const m = mix.get(Number(tech)) ?? {};
        m[category] = { n: sum.sumW, sumScore: sum.sumWX };
        mix.set(Number(tech), m);
      }
      const names = await this.names('user', techIds);
      const items = techIds.map((id) => {
        const sum = sums.get(String(id)) ?? emptyMoments();
        const teamId = teams.get(id)?.[0] ?? null;
        const prior = teamId === null ? sliceIndex : teamIndex.get(teamId)!;
        const fair = fairComparison(mix.get(id) ?? {}, reference);
        return {
          technicianId: id,
          teamId,
          effectiveN: effectiveSampleSize(sum),
          index: shrunkIndex(sum, prior),
          indexInterval: shrunkIndexInterval(sum, prior),
          delta: fair.delta,
          fair,
        };
      });
      const out: BreakdownRow[] = rankTechnicians(items).map((t) => ({
        key: t.technicianId,
        label: names.get(t.technicianId) ?? `#${t.technicianId}`,
        ...this.metrics(byKey.get(String(t.technicianId))!.counters, durations.get(String(t.technicianId)), null),
        index: t.index,
        effectiveN: t.effectiveN,
        indexInterval: t.indexInterval,
        fair: t.fair,
        rank: t.rank,
        enoughData: t.enoughData,
        teamId: t.teamId,
      }));
      return { by, period, sliceIndex, rows: out };
    }

    const labels =
      by === 'category'
        ? await this.categoryNames(s.companyId)
        : by === 'building'
          ? await this.buildingNames(rows.map((r) => Number(r.key.buildingId)))
          : new Map<string, string>();
    const out: BreakdownRow[] = rows.map((r) => {
      const k = String(r.key[key]);
      const sum = sums.get(k) ?? emptyMoments();
      const label =
        by === 'month'
          ? `${k.slice(0, 4)}-${k.slice(4, 6)}`
          : by === 'building' && k === '0'
            ? '公共区域（无楼栋）'
            : (labels.get(k) ?? k);
      return {
        key: key === 'buildingId' ? Number(k) : k,
        label,
        ...this.metrics(r.counters, durations.get(k), rowHouseholds),
        index: shrunkIndex(sum, sliceIndex),
        effectiveN: effectiveSampleSize(sum),
        indexInterval: shrunkIndexInterval(sum, sliceIndex),
      };
    });
    return { by, period, sliceIndex, rows: out };
  }

  /** Which dimension moves overall stars most, over the period's ratings (raw rows). */
  async drivers(actor: Actor, query: ScoresQuery): Promise<DriversView> {
    const s = await this.resolve(actor, query);
    const slice = orderConditions(s.filter);
    const rows: Row[] = await this.em.query(
      `SELECT r.stars, r.speed, r.workmanship, r.attitude, r.communication
         FROM rating r JOIN work_order o ON o.id = r.workOrderId
         LEFT JOIN house h ON h.id = o.houseId LEFT JOIN public_area pa ON pa.id = o.publicAreaId
        WHERE r.createdAt >= ? AND r.createdAt < ? AND ${slice.where.join(' AND ')}
        ORDER BY r.createdAt DESC LIMIT ${DRIVER_MAX_ROWS}`,
      [sqlTime(dayStart(s.filter.fromDay)), sqlTime(dayStart(addDays(s.filter.toDay, 1))), ...slice.params],
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const driverRows: DriverRow[] = rows.map((r) => ({
      overall: Number(r.stars),
      speed: num(r.speed),
      workmanship: num(r.workmanship),
      attitude: num(r.attitude),
      communication: num(r.communication),
    }));
    return {
      period: this.periodView(s),
      ratings: driverRows.length,
      drivers: keyDrivers(driverRows).map((d) => ({ ...d, label: DIMENSION_LABELS[d.dimension] })),
    };
  }

  /** Orders per category x building in the period and the previous period of the same length. */
  async hotspots(actor: Actor, query: ScoresQuery & { limit?: number }, source: Source = 'rollup') {
    const s = await this.resolve(actor, query);
    const keys: GroupKey[] = ['category', 'buildingId'];
    const previous: SliceFilter = {
      ...s.filter,
      fromDay: addDays(s.filter.fromDay, -s.days),
      toDay: addDays(s.filter.fromDay, -1),
    };
    const current = await this.counters(s.filter, keys, source);
    const before = new Map((await this.counters(previous, keys, source)).map((r) => [rowKey(r.key, keys), r]));
    const all = new Map<string, { key: CounterRow['key']; now: Counters; then: Counters }>();
    for (const r of current) all.set(rowKey(r.key, keys), { key: r.key, now: r.counters, then: emptyCounters() });
    for (const [k, r] of before) {
      const entry = all.get(k);
      if (entry) entry.then = r.counters;
      else all.set(k, { key: r.key, now: emptyCounters(), then: r.counters });
    }
    const buildings = await this.buildingNames([...all.values()].map((e) => Number(e.key.buildingId)));
    const communities = await this.buildingCommunities([...all.values()].map((e) => Number(e.key.buildingId)));
    const categories = await this.categoryNames(s.companyId);
    const rows: HotspotRow[] = [...all.values()]
      .filter((e) => e.now.created > 0 || e.then.created > 0)
      .map((e) => {
        const buildingId = Number(e.key.buildingId);
        const category = String(e.key.category);
        return {
          category,
          categoryName: categories.get(category) ?? category,
          buildingId,
          buildingName:
            buildingId === 0 ? '公共区域（无楼栋）' : (buildings.get(String(buildingId)) ?? `#${buildingId}`),
          communityId: communities.get(buildingId) ?? null,
          complaints: e.now.complaints,
          repeats: e.now.repeats,
          trend: trend(e.now.created, e.then.created),
        };
      })
      .sort(
        (a, b) =>
          b.trend.current - a.trend.current ||
          b.trend.change - a.trend.change ||
          a.category.localeCompare(b.category) ||
          a.buildingId - b.buildingId,
      )
      .slice(0, query.limit ?? 50);
    const view: HotspotsView = {
      period: this.periodView(s),
      previous: { from: isoDay(previous.fromDay), to: isoDay(previous.toDay) },
      rows,
    };
    return view;
  }

  // -------------------------------------------------------------------------------------------
  // Names

  private async names(table: 'user' | 'team', ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows: Row[] = await this.em.query(
      `SELECT id, name FROM \`${table}\` WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return new Map(rows.map((r) => [Number(r.id), String(r.name)]));
  }

  async categoryNames(companyId: number): Promise<Map<string, string>> {
    const rows: Row[] = await this.em.query('SELECT code, name FROM category WHERE companyId = ?', [companyId]);
    return new Map(rows.map((r) => [String(r.code), String(r.name)]));
  }

  /** building id -> "小区 楼栋". */
  private async buildingNames(ids: number[]): Promise<Map<string, string>> {
    const real = [...new Set(ids.filter((id) => id !== 0))];
    if (!real.length) return new Map();
    const rows: Row[] = await this.em.query(
      `SELECT b.id, b.name, c.name AS community FROM building b JOIN community c ON c.id = b.communityId
        WHERE b.id IN (${real.map(() => '?').join(', ')})`,
      real,
    );
    return new Map(rows.map((r) => [String(r.id), `${String(r.community)} ${String(r.name)}`]));
  }

  private async buildingCommunities(ids: number[]): Promise<Map<number, number>> {
    const real = [...new Set(ids.filter((id) => id !== 0))];
    if (!real.length) return new Map();
    const rows: Row[] = await this.em.query(
      `SELECT id, communityId FROM building WHERE id IN (${real.map(() => '?').join(', ')})`,
      real,
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.communityId)]));
  }
}
