/**
 * Rollups give exactly the numbers of raw rows. Randomized data (seeded PRNG: orders over six
 * weeks with times on China-day boundaries, multi-visit fixes, reopens inside and outside the
 * 7-day window, re-completion by another technician, repeats, ratings with dimensions, unrated
 * closes, follow-ups in every status, SLA clocks met, breached, running and cancelled) goes
 * straight into the tables; the `rollup` job rebuilds the marked partitions; then, for many
 * slices and groupings:
 *   rollups (satisfaction_daily)  ==  computeFromRaw (the SQL over raw rows)  ==  a JS oracle
 * that applies the written definitions to the generated objects. Integers must match exactly;
 * the scores built on them (index chain, Wilson bounds, decay) to 1e-9.
 * A second part drives real orders through the API and checks that the lifecycle hooks keep
 * the rollups fresh after each event (create, complete, rate, reopen, re-complete, auto-close).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, chinaDay, percentile, RATING_DIMENSIONS, startOfChinaDay as dayStart } from '@linli/shared';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { House, PublicArea } from '../places/place.entities.js';
import { SlaClockRow } from '../sla/sla.entities.js';
import { Team, TeamMember } from '../staff/staff.entities.js';
import { WorkOrder, WorkOrderEvent } from '../work-orders/work-order.entities.js';
import { RollupQueue } from './rollup-queue.js';
import { emptyCounters, type CounterRow, type Counters, type GroupKey } from './rollup-counters.js';
import type { SliceFilter } from './rollup-sql.js';
import { RollupService } from './rollup.service.js';
import { FollowUp, Rating, RollupDirty, SatisfactionDaily } from './satisfaction.entities.js';
import { ScoresService, type Source } from './scores.service.js';
import { readSketches } from './rollup-cube.js';
import { STAGES } from './rollup-sketch.js';
import { ScoreQueries } from './scores-queries.js';
import type { BreakdownBy } from './scores.dto.js';
import { mulberry32 } from '../../database/seed/prng.js';
import type { EntityManager } from 'typeorm';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ORDERS = 420;
const FIRST_DAY = '20240301';
const SPAN_DAYS = 42;
const LAST_DAY = addDays(FIRST_DAY, SPAN_DAYS + 30);

interface Place {
  communityId: number;
  houseId: number | null;
  publicAreaId: number | null;
  buildingId: number;
}

interface GenClock {
  cycle: number;
  stage: 'accept' | 'arrive' | 'resolve';
  startedAt: number;
  dueAt: number;
  status: string;
  stoppedAt: number | null;
  breachedAt: number | null;
}

interface GenOrder {
  id: number;
  place: Place;
  companyId: number;
  kind: string;
  category: string;
  status: string;
  createdAt: number;
  acceptedAt: number | null;
  arrivedAt: number | null;
  firstCompletedAt: number | null;
  completedAt: number | null;
  closedAt: number | null;
  /** Arrivals before the first completion (the oracle's own record, not the SQL's). */
  visitsAtFirstCompletion: number;
  visits: number;
  reopenAt: number | null;
  reopenCount: number;
  completedById: number | null;
  unrated: boolean;
  repeatOfId: number | null;
  rating: null | {
    at: number;
    stars: number;
    fixed: boolean | null;
    dims: Record<string, number | null>;
  };
  followUps: Array<{ status: string; dueAt: number; doneAt: number | null }>;
  clocks: GenClock[];
  events: Array<{ action: string; at: number }>;
}

const techOf = (o: GenOrder) => o.completedById ?? 0;

