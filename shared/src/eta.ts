/**
 * When will the technician be at the door? A pure estimate of a repair's arrival window from the
 * technician's queue ahead of it, the travel between jobs and how long jobs of each category
 * take on site (docs/arrival.md). No clock is read here: `now` is a parameter, so the server
 * recomputes it on every read and each read reflects the queue as it is.
 */
import { distanceKm, travelMinutes } from './geo.js';
import { sortQueue } from './queue-order.js';
import { percentile } from './satisfaction/percentiles.js';
import { addDays, chinaDay } from './time/china-time.js';
import type { Priority, WorkOrderKind, WorkOrderStatus } from './work-order.js';

const MINUTE_MS = 60_000;

/** A place on the map; null coordinates: unknown (travel then costs UNKNOWN_TRAVEL_MIN). */
export interface GeoPoint {
  latitude: number | null;
  longitude: number | null;
}

/** How long jobs of a category take on site, minutes: a typical job and a slow one. */
export interface OnSiteMinutes {
  /** The median: the earliest bound of the window assumes typical jobs. */
  typical: number;
  /** A high quantile (P80): the latest bound assumes slow jobs. */
  slow: number;
}

/** The quantile of the historical on-site durations the latest bound uses. */
export const SLOW_JOB_PERCENTILE = 80;
/** Fewer finished jobs of a category than this: its default durations are used instead. */
export const MIN_DURATION_SAMPLES = 5;
/** On-site durations outside [1, 480] minutes are recording slips (a job closed the next day) and are left out. */
export const MAX_ON_SITE_MINUTES = 480;

/** On-site durations assumed for a category without history (minutes; see docs/arrival.md). */
export const DEFAULT_ON_SITE_MINUTES: Readonly<Record<string, OnSiteMinutes>> = {
  plumbing: { typical: 45, slow: 90 },
  electrical: { typical: 40, slow: 80 },
  door_window: { typical: 35, slow: 70 },
  lift: { typical: 60, slow: 120 },
  public_area: { typical: 40, slow: 90 },
  other: { typical: 40, slow: 90 },
};
/** Any other category without history. */
export const FALLBACK_ON_SITE_MINUTES: OnSiteMinutes = { typical: 45, slow: 90 };
/**
 * An urgent job (P1, P2) is contained first and finished later (the SLA's resolve target for P1
 * is "contain"): its stay before the technician moves on is this share of the category's.
 */
export const URGENT_ON_SITE_FACTOR: Readonly<Record<Priority, number>> = { P1: 0.75, P2: 1, P3: 1, P4: 1 };
/** Minutes added to every trip in the latest bound (lifts, parking, a call on the way). */
export const TRAVEL_SLACK_MIN = 5;
/**
 * A job on site for longer than its slow duration still needs this long in the latest bound
 * (and half of it in the earliest): it is not over just because it took longer than usual.
 */
export const OVERRUN_MIN = 10;
/** Window bounds are shown to the minute of a 5-minute grid: earliest rounded down, latest up. */
export const ARRIVAL_ROUND_MIN = 5;

/** Statuses of an assigned order still waiting for its visit: the ones with an arrival estimate. */
export const AWAITING_VISIT_STATUSES: readonly WorkOrderStatus[] = ['assigned', 'accepted', 'on_the_way', 'reopened'];
/** The technician is at this job (its visit has happened; it holds up the jobs after it). */
const ON_SITE_STATUSES: readonly WorkOrderStatus[] = ['in_progress'];

/**
 * On-site durations per category from finished jobs (minutes between arriving and completing):
 * the median and SLOW_JOB_PERCENTILE of the samples in (0, MAX_ON_SITE_MINUTES], for categories
 * with at least MIN_DURATION_SAMPLES of them.
 */
export function onSiteStats(
  samples: Iterable<{ category: string; minutes: number }>,
): Map<string, OnSiteMinutes & { n: number }> {
  const byCategory = new Map<string, number[]>();
  for (const s of samples) {
    if (!Number.isFinite(s.minutes) || s.minutes <= 0 || s.minutes > MAX_ON_SITE_MINUTES) continue;
    const list = byCategory.get(s.category);
    if (list) list.push(s.minutes);
    else byCategory.set(s.category, [s.minutes]);
  }
  const out = new Map<string, OnSiteMinutes & { n: number }>();
  for (const [category, xs] of byCategory) {
    if (xs.length < MIN_DURATION_SAMPLES) continue;
    xs.sort((a, b) => a - b);
    out.set(category, { typical: percentile(xs, 50)!, slow: percentile(xs, SLOW_JOB_PERCENTILE)!, n: xs.length });
  }
  return out;
}

