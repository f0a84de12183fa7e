/**
 * Satisfaction scores of any slice (company, community, building, team, technician, category)
 * and period, assembled: the slice from scores-slices.ts, counters, sums, durations and names
 * from scores-queries.ts, and the shared formulas (@linli/shared satisfaction/) on top.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addDays,
  complaintsPer1000,
  csat,
  dayKeyToDate,
  DEFAULT_ROOT_PRIOR,
  DIMENSION_LABELS,
  effectiveSampleSize,
  emptyMoments,
  fairComparison,
  followUpCoverage,
  ftfRate,
  indexChain,
  keyDrivers,
  mergeMoments,
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
  type WeightedMoments,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import {
  addCounters,
  emptyCounters,
  fold,
  rowKey,
  type CounterRow,
  type Counters,
  type GroupKey,
} from './rollup-counters.js';
import type { SliceFilter } from './rollup-sql.js';
import { RollupService } from './rollup.service.js';
import { DurationSketch } from './rollup-sketch.js';
import type {
  BreakdownBy,
  BreakdownRow,
  BreakdownView,
  DriversView,
  DurationStats,
  HotspotRow,
  HotspotsView,
  IndexLevel,
  ScoresQuery,
  SliceMetrics,
  SummaryView,
} from './scores.dto.js';
import { emptyDurations, ScoreQueries, type Durations, type Source } from './scores-queries.js';
import { SliceResolver, type ResolvedSlice } from './scores-slices.js';

export { DRIVER_MAX_ROWS, type Source } from './scores-queries.js';
export type { ResolvedSlice } from './scores-slices.js';

function stats(minutes: number[]): DurationStats {
  const sorted = [...minutes].sort((a, b) => a - b);
  return { n: sorted.length, medianMinutes: percentile(sorted, 50), p90Minutes: percentile(sorted, 90) };
}

@Injectable()
export class ScoresService {
  private readonly queries: ScoreQueries;
  private readonly slices: SliceResolver;

  constructor(
    @InjectDataSource() ds: DataSource,
    @Inject(RollupService) private readonly rollups: RollupService,
  ) {
    this.queries = new ScoreQueries(ds, rollups);
    this.slices = new SliceResolver(ds, this.queries);
  }

  /**
   * The same service reading through `em` (a read replica's connection from ReplicaReader, or a
   * transaction's). ScoreQueries and SliceResolver read only the `manager` of what they are given.
   */
  on(em: EntityManager): ScoresService {
    return new ScoresService({ manager: em } as Pick<DataSource, 'manager'> as DataSource, this.rollups);
  }

  /** Check every id of the query against the actor's company and communities (404 otherwise). */
  resolve(actor: Actor, query: ScoresQuery): Promise<ResolvedSlice> {
    return this.slices.resolve(actor, query);
  }

  /** Counters per group; `ratingsOnly` lets the raw path skip the other event families. */
  counters(filter: SliceFilter, keys: readonly GroupKey[], source: Source, ratingsOnly = false): Promise<CounterRow[]> {
    return this.queries.counters(filter, keys, source, ratingsOnly);
  }

  categoryNames(companyId: number): Promise<Map<string, string>> {
    return this.queries.categoryNames(companyId);
  }

  // -------------------------------------------------------------------------------------------
  // Assembly

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
      durations: dur.sketch
        ? {
            accept: dur.sketch.stats('accept'),
            arrive: dur.sketch.stats('arrive'),
            resolve: dur.sketch.stats('resolve'),
          }
        : { accept: stats(dur.accept), arrive: stats(dur.arrive), resolve: stats(dur.resolve) },
    };
  }

  private periodView(s: ResolvedSlice): SummaryView['period'] {
    return {
      from: dayKeyToDate(s.filter.fromDay),
      to: dayKeyToDate(s.filter.toDay),
      rolling: s.rolling,
      asOf: dayKeyToDate(s.asOfDay),
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
      const m = await this.queries.ratingSums(s, level.filter, [], source, isLeaf ? [leaf] : undefined);
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
    const [leaf] = await this.queries.counters(s.filter, [], source);
    const chain = await this.chain(s, source, leaf);
    const own = chain.leafSum;
    const durations = (await this.queries.durations(s.filter, null, source)).get('');
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
    const detail = await this.queries.counters(s.filter, technicians ? ['technicianId', 'category'] : [key], source);
    const rows = technicians ? fold(detail, ['technicianId']) : detail;
    const leaf = fold(detail, [])[0];
    const sliceIndex = (await this.chain(s, source, leaf)).index;
    const sums = await this.queries.ratingSums(s, s.filter, [key], source, rows);
    const durations = await this.queries.durations(s.filter, key, source);
    const byKey = new Map(rows.map((r) => [String(r.key[key]), r]));
    const period = this.periodView(s);
    const rowHouseholds = by === 'category' || by === 'month' ? s.households : null;

    if (by === 'technician' || by === 'team') {
      const techIds = rows.map((r) => Number(r.key.technicianId)).filter((id) => id !== 0);
      const teams = await this.queries.teamsOf(techIds);
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
            if (d.sketch) (acc.sketch ??= new DurationSketch()).merge(d.sketch);
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
        const names = await this.queries.names(
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
      const techCats = await this.queries.ratingSums(s, s.filter, ['technicianId', 'category'], source, detail);
      const companyWide =
        !s.filter.communityIds && s.filter.buildingId === undefined && !s.filter.category && !s.filter.technicianIds;
      const companyCats = await this.queries.ratingSums(
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
      const names = await this.queries.names('user', techIds);
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
          ? await this.queries.buildingNames(rows.map((r) => Number(r.key.buildingId)))
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
    const driverRows = await this.queries.driverRows(s.filter);
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
    // Only created, complaints and repeats are read: the hotspot cube serves them.
    const current = await this.queries.counters(s.filter, keys, source, false, true);
    const before = new Map(
      (await this.queries.counters(previous, keys, source, false, true)).map((r) => [rowKey(r.key, keys), r]),
    );
    const all = new Map<string, { key: CounterRow['key']; now: Counters; then: Counters }>();
    for (const r of current) all.set(rowKey(r.key, keys), { key: r.key, now: r.counters, then: emptyCounters() });
    for (const [k, r] of before) {
      const entry = all.get(k);
      if (entry) entry.then = r.counters;
      else all.set(k, { key: r.key, now: emptyCounters(), then: r.counters });
    }
    const buildings = await this.queries.buildingNames([...all.values()].map((e) => Number(e.key.buildingId)));
    const communities = await this.queries.buildingCommunities([...all.values()].map((e) => Number(e.key.buildingId)));
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
      previous: { from: dayKeyToDate(previous.fromDay), to: dayKeyToDate(previous.toDay) },
      rows,
    };
    return view;
  }
}