/** The definitions of docs/scores.md, applied to the generated objects. */
function oracle(orders: GenOrder[], filter: SliceFilter, keys: readonly GroupKey[]): Record<string, Counters> {
  const repeated = new Set(orders.map((o) => o.repeatOfId).filter((id): id is number => id !== null));
  const out: Record<string, Counters> = {};
  if (!keys.length) out[''] = emptyCounters();
  const inSlice = (o: GenOrder) =>
    o.companyId === filter.companyId &&
    (!filter.communityIds || filter.communityIds.includes(o.place.communityId)) &&
    (filter.buildingId === undefined || o.place.buildingId === filter.buildingId) &&
    (filter.category === undefined || o.category === filter.category) &&
    (!filter.technicianIds || filter.technicianIds.includes(techOf(o)));
  const add = (o: GenOrder, at: number, part: Partial<Counters>) => {
    const day = chinaDay(new Date(at));
    if (day < filter.fromDay || day > filter.toDay || !inSlice(o)) return;
    const values: Record<GroupKey, string | number> = {
      day,
      month: day.slice(0, 6),
      communityId: o.place.communityId,
      buildingId: o.place.buildingId,
      category: o.category,
      technicianId: techOf(o),
      kind: o.kind,
    };
    const k = keys.map((key) => String(values[key])).join('|');
    const c = (out[k] ??= emptyCounters());
    for (const [field, v] of Object.entries(part)) {
      if (field !== 'dimensions') (c as unknown as Record<string, number>)[field] += v as number;
    }
    if (part.dimensions) {
      for (const d of RATING_DIMENSIONS) {
        c.dimensions[d].n += part.dimensions[d].n;
        c.dimensions[d].sum += part.dimensions[d].sum;
      }
    }
  };
  for (const o of orders) {
    add(o, o.createdAt, {
      created: 1,
      repeats: o.repeatOfId !== null || repeated.has(o.id) ? 1 : 0,
      complaints: o.kind === 'complaint' ? 1 : 0,
    });
    if (o.firstCompletedAt !== null) {
      const reopenedInWeek = o.reopenAt !== null && o.reopenAt <= o.firstCompletedAt + 7 * DAY;
      add(o, o.firstCompletedAt, {
        completed: 1,
        firstTimeFixed: o.visitsAtFirstCompletion === 1 && !reopenedInWeek ? 1 : 0,
        reopened: o.reopenCount > 0 ? 1 : 0,
        closedUnrated: o.unrated && o.status === 'closed' ? 1 : 0,
        followUpsDue: o.followUps.filter((f) => f.status !== 'cancelled').length,
        followUpsDone: o.followUps.filter((f) => f.status === 'done').length,
      });
    }
    if (o.rating) {
      const r = o.rating;
      const dimensions = Object.fromEntries(
        RATING_DIMENSIONS.map((d) => [d, { n: r.dims[d] === null ? 0 : 1, sum: r.dims[d] ?? 0 }]),
      ) as Counters['dimensions'];
      add(o, r.at, {
        rated: 1,
        satisfied: r.stars >= 4 ? 1 : 0,
        sumStars: r.stars,
        sumStarsSq: r.stars * r.stars,
        fixedYes: r.fixed === true ? 1 : 0,
        fixedNo: r.fixed === false ? 1 : 0,
        dimensions,
      });
    }
    for (const c of o.clocks) {
      if (c.status !== 'stopped') continue;
      const name = c.stage === 'accept' ? 'Accept' : c.stage === 'arrive' ? 'Arrive' : 'Resolve';
      const met = c.breachedAt === null && c.stoppedAt! <= c.dueAt ? 1 : 0;
      const part: Partial<Counters> = { [`sla${name}Total`]: 1, [`sla${name}Met`]: met };
      add(o, c.stoppedAt!, part);
    }
  }
  return out;
}

const asRecord = (rows: CounterRow[], keys: readonly GroupKey[]) =>
  Object.fromEntries(rows.map((r) => [keys.map((k) => String(r.key[k])).join('|'), r.counters]));

/** Deep equality, numbers within 1e-9 (relative to their size). */
/** Duration sketches of a slice against the exact durations: same counts, percentiles within the bound. */
async function expectSketchesWithinBound(
  em: EntityManager,
  queries: ScoreQueries,
  filter: SliceFilter,
  byTechnician: boolean,
): Promise<number> {
  const sketches = (await readSketches(em, filter, byTechnician))!;
  const exact = await queries.exactDurations(filter, byTechnician ? 'technicianId' : null);
  expect([filter, [...sketches.keys()].sort()]).toEqual([filter, [...exact.keys()].sort()]);
  let compared = 0;
  for (const [k, d] of exact) {
    const sketch = sketches.get(k)!;
    for (const stage of STAGES) {
      const values = [...d[stage]].sort((a, b) => a - b);
      const est = sketch.stats(stage);
      expect([filter, k, stage, est.n]).toEqual([filter, k, stage, values.length]);
      for (const [p, got] of [
        [50, est.medianMinutes],
        [90, est.p90Minutes],
      ] as const) {
        const want = percentile(values, p);
        if (want === null) {
          expect(got).toBeNull();
          continue;
        }
        expect([filter, k, stage, p, Math.abs(got! - want) <= 0.01 * Math.abs(want) + 1e-12]).toEqual([
          filter,
          k,
          stage,
          p,
          true,
        ]);
        compared++;
      }
    }
  }
  return compared;
}

function expectClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
      throw new Error(`${path}: ${actual} != ${expected}`);
    }
    return;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') throw new Error(`${path}: ${JSON.stringify(actual)} is not an object`);
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
    }
    return;
  }
  if (actual !== expected) throw new Error(`${path}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
}

describe(`rollups equal raw rows (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let rollups: RollupService;
  let scores: ScoresService;
  let gen: GenOrder[] = [];
  let places: Place[] = [];
  let teamId: number;
  let admin: Actor;
  /** Run the jobs (one per community) and the sweep until no mark is left. */
  const tick = async () => {
    for (let i = 0; i < 10; i++) {
      const fired = await server.app.get(JobRunner).tick();
      if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) return;
    }
  };
  const em = () => server.ds.manager;

  async function generate(seed: number) {
    const rand = mulberry32(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const sec = (ms: number) => Math.floor(ms / SEC) * SEC;
    const techs: Record<number, number[]> = {
      [w.a1.id]: [w.staff.techA1.id, w.staff.techA1b.id],
      [w.a2.id]: [w.staff.techA2.id],
    };
    const start = dayStart(FIRST_DAY).getTime();
    const out: GenOrder[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const place = pick(places);
      const day = int(0, SPAN_DAYS - 1);
      // One order in six lands within a second of a China midnight.
      const createdAt =
        rand() < 1 / 6 ? start + day * DAY + pick([-SEC, 0, SEC]) : sec(start + day * DAY + rand() * DAY);
      const o: GenOrder = {
        id: 0,
        place,
        companyId: w.companyA.id,
        kind: rand() < 0.8 ? 'repair' : rand() < 0.75 ? 'complaint' : 'suggestion',
        category: pick(['plumbing', 'electrical', 'other']),
        status: 'submitted',
        createdAt,
        acceptedAt: null,
        arrivedAt: null,
        firstCompletedAt: null,
        completedAt: null,
        closedAt: null,
        visitsAtFirstCompletion: 0,
        visits: 0,
        reopenAt: null,
        reopenCount: 0,
        completedById: null,
        unrated: false,
        repeatOfId: null,
        rating: null,
        followUps: [],
        clocks: [],
        events: [{ action: 'create', at: createdAt }],
      };
      const targets = pick([
        { accept: 15, arrive: 120, resolve: 240 },
        { accept: 30, arrive: null, resolve: 2880 },
      ]);
      let t = createdAt;
      if (rand() < 0.9) {
        t += int(1, 40) * MIN;
        o.acceptedAt = t;
        o.status = 'accepted';
        o.events.push({ action: 'accept', at: t });
        if (rand() < 0.9) {
          const arrivals = rand() < 0.15 ? 2 : 1;
          for (let k = 0; k < arrivals; k++) {
            t += int(5, 200) * MIN;
            o.arrivedAt ??= t;
            o.events.push({ action: 'arrive', at: t });
          }
          o.visits = arrivals;
          o.visitsAtFirstCompletion = arrivals;
          o.status = 'in_progress';
          if (rand() < 0.88) {
            t += int(10, 3 * 24 * 60) * MIN;
            o.firstCompletedAt = o.completedAt = t;
            o.completedById = pick(techs[place.communityId]);
            o.status = 'completed';
            o.events.push({ action: 'complete', at: t });
          }
        }
      } else if (rand() < 0.4) {
        o.status = 'cancelled';
      }

      if (o.firstCompletedAt !== null && rand() < 0.22) {
        // Reopened: some within the 7-day window, some exactly at its edge, some after it.
        const edge = rand();
        o.reopenAt =
          edge < 0.1
            ? o.firstCompletedAt + 7 * DAY
            : edge < 0.2
              ? o.firstCompletedAt + 7 * DAY + SEC
              : o.firstCompletedAt + int(60, 14 * 24 * 60) * MIN;
        if (rand() < 0.3) {
          // The rating that reopened it.
          o.rating = {
            at: o.reopenAt,
            stars: int(1, 2),
            fixed: false,
            dims: { speed: int(1, 3), workmanship: 1, attitude: null, communication: null },
          };
        }
        o.reopenCount = 1;
        o.status = 'reopened';
        o.completedAt = null;
        o.events.push({ action: 'reopen', at: o.reopenAt });
        if (rand() < 0.7) {
          t = o.reopenAt + int(30, 600) * MIN;
          o.events.push({ action: 'arrive', at: t });
          o.visits += 1;
          t += int(10, 600) * MIN;
          o.events.push({ action: 'complete', at: t });
          o.completedAt = t;
          o.completedById = pick(techs[place.communityId]);
          o.status = 'completed';
        }
      }
      if (o.status === 'completed') {
        const u = rand();
        if (u < 0.55 && !o.rating) {
          const at = o.completedAt! + int(0, 6 * 24 * 60) * MIN;
          const dim = () => (rand() < 0.25 ? null : int(1, 5));
          o.rating = {
            at,
            stars: pick([1, 2, 3, 4, 4, 5, 5, 5]),
            fixed: rand() < 0.2 ? null : rand() < 0.85,
            dims: { speed: dim(), workmanship: dim(), attitude: dim(), communication: dim() },
          };
          o.status = 'closed';
          o.closedAt = at;
          o.events.push({ action: 'confirm', at });
        } else if (u < 0.8) {
          o.closedAt = o.completedAt! + 7 * DAY;
          o.unrated = !o.rating;
          o.status = 'closed';
          o.events.push({ action: 'auto_close', at: o.closedAt });
        }
      }
      if (o.firstCompletedAt !== null && rand() < 0.4) {
        for (let k = int(1, 2); k > 0; k--) {
          const status = pick(['open', 'done', 'done', 'cancelled']);
          const dueAt = o.firstCompletedAt + int(1, 48) * HOUR;
          o.followUps.push({ status, dueAt, doneAt: status === 'done' ? dueAt + int(-20, 30) * HOUR : null });
        }
      }
      // Repeat of an earlier order of the same place and category, closed before this one was made.
      const prior = out.find(
        (p) => p.place === place && p.category === o.category && p.closedAt !== null && p.closedAt < createdAt,
      );
      if (prior && rand() < 0.5) o.repeatOfId = prior.id;

      // SLA clocks of the first cycle stop at the first accept/arrive/completion; the reopen cycle's
      // resolve clock stops at the re-completion.
      const stops: Record<GenClock['stage'], number | null> = {
        accept: o.acceptedAt,
        arrive: o.arrivedAt,
        resolve: o.firstCompletedAt,
      };
      for (const stage of ['accept', 'arrive', 'resolve'] as const) {
        const target = targets[stage];
        if (target === null) continue;
        const dueAt = createdAt + target * MIN;
        const stop = stops[stage];
        const clock: GenClock = {
          cycle: 0,
          stage,
          startedAt: createdAt,
          dueAt,
          status: 'running',
          stoppedAt: null,
          breachedAt: null,
        };
        if (stop !== null) {
          clock.status = 'stopped';
          clock.stoppedAt = stop;
          // A late stop was usually seen breaching first; sometimes the check had not fired.
          if (stop > dueAt && rand() < 0.8) clock.breachedAt = Math.min(stop, dueAt + 30 * SEC);
        } else if (o.status === 'cancelled') {
          clock.status = 'cancelled';
          clock.stoppedAt = createdAt + HOUR;
        } else if (rand() < 0.5) {
          clock.breachedAt = dueAt + MIN;
        }
        o.clocks.push(clock);
      }
      if (o.reopenAt !== null) {
        const dueAt = o.reopenAt + 240 * MIN;
        const done = o.status === 'completed' || o.status === 'closed';
        o.clocks.push({
          cycle: 1,
          stage: 'resolve',
          startedAt: o.reopenAt,
          dueAt,
          status: done ? 'stopped' : 'running',
          stoppedAt: done ? o.completedAt : null,
          breachedAt: null,
        });
      }
      o.id = await insertOrder(o);
      out.push(o);
    }
    return out;
  }

  async function insertOrder(o: GenOrder): Promise<number> {
    const d = (ms: number | null) => (ms === null ? null : new Date(ms));
    const res = await server.ds.getRepository(WorkOrder).insert({
      no: `RND-${Math.random().toString(36).slice(2, 12)}`,
      companyId: o.companyId,
      communityId: o.place.communityId,
      houseId: o.place.houseId,
      publicAreaId: o.place.publicAreaId,
      kind: o.kind,
      channel: 'phone',
      category: o.category,
      priority: 'P3',
      status: o.status,
      description: '随机',
      reporterId: null,
      createdById: w.staff.deskA1.id,
      assigneeId: o.completedById,
      preferredTime: null,
      photoIds: [],
      quoteItems: null,
      quoteTotalFen: null,
      quoteApproved: null,
      urgeCount: 0,
      reopenCount: o.reopenCount,
      routingState: null,
      excludedUserIds: null,
      refusalCount: 0,
      offerExpiresAt: null,
      slaDueAt: null,
      repeatOfId: o.repeatOfId,
      acceptedAt: d(o.acceptedAt),
      arrivedAt: d(o.arrivedAt),
      firstCompletedAt: d(o.firstCompletedAt),
      visits: o.visits,
      completedById: o.completedById,
      ratingStars: o.rating?.stars ?? null,
      unrated: o.unrated,
      version: 1,
      completedAt: d(o.completedAt),
      closedAt: d(o.closedAt),
      createdAt: d(o.createdAt)!,
      updatedAt: d(o.createdAt)!,
    });
    const id = Number(res.identifiers[0].id);
    await server.ds.getRepository(WorkOrderEvent).insert(
      o.events.map((e) => ({
        workOrderId: id,
        action: e.action,
        fromStatus: null,
        toStatus: 'x',
        actorId: null,
        actorRole: 'system',
        note: null,
        photoIds: [],
        data: null,
        createdAt: new Date(e.at),
      })),
    );
    if (o.rating) {
      const r = o.rating;
      await server.ds.getRepository(Rating).insert({
        workOrderId: id,
        raterId: w.residents.resA1.id,
        companyId: o.companyId,
        stars: r.stars,
        speed: r.dims.speed,
        workmanship: r.dims.workmanship,
        attitude: r.dims.attitude,
        communication: r.dims.communication,
        fixed: r.fixed,
        tags: [],
        comment: null,
        createdAt: new Date(r.at),
      });
    }
    for (const f of o.followUps) {
      await server.ds.getRepository(FollowUp).insert({
        workOrderId: id,
        companyId: o.companyId,
        communityId: o.place.communityId,
        reason: 'policy',
        status: f.status,
        assigneeId: null,
        dueAt: new Date(f.dueAt),
        channel: null,
        reached: null,
        outcome: null,
        stars: null,
        speed: null,
        workmanship: null,
        attitude: null,
        communication: null,
        fixed: null,
        doneById: null,
        doneAt: f.doneAt === null ? null : new Date(f.doneAt),
        createdAt: new Date(o.firstCompletedAt!),
      });
    }
    if (o.clocks.length) {
      await server.ds.getRepository(SlaClockRow).insert(
        o.clocks.map((c) => ({
          workOrderId: id,
          cycle: c.cycle,
          stage: c.stage,
          startedAt: new Date(c.startedAt),
          targetMinutes: Math.round((c.dueAt - c.startedAt) / MIN),
          calendar: null,
          pausedSeconds: 0,
          pausedSince: null,
          pauseReason: null,
          dueAt: new Date(c.dueAt),
          status: c.status,
          level: c.breachedAt === null ? 0 : 3,
          stoppedAt: c.stoppedAt === null ? null : new Date(c.stoppedAt),
          breachedAt: c.breachedAt === null ? null : new Date(c.breachedAt),
        })),
      );
    }
    return id;
  }

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    rollups = server.app.get(RollupService);
    scores = server.app.get(ScoresService);
    const f = w.factory;
    const moreA1 = [await f.house(w.a1.id), await f.house(w.a1.id)];
    const moreA2 = await f.house(w.a2.id);
    const lobby = await server.ds
      .getRepository(PublicArea)
      .save({ communityId: w.a1.id, name: '1栋大堂', buildingId: w.houseA1.buildingId });
    const garageA2 = await f.publicArea(w.a2.id, '车库');
    const house = (h: House): Place => ({
      communityId: h.communityId,
      houseId: h.id,
      publicAreaId: null,
      buildingId: h.buildingId,
    });
    places = [
      house(w.houseA1),
      house(w.houseA1b),
      ...moreA1.map(house),
      house(w.houseA2),
      house(moreA2),
      { communityId: w.a1.id, houseId: null, publicAreaId: w.areaA1.id, buildingId: 0 },
      { communityId: w.a1.id, houseId: null, publicAreaId: lobby.id, buildingId: w.houseA1.buildingId },
      { communityId: w.a2.id, houseId: null, publicAreaId: garageA2.id, buildingId: 0 },
    ];
    const team = await server.ds
      .getRepository(Team)
      .save({ companyId: w.companyA.id, name: '水电班', supervisorId: null });
    teamId = team.id;
    await server.ds.getRepository(TeamMember).save([
      { teamId, userId: w.staff.techA1.id },
      { teamId, userId: w.staff.techA2.id },
    ]);
    admin = { userId: w.staff.adminA.id, role: 'admin', name: 'admin', companyId: w.companyA.id, communityIds: [] };
    gen = await generate(20261127);
    // Mark every partition of the span dirty, as the events would have, and let the job rebuild them.
    const queue = server.app.get(RollupQueue);
    await server.ds.transaction(async (tx) => {
      for (let day = FIRST_DAY; day <= LAST_DAY; day = addDays(day, 1)) {
        for (const c of [w.a1.id, w.a2.id]) await queue.markDirty(tx, c, dayStart(day));
      }
    });
    await tick();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const company = (): SliceFilter => ({ companyId: w.companyA.id, fromDay: FIRST_DAY, toDay: LAST_DAY });

  it('generated a varied data set and the job consumed every mark', async () => {
    expect(gen.filter((o) => o.reopenCount > 0).length).toBeGreaterThan(20);
    expect(gen.filter((o) => o.visitsAtFirstCompletion === 2).length).toBeGreaterThan(10);
    expect(gen.filter((o) => o.repeatOfId !== null).length).toBeGreaterThan(3);
    expect(gen.filter((o) => o.unrated).length).toBeGreaterThan(20);
    expect(gen.filter((o) => o.followUps.length).length).toBeGreaterThan(30);
    expect(await server.ds.getRepository(RollupDirty).count()).toBe(0);
    expect(await server.ds.getRepository(SatisfactionDaily).count()).toBeGreaterThan(300);
  });

  const GROUPINGS: GroupKey[][] = [
    [],
    ['day'],
    ['month'],
    ['communityId', 'kind'],
    ['technicianId'],
    ['buildingId'],
    ['category'],
    ['day', 'communityId', 'buildingId', 'category', 'technicianId', 'kind'],
  ];

  it('raw SQL matches the oracle, and rollups match raw SQL, for every grouping of the company', async () => {
    for (const keys of GROUPINGS) {
      const raw = await rollups.computeFromRaw(em(), company(), keys);
      expect([keys, asRecord(raw, keys)]).toEqual([keys, oracle(gen, company(), keys)]);
      expect([keys, await rollups.fromRollups(em(), company(), keys)]).toEqual([keys, raw]);
    }
    // The data really exercises every counter.
    const [total] = await rollups.computeFromRaw(em(), company());
    for (const [field, value] of Object.entries(total.counters)) {
      if (field !== 'dimensions') expect([field, value]).not.toEqual([field, 0]);
    }
  });

  it('matches for narrower slices and sub-periods', async () => {
    const filters: SliceFilter[] = [
      { ...company(), communityIds: [w.a1.id] },
      { ...company(), communityIds: [w.a2.id], fromDay: addDays(FIRST_DAY, 5), toDay: addDays(FIRST_DAY, 20) },
      { ...company(), buildingId: w.houseA1.buildingId },
      { ...company(), buildingId: 0 },
      { ...company(), category: 'plumbing', fromDay: addDays(FIRST_DAY, 10), toDay: addDays(FIRST_DAY, 10) },
      { ...company(), technicianIds: [w.staff.techA1.id, w.staff.techA2.id] },
      { ...company(), technicianIds: [0] },
      { ...company(), technicianIds: [] },
      { ...company(), communityIds: [] },
    ];
    for (const filter of filters) {
      for (const keys of [[], ['day'], ['technicianId', 'category']] as GroupKey[][]) {
        const raw = await rollups.computeFromRaw(em(), filter, keys);
        expect([filter, keys, asRecord(raw, keys)]).toEqual([filter, keys, oracle(gen, filter, keys)]);
        expect([filter, keys, await rollups.fromRollups(em(), filter, keys)]).toEqual([filter, keys, raw]);
      }
    }
  });

  it('gives the same scores from rollups and raw rows: summaries, rolling, every breakdown, hotspots', async () => {
    const from = `${FIRST_DAY.slice(0, 4)}-${FIRST_DAY.slice(4, 6)}-${FIRST_DAY.slice(6)}`;
    const to = `${LAST_DAY.slice(0, 4)}-${LAST_DAY.slice(4, 6)}-${LAST_DAY.slice(6)}`;
    const queries = [
      { from, to },
      { from, to, rolling: true },
      { from, to, communityId: w.a1.id, rolling: true, asOf: '2024-06-30' },
      { from, to, technicianId: w.staff.techA1.id },
      { from, to, teamId, category: 'plumbing' },
      { from, to, buildingId: w.houseA1.buildingId },
      { from: '2024-03-10', to: '2024-03-24', communityId: w.a2.id },
    ];
    const both = async <T>(run: (source: Source) => Promise<T>) => [await run('rollup'), await run('raw')] as const;
    for (const query of queries) {
      const slice = await scores.resolve(admin, query);
      const [a, b] = await both((source) => scores.summaryOf(slice, source));
      expectClose(a, b);
      for (const by of ['technician', 'team', 'category', 'building', 'month'] as BreakdownBy[]) {
        const [x, y] = await both((source) => scores.breakdownOf(slice, by, source));
        expectClose(x, y);
      }
      const [h1, h2] = await both((source) => scores.hotspots(admin, query, source));
      expectClose(h1, h2);
    }
    // The company index is its own mean; the chain carries community -> team -> technician.
    const tech = await scores.summary(admin, { from, to, communityId: w.a1.id, technicianId: w.staff.techA1.id });
    expect(tech.index.chain.map((l) => l.level)).toEqual(['company', 'community', 'team', 'technician']);
    expect(tech.index.chain[0].index).toBeCloseTo(tech.index.chain[0].mean!, 9);
  });

  it('keeps duration sketches within 1% of the exact percentiles, and the layers equal to a rebuild', async () => {
    const queries = new ScoreQueries(server.ds, rollups);
    const filters: SliceFilter[] = [
      company(),
      { ...company(), communityIds: [w.a1.id] },
      { ...company(), communityIds: [w.a2.id], fromDay: addDays(FIRST_DAY, 5), toDay: addDays(FIRST_DAY, 40) },
      { ...company(), technicianIds: [w.staff.techA1.id, w.staff.techA2.id], fromDay: '20240301', toDay: '20240331' },
      { ...company(), fromDay: addDays(FIRST_DAY, 10), toDay: addDays(FIRST_DAY, 10) },
    ];
    let compared = 0;
    for (const filter of filters) {
      for (const byTechnician of [false, true]) {
        compared += await expectSketchesWithinBound(em(), queries, filter, byTechnician);
      }
    }
    expect(compared).toBeGreaterThan(50);
    // What the job kept up event by event equals a bulk rebuild of the same span.
    const snapshot = async () => {
      const table = async (name: string, order: string, key: string) => {
        const rows: Array<Record<string, unknown>> = await server.ds.query(`SELECT * FROM ${name} ORDER BY ${order}`);
        const keyColumns = ['month', 'dom', 'communityId', 'category', key, 'companyId'];
        // All-zero rows (a combination whose only order moved elsewhere) are left by the job; a rebuild has none.
        return rows
          .filter((r) => Object.entries(r).some(([k, v]) => !keyColumns.includes(k) && Number(v) !== 0))
          .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
      };
      const sketches: Array<Record<string, unknown>> = await server.ds.query(
        'SELECT grain, period, communityId, technicianId, n, sketch FROM satisfaction_sketch ORDER BY grain, period, communityId, technicianId',
      );
      return {
        cube: await table('satisfaction_cube', '`month`, dom, communityId, category, technicianId', 'technicianId'),
        hotspot: await table('satisfaction_hotspot', '`month`, dom, communityId, category, buildingId', 'buildingId'),
        community: await table('satisfaction_community', '`month`, dom, communityId', 'communityId'),
        sketches: sketches.map((r) => ({
          ...r,
          communityId: Number(r.communityId),
          technicianId: Number(r.technicianId),
          n: Number(r.n),
          sketch: Buffer.from(r.sketch as Buffer).toString('hex'),
        })),
      };
    };
    const kept = await snapshot();
    expect(kept.cube.length).toBeGreaterThan(100);
    expect(kept.hotspot.length).toBeGreaterThan(100);
    expect(kept.community.length).toBeGreaterThan(100);
    expect(kept.sketches.length).toBeGreaterThan(100);
    await server.ds.transaction((tx) => rollups.rebuild(tx, w.companyA.id, FIRST_DAY, LAST_DAY, 31));
    expect(await snapshot()).toEqual(kept);
  });

  it('a mark left without a job (it raced a finishing job) is swept up on the next tick', async () => {
    const day = addDays(FIRST_DAY, 3);
    const before = await rollups.fromRollups(em(), { ...company(), fromDay: day, toDay: day }, ['communityId']);
    await server.ds.query('DELETE FROM satisfaction_daily WHERE `day` = ?', [day]);
    await server.ds.getRepository(RollupDirty).insert([
      { communityId: w.a1.id, day },
      { communityId: w.a2.id, day },
    ]);
    await tick();
    expect(await server.ds.getRepository(RollupDirty).count()).toBe(0);
    expect(await rollups.fromRollups(em(), { ...company(), fromDay: day, toDay: day }, ['communityId'])).toEqual(
      before,
    );
  });
});