/**
 * The on-site minutes to plan for a job: its category's history when there is enough, else the
 * category's default, scaled for urgent jobs.
 */
export function onSiteMinutesFor(
  history: ReadonlyMap<string, OnSiteMinutes> | null | undefined,
  category: string,
  priority: Priority,
): OnSiteMinutes {
  const base =
    history?.get(category) ??
    (Object.hasOwn(DEFAULT_ON_SITE_MINUTES, category) ? DEFAULT_ON_SITE_MINUTES[category] : FALLBACK_ON_SITE_MINUTES);
  const f = URGENT_ON_SITE_FACTOR[priority] ?? 1;
  return { typical: base.typical * f, slow: Math.max(base.typical, base.slow) * f };
}

/** One open order of the technician, as the estimate needs it. */
export interface QueueJob {
  id: number;
  priority: Priority;
  /** Next SLA deadline (epoch ms, ISO string or Date) or null: the queue order's key. */
  dueAt: number | string | Date | null;
  status: WorkOrderStatus;
  category: string;
  /** Where the job is (its building or community). */
  place: GeoPoint;
  /** When the technician arrived (epoch ms), for a job on site; else null. */
  arrivedAt?: number | null;
  /** The resident's visit window opens (epoch ms): the technician does not come before. */
  visitFrom?: number | null;
}

export interface TechnicianQueue {
  /** Where the technician is now (the building of the current or last job); null: unknown. */
  position: GeoPoint | null;
  /** Every open order assigned to the technician, in any order. */
  jobs: readonly QueueJob[];
}

export interface ArrivalEstimate {
  orderId: number;
  /** Epoch ms; never before `now`. */
  earliestAt: number;
  /** Epoch ms; never before `earliestAt`. */
  latestAt: number;
  /** Jobs the technician does before this one (the one on site counts). */
  ahead: number;
  /** The technician is on the way to this order. */
  onTheWay: boolean;
  /** The window was pushed to the resident's visit window. */
  byAppointment: boolean;
}

/**
 * The order in which the technician works: the job on site first, then the one they are on the
 * way to, then the rest in queue order (P1/P2 pinned, then deadline). Paused and quoted jobs wait
 * for parts or the resident's answer: they hold nobody up and have no estimate.
 */
export function workingOrder<T extends QueueJob>(jobs: readonly T[]): T[] {
  const onSite = sortQueue(jobs.filter((j) => ON_SITE_STATUSES.includes(j.status)));
  const onTheWay = sortQueue(jobs.filter((j) => j.status === 'on_the_way'));
  const waiting = sortQueue(
    jobs.filter((j) => j.status !== 'on_the_way' && AWAITING_VISIT_STATUSES.includes(j.status)),
  );
  return [...onSite, ...onTheWay, ...waiting];
}

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

/**
 * Arrival windows for every job of one technician that still waits for its visit, in one pass
 * over their working order. Two timelines run side by side from `now`: the earliest (typical
 * on-site durations, plain travel) and the latest (slow durations, travel plus TRAVEL_SLACK_MIN).
 * For each job: travel from the previous place (the technician's position for the first), then
 * the arrival, then its on-site time before the next. A job on site counts its time left
 * (typical/slow minus the time already spent, at least OVERRUN_MIN/2 and OVERRUN_MIN). A job
 * whose visit window opens after the technician could be there waits for it and holds up none
 * of the jobs after it. Bounds are rounded to ARRIVAL_ROUND_MIN (earliest down, latest up) and
 * clamped to `now`.
 */
