/**
 * Satisfaction benchmark data: a company with three years of orders, ratings, follow-ups and SLA
 * clocks in MariaDB, then every rollup partition rebuilt from them (timed).
 *
 *   pnpm --filter @linli/server bench:satisfaction-seed --orders 1000000   # then: bench:satisfaction
 *
 * Database: --db URL (or LINLI_DB_URL), default mysql://root@127.0.0.1:3306/linli_bench_sat. Its
 * name must contain "bench": it is dropped and created anew, then migrated.
 *
 * What it writes (distributions are deliberate, so the scores mean something):
 * - 1 company, 20 communities (800-4,000 households; orders in proportion), 15 buildings of 40
 *   homes and 5 public areas (2 inside a building) each;
 * - 200 technicians (10 per community, 2-3 skills each, a hidden quality ~ N(0, 0.6)), one team
 *   per community, desk staff, supervisors, an admin; 8 categories (plumbing 30%, electrical 20%,
 *   door/lock 12%, public facilities 10%, appliances 8%, cleaning 8%, other 7%, lifts 5%);
 * - orders over 1,095 China days ending yesterday: a summer peak (±25%) and busier weekends;
 *   hours peaking 8-11 and 18-22; P1 3% / P2 17% / P3 65% / P4 15% with the default SLA targets;
 *   repair 90%, complaint 7%, suggestion 3%; 3% cancelled; 85% at a home, 15% in a public area;
 * - times: acceptance lognormal around 45% of the accept target (better technicians faster),
 *   arrival lognormal for P1/P2 and by appointment (2-48 h) for P3/P4, 1-3 visits;
 * - reopens (4% base, more after several visits or a missed deadline, fewer for good
 *   technicians), 75% of them fixed again; repeats linked by the server's rule (shared
 *   repeat.ts: a repair or complaint of the same home or area and category within 30 days of
 *   closing);
 * - ratings from 68% of residents, stars ~ 4.35 + 0.35·quality - 0.9 per missed accept/resolve
 *   deadline - 1.6 if reopened within 7 days - 0.35 per extra visit + noise; dimensions (75% each)
 *   track the stars, speed tracks punctuality and workmanship the reopen; the rest closed unrated;
 * - follow-ups by the server's rules (shared follow-up.ts and needsFollowUp: low ratings / "not
 *   fixed", complaints, and every completed order in the three communities whose policy is
 *   "all"; due as the server sets it), 85% done; unrated orders close after the configured
 *   rating window (LINLI_RATING_WINDOW_DAYS, default 7);
 * - SLA clocks per stage stopped at the first accept/arrive/completion (breached when late), a
 *   resolve clock for each reopen cycle; timeline events for the reopened orders (what the
 *   first-time-fix rule reads).
 * Optional: --seed N (PRNG seed), --chunk-days N (rollup rebuild chunk, default 92), --no-rollups (leave the
 * rollups empty; rebuild them later with bench:satisfaction --rebuild).
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  addDays,
  chinaDay,
  followUpDueAt,
  followUpOnCompletion,
  followUpPolicyOf,
  isRepeatableKind,
  needsFollowUp,
  repeatWindowStart,
  startOfChinaDay as dayStart,
  type FollowUpPolicy,
} from '@linli/shared';
import type { DataSource, QueryRunner } from 'typeorm';
import { RollupService } from '../src/modules/satisfaction/rollup.service.js';
import { benchConfig, freshBenchDataSource, flag } from './bench-config.js';
import { mulberry32 } from '../src/database/seed/prng.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SPAN_DAYS = 1095;
const COMMUNITIES = 20;
const BUILDINGS = 15;
const HOMES_PER_BUILDING = 40;
const AREAS = 5;
const TECHS_PER_COMMUNITY = 10;
const FLUSH = 1000;

export const BENCH_COMPANY_ID = 1;

const arg = (name: string, fallback?: string) => flag(process.argv, name, fallback);

const CATEGORIES: Array<[code: string, name: string, homeShare: number, areaShare: number]> = [
  ['plumbing', '水管漏水', 0.34, 0.1],
  ['electrical', '电路停电', 0.21, 0.15],
  ['door_lock', '门窗门锁', 0.14, 0.05],
  ['public_facility', '公共设施', 0.02, 0.4],
  ['appliance', '家电维修', 0.1, 0],
  ['cleaning', '保洁', 0.04, 0.2],
  ['other', '其他', 0.15, 0.05],
  ['lift', '电梯', 0, 0.05],
];
const PRIORITIES: Array<[string, number]> = [
  ['P1', 0.03],
  ['P2', 0.17],
  ['P3', 0.65],
  ['P4', 0.15],
];
/** Default SLA targets in minutes (arrive null = by appointment). */
const TARGETS: Record<string, { accept: number; arrive: number | null; resolve: number }> = {
  P1: { accept: 5, arrive: 30, resolve: 120 },
  P2: { accept: 15, arrive: 120, resolve: 240 },
  P3: { accept: 30, arrive: null, resolve: 2880 },
  P4: { accept: 1440, arrive: null, resolve: 7200 },
};
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 7, 6, 5, 3, 3, 4, 4, 4, 4, 5, 7, 7, 6, 4, 2];

const sqlTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

class Batch {
  private rows: unknown[][] = [];
  total = 0;
  constructor(
    private readonly qr: QueryRunner,
    private readonly table: string,
    private readonly columns: string[],
  ) {}
  async add(row: unknown[]) {
    this.rows.push(row);
    if (this.rows.length >= FLUSH) await this.flush();
  }
  async flush() {
    if (!this.rows.length) return;
    const one = `(${this.columns.map(() => '?').join(',')})`;
    await this.qr.query(
      `INSERT INTO \`${this.table}\` (${this.columns.map((c) => `\`${c}\``).join(',')}) VALUES ${this.rows.map(() => one).join(',')}`,
      this.rows.flat(),
    );
    this.total += this.rows.length;
    this.rows = [];
  }
}

interface Tech {
  id: number;
  communityId: number;
  skills: string[];
  quality: number;
}

interface Place {
  communityId: number;
  houseId: number | null;
  areaId: number | null;
}

/** `ratingWindowDays`: how long a completed order waits for its rating (the server's configuration). */
export async function seed(ds: DataSource, orders: number, seedValue: number, ratingWindowDays: number) {
  const rand = mulberry32(seedValue);
  const ratingWindowMs = ratingWindowDays * DAY;
  /** Each community's follow-up policy, as stored. */
  const policyOf = new Map<number, FollowUpPolicy>();
  const pickWeighted = <T>(items: Array<[T, number]>): T => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = rand() * total;
    for (const [item, w] of items) if ((x -= w) < 0) return item;
    return items[items.length - 1][0];
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lognormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());
  const clampStars = (x: number) => Math.max(1, Math.min(5, Math.round(x)));

  const qr = ds.createQueryRunner();
  await qr.connect();
  await qr.query('SET foreign_key_checks = 0, unique_checks = 0');
  try {
    // ---- places and people
    await qr.query("INSERT INTO company (id, name) VALUES (?, '基准物业')", [BENCH_COMPANY_ID]);
    await qr.query(
      `INSERT INTO category (companyId, code, name, sortOrder) VALUES ${CATEGORIES.map(() => '(?, ?, ?, ?)').join(', ')}`,
      CATEGORIES.flatMap(([code, name], i) => [BENCH_COMPANY_ID, code, name, i]),
    );
    const households: number[] = [];
    const communities = new Batch(qr, 'community', ['id', 'companyId', 'name', 'code', 'households', 'followUpPolicy']);
    const buildings = new Batch(qr, 'building', ['id', 'communityId', 'name']);
    const houses = new Batch(qr, 'house', ['id', 'communityId', 'buildingId', 'unitId', 'roomNo', 'label']);
    const areas = new Batch(qr, 'public_area', ['id', 'communityId', 'buildingId', 'name']);
    const homesOf = new Map<number, number[]>();
    const areasOf = new Map<number, number[]>();
    let buildingId = 0;
    let houseId = 0;
    let areaId = 0;
    for (let c = 1; c <= COMMUNITIES; c++) {
      const h = 800 + Math.floor(rand() * 3200);
      households.push(h);
      policyOf.set(c, followUpPolicyOf(c <= 3 ? 'all' : 'low'));
      await communities.add([c, BENCH_COMPANY_ID, `小区${c}`, `B${c}`, h, policyOf.get(c)]);
      const homes: number[] = [];
      const firstBuilding = buildingId + 1;
      for (let b = 1; b <= BUILDINGS; b++) {
        await buildings.add([++buildingId, c, `${b}栋`]);
        for (let k = 0; k < HOMES_PER_BUILDING; k++) {
          const room = `${Math.floor(k / 4) + 1}0${(k % 4) + 1}`;
          await houses.add([++houseId, c, buildingId, null, room, `${b}栋${room}`]);
          homes.push(houseId);
        }
      }
      homesOf.set(c, homes);
      const list: number[] = [];
      for (let a = 1; a <= AREAS; a++) {
        await areas.add([++areaId, c, a <= 2 ? firstBuilding + a : null, `公共区域${a}`]);
        list.push(areaId);
      }
      areasOf.set(c, list);
    }
    for (const b of [communities, buildings, houses, areas]) await b.flush();

    const users = new Batch(qr, 'user', ['id', 'role', 'companyId', 'name', 'username', 'isDemo', 'active']);
    const staffCommunities = new Batch(qr, 'staff_community', ['userId', 'communityId']);
    const skills = new Batch(qr, 'technician_skill', ['userId', 'category', 'level']);
    const teams = new Batch(qr, 'team', ['id', 'companyId', 'name', 'supervisorId']);
    const members = new Batch(qr, 'team_member', ['teamId', 'userId']);
    await users.add([1, 'admin', BENCH_COMPANY_ID, '管理员', 'bench-admin', 0, 1]);
    const techs: Tech[] = [];
    for (let c = 1; c <= COMMUNITIES; c++) {
      const desk = 10 + c;
      await users.add([desk, 'desk', BENCH_COMPANY_ID, `客服${c}`, `bench-desk${c}`, 0, 1]);
      await staffCommunities.add([desk, c]);
      const supervisor = 40 + c;
      await users.add([supervisor, 'supervisor', BENCH_COMPANY_ID, `主管${c}`, `bench-sup${c}`, 0, 1]);
      await staffCommunities.add([supervisor, c]);
      await teams.add([c, BENCH_COMPANY_ID, `${c}号班组`, supervisor]);
      for (let k = 0; k < TECHS_PER_COMMUNITY; k++) {
        const id = 100 + (c - 1) * TECHS_PER_COMMUNITY + k;
        // Two or three skills; every community covers every category.
        const own = new Set([CATEGORIES[k % CATEGORIES.length][0], pick(CATEGORIES)[0]]);
        if (rand() < 0.5) own.add(pick(CATEGORIES)[0]);
        const tech = { id, communityId: c, skills: [...own], quality: 0.6 * normal() };
        techs.push(tech);
        await users.add([id, 'technician', BENCH_COMPANY_ID, `师傅${id}`, `bench-tech${id}`, 0, 1]);
        await staffCommunities.add([id, c]);
        await members.add([c, id]);
        for (const s of own) await skills.add([id, s, 1 + Math.floor(rand() * 5)]);
      }
    }
    for (const b of [users, staffCommunities, skills, teams, members]) await b.flush();
    const techsFor = new Map<string, Tech[]>();
    for (let c = 1; c <= COMMUNITIES; c++) {
      for (const [cat] of CATEGORIES) {
        const list = techs.filter((t) => t.communityId === c && t.skills.includes(cat));
        techsFor.set(`${c}|${cat}`, list.length ? list : techs.filter((t) => t.communityId === c));
      }
    }

    // ---- orders, day by day, in time order
    const woColumns = [
      'id',
      'no',
      'companyId',
      'communityId',
      'houseId',
      'publicAreaId',
      'kind',
      'channel',
      'category',
      'priority',
      'status',
      'description',
      'createdById',
      'assigneeId',
      'photoIds',
      'reopenCount',
      'repeatOfId',
      'acceptedAt',
      'arrivedAt',
      'firstCompletedAt',
      'visits',
      'completedById',
      'ratingStars',
      'unrated',
      'completedAt',
      'closedAt',
      'createdAt',
      'updatedAt',
    ];
    const wo = new Batch(qr, 'work_order', woColumns);
    const clocks = new Batch(qr, 'sla_clock', [
      'workOrderId',
      'cycle',
      'stage',
      'startedAt',
      'targetMinutes',
      'dueAt',
      'status',
      'level',
      'stoppedAt',
      'breachedAt',
    ]);
    const ratings = new Batch(qr, 'rating', [
      'workOrderId',
      'raterId',
      'companyId',
      'stars',
      'speed',
      'workmanship',
      'attitude',
      'communication',
      'fixed',
      'tags',
      'createdAt',
    ]);
    const followUps = new Batch(qr, 'follow_up', [
      'workOrderId',
      'companyId',
      'communityId',
      'reason',
      'status',
      'dueAt',
      'doneById',
      'doneAt',
      'createdAt',
    ]);
    const events = new Batch(qr, 'work_order_event', [
      'workOrderId',
      'action',
      'toStatus',
      'actorRole',
      'photoIds',
      'createdAt',
    ]);

    const lastDay = addDays(chinaDay(new Date()), -1);
    const firstDay = addDays(lastDay, -(SPAN_DAYS - 1));
    const end = dayStart(addDays(lastDay, 1)).getTime();
    const dayWeights = Array.from({ length: SPAN_DAYS }, (_, i) => {
      const day = addDays(firstDay, i);
      const date = new Date(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T00:00:00Z`);
      const doy = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY;
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 1.12 : 1;
      return (1 + 0.25 * Math.sin((2 * Math.PI * (doy - 110)) / 365)) * weekend;
    });
    const weightSum = dayWeights.reduce((s, w) => s + w, 0);
    const communityWeights = households.map((h, i): [number, number] => [i + 1, h]);
    const lastClosed = new Map<string, { id: number; closedAt: number }>();
    let id = 0;
    let carry = 0;
    for (let d = 0; d < SPAN_DAYS; d++) {
      const exact = (orders * dayWeights[d]) / weightSum + carry;
      const count = d === SPAN_DAYS - 1 ? orders - id : Math.floor(exact);
      carry = exact - count;
      const dayStartMs = dayStart(addDays(firstDay, d)).getTime();
      const times = Array.from({ length: count }, () => {
        const hour = pickWeighted(HOUR_WEIGHTS.map((w, h): [number, number] => [h, w]));
        return dayStartMs + hour * HOUR + Math.floor((rand() * HOUR) / 1000) * 1000;
      }).sort((a, b) => a - b);
      for (const created of times) {
        id++;
        const communityId = pickWeighted(communityWeights);
        const atHome = rand() < 0.85;
        const place: Place = atHome
          ? { communityId, houseId: pick(homesOf.get(communityId)!), areaId: null }
          : { communityId, houseId: null, areaId: pick(areasOf.get(communityId)!) };
        const category = pickWeighted(
          CATEGORIES.map(([code, , home, area]): [string, number] => [code, atHome ? home : area]),
        );
        const kind = pickWeighted<string>([
          ['repair', 0.9],
          ['complaint', 0.07],
          ['suggestion', 0.03],
        ]);
        const priority = pickWeighted(PRIORITIES);
        const target = TARGETS[priority];
        const tech = pick(techsFor.get(`${communityId}|${category}`)!);
        const q = tech.quality;
        const placeKey = `${place.houseId ?? `a${place.areaId}`}|${category}`;
        const prior = lastClosed.get(placeKey);
        // The server's repeat rule (shared/src/repeat.ts): a repairable kind, the same place and
        // category, the latest order closed within the window before this one.
        const repeatOfId =
          isRepeatableKind(kind) &&
          prior &&
          prior.closedAt <= created &&
          prior.closedAt >= repeatWindowStart(new Date(created)).getTime()
            ? prior.id
            : null;

        let status = 'submitted';
        let acceptedAt: number | null = null;
        let arrivedAt: number | null = null;
        let firstCompletedAt: number | null = null;
        let completedAt: number | null = null;
        let closedAt: number | null = null;
        let completedById: number | null = null;
        let visits = 0;
        let reopenAt: number | null = null;
        let ratingStars: number | null = null;
        let unrated = false;
        const cancelled = rand() < 0.03;
        const orderEvents: Array<[string, number]> = [];

        if (!cancelled) {
          acceptedAt = created + Math.max(30_000, lognormal(target.accept * MIN * 0.45 * Math.exp(-0.15 * q), 0.8));
          status = 'accepted';
          arrivedAt =
            target.arrive !== null
              ? acceptedAt + Math.max(MIN, lognormal(target.arrive * MIN * 0.45, 0.6))
              : acceptedAt + 2 * HOUR + rand() * 46 * HOUR;
          const extra = rand() < 0.03 + Math.max(0, -0.04 * q) ? 2 : rand() < 0.09 ? 1 : 0;
          visits = 1 + extra;
          const arrivals = [arrivedAt];
          let t = arrivedAt + (20 + rand() * 160) * MIN;
          for (let k = 0; k < extra; k++) {
            t += DAY * (1 + rand());
            arrivals.push(t);
            t += (20 + rand() * 120) * MIN;
          }
          if (priority === 'P4') t += rand() * 2 * DAY;
          if (arrivedAt > end) {
            status = 'accepted';
            arrivedAt = null;
            visits = 0;
          } else if (t > end) {
            status = 'in_progress';
          } else {
            firstCompletedAt = completedAt = t;
            completedById = tech.id;
            status = 'completed';
            const acceptLate = acceptedAt > created + target.accept * MIN;
            const resolveLate = firstCompletedAt > created + target.resolve * MIN;
            const reopenP = 0.04 + 0.04 * extra + 0.05 * (resolveLate ? 1 : 0) - 0.02 * q;
            if (rand() < reopenP) {
              reopenAt = firstCompletedAt + HOUR + -Math.log(1 - rand()) * 4 * DAY;
              if (reopenAt > end) reopenAt = null;
            }
            if (reopenAt !== null) {
              for (const a of arrivals) orderEvents.push(['arrive', a]);
              orderEvents.push(['complete', firstCompletedAt], ['reopen', reopenAt]);
              status = 'reopened';
              completedAt = null;
              const again = reopenAt + HOUR + rand() * 23 * HOUR;
              if (rand() < 0.75 && again + 3 * HOUR < end) {
                visits += 1;
                completedAt = again + (30 + rand() * 150) * MIN;
                if (rand() < 0.2) completedById = pick(techsFor.get(`${communityId}|${category}`)!).id;
                orderEvents.push(['arrive', again], ['complete', completedAt]);
                status = 'completed';
              }
            }
            const reopenedInWeek = reopenAt !== null && reopenAt <= firstCompletedAt + 7 * DAY;
            const onTime = !acceptLate && !resolveLate;
            // The rating: a resident who reopened may have rated (low) to reopen; otherwise after the last completion.
            const ratedAt =
              status === 'completed'
                ? completedAt! + -Math.log(1 - rand()) * DAY
                : reopenAt !== null && rand() < 0.3
                  ? reopenAt
                  : null;
            if (ratedAt !== null && ratedAt < end && ratedAt < (completedAt ?? reopenAt!) + 7 * DAY && rand() < 0.68) {
              const stars = clampStars(
                4.35 +
                  0.35 * q -
                  (acceptLate ? 0.9 : 0) -
                  (resolveLate ? 0.9 : 0) -
                  (reopenedInWeek ? 1.6 : 0) -
                  0.35 * extra +
                  0.8 * normal(),
              );
              const dim = (x: number) => (rand() < 0.75 ? clampStars(x) : null);
              const fixed = rand() < 0.25 ? null : reopenAt !== null ? false : stars <= 2 ? rand() < 0.5 : true;
              ratingStars = stars;
              await ratings.add([
                id,
                1,
                BENCH_COMPANY_ID,
                stars,
                dim(stars + (onTime ? 0.3 : -1.2) + 0.7 * normal()),
                dim(stars - (reopenAt !== null ? 1 : 0) + 0.6 * normal()),
                dim(stars + 0.3 + 0.6 * normal()),
                dim(stars + 0.7 * normal()),
                fixed === null ? null : fixed ? 1 : 0,
                '[]',
                sqlTime(ratedAt),
              ]);
              if (status === 'completed') {
                status = 'closed';
                closedAt = ratedAt;
              }
              if (needsFollowUp({ stars, fixed })) {
                const due = followUpDueAt(fixed === false ? 'not_fixed' : 'low_rating', new Date(ratedAt)).getTime();
                const done = due < end && rand() < 0.85;
                await followUps.add([
                  id,
                  BENCH_COMPANY_ID,
                  communityId,
                  fixed === false ? 'not_fixed' : 'low_rating',
                  done ? 'done' : 'open',
                  sqlTime(due),
                  done ? 10 + communityId : null,
                  done ? sqlTime(due - rand() * 20 * HOUR) : null,
                  sqlTime(ratedAt),
                ]);
              }
            } else if (status === 'completed' && completedAt! + ratingWindowMs < end) {
              status = 'closed';
              closedAt = completedAt! + ratingWindowMs;
              unrated = true;
            }
            const completionReason = followUpOnCompletion(kind, policyOf.get(communityId)!);
            if (completionReason) {
              const due = followUpDueAt(completionReason, new Date(firstCompletedAt)).getTime();
              const done = due < end && rand() < 0.85;
              await followUps.add([
                id,
                BENCH_COMPANY_ID,
                communityId,
                completionReason,
                done ? 'done' : 'open',
                sqlTime(due),
                done ? 10 + communityId : null,
                done ? sqlTime(due - rand() * 40 * HOUR) : null,
                sqlTime(firstCompletedAt),
              ]);
            }
          }
        } else {
          status = 'cancelled';
        }
        if (closedAt !== null && isRepeatableKind(kind)) lastClosed.set(placeKey, { id, closedAt });

        // SLA clocks: cycle 0 stops at the first accept / arrival / completion.
        const stops = { accept: acceptedAt, arrive: arrivedAt, resolve: firstCompletedAt };
        for (const stage of ['accept', 'arrive', 'resolve'] as const) {
          const minutes = target[stage];
          if (minutes === null) continue;
          const due = created + minutes * MIN;
          const stop = stops[stage];
          const late = stop !== null && stop > due;
          const running = stop === null && !cancelled;
          const breached = (late || (running && due < end)) && rand() < 0.97 ? due + 30_000 : null;
          await clocks.add([
            id,
            0,
            stage,
            sqlTime(created),
            minutes,
            sqlTime(due),
            cancelled ? 'cancelled' : stop !== null ? 'stopped' : 'running',
            breached ? 3 : 0,
            cancelled ? sqlTime(created + 10 * MIN) : stop !== null ? sqlTime(stop) : null,
            breached && (stop === null || breached < stop) ? sqlTime(breached) : null,
          ]);
        }
        if (reopenAt !== null) {
          const due = reopenAt + target.resolve * MIN;
          const stop = status === 'completed' || status === 'closed' ? completedAt : null;
          await clocks.add([
            id,
            1,
            'resolve',
            sqlTime(reopenAt),
            target.resolve,
            sqlTime(due),
            stop !== null ? 'stopped' : 'running',
            0,
            stop !== null ? sqlTime(stop) : null,
            stop !== null && stop > due ? sqlTime(due + 30_000) : null,
          ]);
        }
        for (const [action, at] of orderEvents) await events.add([id, action, action, 'system', '[]', sqlTime(at)]);

        await wo.add([
          id,
          `B${communityId}-${chinaDay(new Date(created))}-${id}`,
          BENCH_COMPANY_ID,
          communityId,
          place.houseId,
          place.areaId,
          kind,
          pick(['miniprogram', 'miniprogram', 'miniprogram', 'phone', 'staff', 'patrol']),
          category,
          priority,
          status,
          '基准数据',
          1,
          cancelled ? null : tech.id,
          '[]',
          reopenAt !== null ? 1 : 0,
          repeatOfId,
          acceptedAt === null ? null : sqlTime(acceptedAt),
          arrivedAt === null ? null : sqlTime(arrivedAt),
          firstCompletedAt === null ? null : sqlTime(firstCompletedAt),
          visits,
          completedById,
          ratingStars,
          unrated ? 1 : 0,
          completedAt === null ? null : sqlTime(completedAt),
          closedAt === null ? null : sqlTime(closedAt),
          sqlTime(created),
          sqlTime(created),
        ]);
      }
      if (d % 100 === 99) process.stdout.write(`  day ${d + 1}/${SPAN_DAYS}: ${id.toLocaleString('en-US')} orders\n`);
    }
    for (const b of [wo, clocks, ratings, followUps, events]) await b.flush();
    for (const table of ['work_order', 'rating', 'sla_clock', 'follow_up', 'work_order_event', 'house']) {
      await qr.query(`ANALYZE TABLE \`${table}\``);
    }
    return {
      firstDay,
      lastDay,
      orders: wo.total,
      ratings: ratings.total,
      clocks: clocks.total,
      followUps: followUps.total,
      events: events.total,
    };
  } finally {
    await qr.release();
  }
}