describe(`rollups stay fresh with every order event (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let clock: Clock;
  let rollups: RollupService;
  const t: Record<string, string> = {};
  /** Run the jobs (one per community) and the sweep until no mark is left. */
  const tick = async () => {
    for (let i = 0; i < 10; i++) {
      const fired = await server.app.get(JobRunner).tick();
      if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) return;
    }
  };
  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const window = (): SliceFilter => {
    const today = chinaDay(clock.now());
    return { companyId: w.companyA.id, fromDay: addDays(today, -30), toDay: addDays(today, 30) };
  };
  const KEYS: GroupKey[] = ['day', 'communityId', 'buildingId', 'category', 'technicianId', 'kind'];

  /** Rollups (after the jobs ran) hold exactly what the raw rows say, day by day. */
  async function expectFresh(): Promise<Counters> {
    await tick();
    const raw = await rollups.computeFromRaw(server.ds.manager, window(), KEYS);
    expect(await rollups.fromRollups(server.ds.manager, window(), KEYS)).toEqual(raw);
    const [total] = await rollups.fromRollups(server.ds.manager, window());
    return total.counters;
  }

  async function walk(id: number, tech: 'techA1' | 'techA1b', actions = ['accept', 'arrive', 'complete']) {
    expect((await act(t.deskA1, id, { action: 'assign', assigneeId: w.staff[tech].id })).status).toBe(200);
    for (const action of actions) expect([action, (await act(t[tech], id, { action })).status]).toEqual([action, 200]);
  }

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    rollups = server.app.get(RollupService);
    t.resA1 = await loginResident(server, 'code-res-a1');
    for (const name of ['deskA1', 'techA1', 'techA1b'] as const) t[name] = await loginStaff(server, w.staff[name]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts creation, completion, rating, reopen, re-completion and auto-close as they happen', async () => {
    const create = () =>
      server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '水管漏水', houseId: w.houseA1.id, priority: 'P2' },
        { token: t.resA1 },
      );
    const first = (await create()).body.id as number;
    let c = await expectFresh();
    expect([c.created, c.completed]).toEqual([1, 0]);

    await walk(first, 'techA1');
    c = await expectFresh();
    expect([c.completed, c.firstTimeFixed, c.slaAcceptTotal, c.slaArriveTotal, c.slaResolveTotal]).toEqual([
      1, 1, 1, 1, 1,
    ]);

    clock.advance(DAY + HOUR);
    const rated = await server.api.post(
      `/work-orders/${first}/rating`,
      { stars: 2, fixed: false, dimensions: { speed: 4, workmanship: 1 } },
      { token: t.resA1 },
    );
    expect(rated.status).toBe(201);
    c = await expectFresh();
    expect([c.rated, c.satisfied, c.sumStars, c.fixedNo, c.followUpsDue]).toEqual([1, 0, 2, 1, 1]);
    expect(c.dimensions.speed).toEqual({ n: 1, sum: 4 });

    // The resident reopens two days after completion: first-time fix on the completion day falls.
    clock.advance(DAY);
    expect((await act(t.resA1, first, { action: 'reopen', reason: '又漏了' })).status).toBe(200);
    c = await expectFresh();
    expect([c.completed, c.firstTimeFixed, c.reopened]).toEqual([1, 0, 1]);

    // Another technician completes it: everything the order counts moves to them.
    await walk(first, 'techA1b');
    await expectFresh();
    const byTech = await rollups.fromRollups(server.ds.manager, window(), ['technicianId']);
    // The 2-star "not fixed" rating also filed a complaint for the desk: created, nobody on it (0).
    expect(byTech.map((r) => [r.key.technicianId, r.counters.created, r.counters.rated])).toEqual([
      [0, 1, 0],
      [w.staff.techA1b.id, 1, 1],
    ]);

    // A second order, completed and never rated: closed as unrated when the window runs out.
    const second = (await create()).body.id as number;
    await expectFresh();
    await walk(second, 'techA1');
    c = await expectFresh();
    expect(c.repeats).toBe(0);
    clock.advance(8 * DAY);
    await tick();
    c = await expectFresh();
    expect(c.closedUnrated).toBeGreaterThanOrEqual(1);
    const [unrated] = await server.ds.query<
      Array<{
        n: unknown;
      }>
    >('SELECT COUNT(*) AS n FROM work_order WHERE unrated = 1');
    expect(c.closedUnrated).toBe(Number(unrated.n));
  });

  it('a repeat order makes its original count as a repeat, on the original creation day', async () => {
    clock.advance(2 * DAY);
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '又坏了', houseId: w.houseA1.id, priority: 'P3' },
      { token: t.resA1 },
    );
    expect(res.status).toBe(201);
    const c = await expectFresh();
    const linked = await server.ds.getRepository(WorkOrder).findOneByOrFail({ id: res.body.id });
    expect(linked.repeatOfId).not.toBeNull();
    expect(c.repeats).toBe(2);
    const original = await server.ds.getRepository(WorkOrder).findOneByOrFail({ id: linked.repeatOfId! });
    const day = chinaDay(original.createdAt);
    const [onDay] = await rollups.fromRollups(server.ds.manager, {
      companyId: w.companyA.id,
      fromDay: day,
      toDay: day,
    });
    expect(onDay.counters.repeats).toBe(1);
  });
  it('keeps the cube and the duration sketches fresh through every event above', async () => {
    await tick();
    for (const keys of [[], ['technicianId', 'category'], ['communityId']] as GroupKey[][]) {
      const raw = await rollups.computeFromRaw(server.ds.manager, window(), keys);
      expect(await rollups.fromRollups(server.ds.manager, window(), keys)).toEqual(raw);
    }
    const queries = new ScoreQueries(server.ds, rollups);
    for (const byTechnician of [false, true]) {
      await expectSketchesWithinBound(server.ds.manager, queries, window(), byTechnician);
    }
  });

  it('a change only marks its day: the next tick sweeps the mark into a job and fires it', async () => {
    await tick();
    const jobs = server.ds.getRepository(ScheduledJob);
    const marks = () => server.ds.getRepository(RollupDirty).countBy({ communityId: w.a1.id });
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '只标记不排任务', houseId: w.houseA1.id, priority: 'P3' },
      { token: t.resA1 },
    );
    expect(res.status).toBe(201);
    // The create wrote the mark and no rollup job (no pending-job lookup on the order's path).
    expect(await marks()).toBeGreaterThan(0);
    expect(await jobs.countBy({ kind: 'rollup', status: 'pending' })).toBe(0);
    // One tick: the sweep (first in the tick) queues the community's job, the tick fires it.
    expect(await server.app.get(JobRunner).tick()).toBeGreaterThan(0);
    expect(await marks()).toBe(0);
    expect(await jobs.countBy({ kind: 'rollup', status: 'pending' })).toBe(0);
    expect(await rollups.fromRollups(server.ds.manager, window(), KEYS)).toEqual(
      await rollups.computeFromRaw(server.ds.manager, window(), KEYS),
    );
  });
});