export function estimateQueue(
  queue: TechnicianQueue,
  now: number,
  history?: ReadonlyMap<string, OnSiteMinutes> | null,
): Map<number, ArrivalEstimate> {
  const out = new Map<number, ArrivalEstimate>();
  const ordered = workingOrder(queue.jobs);
  let early = now;
  let late = now;
  let from: GeoPoint | null = queue.position;
  let ahead = 0;
  for (const job of ordered) {
    const stay = onSiteMinutesFor(history, job.category, job.priority);
    if (ON_SITE_STATUSES.includes(job.status)) {
      const spent = job.arrivedAt != null ? Math.max(0, (now - job.arrivedAt) / MINUTE_MS) : 0;
      early += Math.max(OVERRUN_MIN / 2, stay.typical - spent) * MINUTE_MS;
      late += Math.max(OVERRUN_MIN, stay.slow - spent) * MINUTE_MS;
      from = job.place;
      ahead += 1;
      continue;
    }
    const trip = travelMinutes(from ? distanceKm(from, job.place) : null);
    let arriveEarly = early + trip * MINUTE_MS;
    let arriveLate = late + (trip + TRAVEL_SLACK_MIN) * MINUTE_MS;
    const opens = job.visitFrom ?? null;
    const waitsForWindow = opens !== null && opens > arriveEarly;
    if (waitsForWindow) {
      arriveEarly = Math.max(arriveEarly, opens);
      arriveLate = Math.max(arriveLate, opens);
    }
    const earliestAt = Math.max(now, floorTo(arriveEarly, ARRIVAL_ROUND_MIN * MINUTE_MS));
    out.set(job.id, {
      orderId: job.id,
      earliestAt,
      latestAt: Math.max(earliestAt, ceilTo(arriveLate, ARRIVAL_ROUND_MIN * MINUTE_MS)),
      ahead,
      onTheWay: job.status === 'on_the_way',
      byAppointment: waitsForWindow,
    });
    // An appointment later than the technician could come does not hold up the jobs after it.
    if (waitsForWindow) continue;
    early = arriveEarly + stay.typical * MINUTE_MS;
    late = arriveLate + stay.slow * MINUTE_MS;
    from = job.place;
    ahead += 1;
  }
  return out;
}

/** What the estimate of one order needs about the order itself. */
export interface ArrivalTarget {
  id: number;
  kind: WorkOrderKind;
  status: WorkOrderStatus;
  /** Null: nobody is assigned yet (派单中 / 等待师傅接单): no estimate. */
  assigneeId: number | null;
}

/** Whether an order gets an arrival estimate: a repair, assigned, its visit still ahead. */
export function expectsArrival(o: ArrivalTarget): boolean {
  return o.kind === 'repair' && o.assigneeId !== null && AWAITING_VISIT_STATUSES.includes(o.status);
}

/**
 * The arrival window of one order, or null when it has none (not a repair, nobody assigned,
 * already visited, or the queue given does not hold it).
 */
export function estimateArrival(
  target: ArrivalTarget,
  queue: TechnicianQueue | null,
  now: number,
  history?: ReadonlyMap<string, OnSiteMinutes> | null,
): ArrivalEstimate | null {
  if (!expectsArrival(target) || !queue) return null;
  return estimateQueue(queue, now, history).get(target.id) ?? null;
}

/** Why the window is what it is, for the resident: 前面还有 2 单, 师傅已出发, 按您预约的时间. */
export function arrivalBasisText(e: Pick<ArrivalEstimate, 'ahead' | 'onTheWay' | 'byAppointment'>): string {
  if (e.byAppointment) return '按您预约的时间上门';
  if (e.onTheWay) return '师傅已出发';
  if (e.ahead > 0) return `师傅前面还有 ${e.ahead} 单`;
  return '师傅下一单就是您家';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** China-local hh:mm of an instant. */
function clock(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** 今天 → '', 明天 / 后天, else 12月5日: the day an instant falls on, relative to `now`. */
function dayWord(ms: number, now: number): string {
  const day = chinaDay(new Date(ms));
  const today = chinaDay(new Date(now));
  if (day === today) return '';
  if (day === addDays(today, 1)) return '明天';
  if (day === addDays(today, 2)) return '后天';
  return `${Number(day.slice(4, 6))}月${Number(day.slice(6, 8))}日`;
}

/** An instant as a resident reads it next to `now`: 11:05 today, 明天 09:30, 12月20日 09:30. */
export function chinaTimeText(at: number | string, now: number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  const day = dayWord(ms, now);
  return day ? `${day} ${clock(ms)}` : clock(ms);
}

/**
 * The promise in words: 预计 11:05 前上门 (the latest bound: what the resident can plan on), and
 * the window with `range`: 预计 10:40–11:05 上门. Another day is named: 预计明天 09:30 前上门.
 */
export function arrivalText(
  w: { earliestAt: number | string; latestAt: number | string },
  now: number,
  range = false,
): string {
  const earliest = typeof w.earliestAt === 'number' ? w.earliestAt : Date.parse(w.earliestAt);
  const latest = typeof w.latestAt === 'number' ? w.latestAt : Date.parse(w.latestAt);
  const day = dayWord(latest, now);
  const prefix = `预计${day ? `${day} ` : ' '}`;
  if (!range || dayWord(earliest, now) !== day || clock(earliest) === clock(latest)) {
    return `${prefix}${clock(latest)} 前上门`;
  }
  return `${prefix}${clock(earliest)}–${clock(latest)} 上门`;
}