async function main() {
  const orders = Number(arg('orders', '1000000'));
  const seedValue = Number(arg('seed', '20261127'));
  const chunkDays = Number(arg('chunk-days', '92'));
  const config = benchConfig(process.env, process.argv, {
    dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_sat',
    dataDir: path.join(os.tmpdir(), 'linli-bench-sat'),
  }).app;
  const db = config.db;
  if (db.type !== 'mariadb')
    throw new Error('the satisfaction benchmark runs on MariaDB/MySQL (LINLI_DB_URL=mysql://...)');
  const ds = await freshBenchDataSource(db, 'the seed drops and creates its database');
  try {
    let t = performance.now();
    await ds.runMigrations({ transaction: 'each' });
    console.log(`migrated ${db.database} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const s = await seed(ds, orders, seedValue, config.ratingWindowDays);
    const seedS = (performance.now() - t) / 1000;
    const fmt = (n: number) => n.toLocaleString('en-US');
    console.log(
      `seeded ${fmt(s.orders)} orders (${s.firstDay}..${s.lastDay}), ${fmt(s.ratings)} ratings, ${fmt(s.clocks)} SLA clocks, ` +
        `${fmt(s.followUps)} follow-ups, ${fmt(s.events)} timeline events in ${seedS.toFixed(1)} s ` +
        `(${fmt(Math.round(s.orders / seedS))} orders/s)`,
    );
    if (process.argv.includes('--no-rollups')) return;
    t = performance.now();
    const rebuilt = await new RollupService().rebuild(ds.manager, BENCH_COMPANY_ID, s.firstDay, s.lastDay, chunkDays);
    const rollupS = (performance.now() - t) / 1000;
    console.log(
      `rollups: rebuilt every partition (${fmt(rebuilt.rows)} satisfaction_daily rows, ${Math.ceil(SPAN_DAYS / chunkDays)} chunks of ` +
        `${chunkDays} days) in ${rollupS.toFixed(1)} s`,
    );
    const [{ v }] = await ds.query<Array<{ v: string }>>('SELECT VERSION() AS v');
    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
        `node ${process.version}, MariaDB ${v}`,
    );
  } finally {
    await ds.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
