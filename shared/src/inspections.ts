/**
 * Inspection rounds (巡检) and planned maintenance (保养): the rules both ends share.
 * docs/inspections.md explains them; the server applies them, the mini-program and the
 * console read the same constants.
 */
import { addDays, chinaLocalTime, startOfChinaDay } from './time/china-time.js';

export const PLAN_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type PlanFrequency = (typeof PLAN_FREQUENCIES)[number];
export const PLAN_KINDS = ['inspection', 'maintenance'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];
export const ROUND_STATUSES = ['pending', 'in_progress', 'completed', 'missed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const CHECK_RESULTS = ['ok', 'abnormal'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** One line of a point's checklist. */
export interface ChecklistItem {
  /** Stable within the point: a-z, 0-9, _ (results are keyed by it). */
  key: string;
  label: string;
  photoRequired: boolean;
}

export const CHECKLIST_MAX_ITEMS = 20;
export const CHECKLIST_KEY = /^[a-z0-9_]{1,32}$/;
/** A point's QR payload: 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L). */
export const POINT_CODE = /^[A-HJKMNP-Z2-9]{12}$/;
export const POINT_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Client keys of offline actions (the phone makes them): 8-64 letters, digits, _ or -. */
export const CLIENT_KEY = /^[A-Za-z0-9_-]{8,64}$/;
export const PLAN_MAX_POINTS = 50;
/** The shortest window a round may have (minutes). */
export const MIN_WINDOW_MINUTES = 15;

/**
 * The code out of what a scan read: the QR of a point carries a scene `i=<code>` (in the H5
 * URL of the scan page, `...?scene=i%3D<code>`, or as the mini-program code's scene); a code
 * typed in by hand is taken as it is. Null when it holds no point code.
 */
export function pointCodeOf(scanned: string): string | null {
  let text = scanned.trim();
  try {
    text = decodeURIComponent(text);
  } catch {
    return null;
  }
  const fromScene = /(?:^|[?&=])i=([A-Za-z0-9]+)/.exec(text)?.[1];
  const raw = (fromScene ?? text).toUpperCase();
  return POINT_CODE.test(raw) ? raw : null;
}

export interface PlanSchedule {
  frequency: PlanFrequency;
  /** weekly: 1 (Monday) .. 7 (Sunday); monthly: 1..28; daily: null. */
  dayOf: number | null;
  /** China time, minutes after midnight; windowEnd > windowStart (same day). */
  windowStart: number;
  windowEnd: number;
  /** yyyy-mm-dd: no occurrence before this China day. */
  startsOn: string;
}

/** Problems with a schedule (empty when valid), as field -> problem. */
export function scheduleProblems(s: PlanSchedule): Array<{ field: string; problem: string }> {
  const out: Array<{ field: string; problem: string }> = [];
  if (!Number.isInteger(s.windowStart) || s.windowStart < 0 || s.windowStart > 1439)
    out.push({ field: 'windowStart', problem: 'minutes after midnight, 0..1439' });
  if (!Number.isInteger(s.windowEnd) || s.windowEnd < 1 || s.windowEnd > 1440)
    out.push({ field: 'windowEnd', problem: 'minutes after midnight, 1..1440' });
  else if (s.windowEnd - s.windowStart < MIN_WINDOW_MINUTES)
    out.push({ field: 'windowEnd', problem: `the window must last at least ${MIN_WINDOW_MINUTES} minutes` });
  if (s.frequency === 'daily' && s.dayOf !== null) out.push({ field: 'dayOf', problem: 'a daily plan has no day' });
  if (s.frequency === 'weekly' && !(Number.isInteger(s.dayOf) && s.dayOf! >= 1 && s.dayOf! <= 7))
    out.push({ field: 'dayOf', problem: 'a weekly plan needs a weekday 1 (Monday) .. 7' });
  if (s.frequency === 'monthly' && !(Number.isInteger(s.dayOf) && s.dayOf! >= 1 && s.dayOf! <= 28))
    out.push({ field: 'dayOf', problem: 'a monthly plan needs a day of month 1..28' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.startsOn)) out.push({ field: 'startsOn', problem: 'a date yyyy-mm-dd' });
  return out;
}

export interface Occurrence {
  /** The China day of the occurrence (yyyy-mm-dd): one round or order per plan and period. */
  periodKey: string;
  windowStart: Date;
  windowEnd: Date;
}

function dateOf(dayKey: string): string {
  return `${dayKey.slice(0, 4)}-${dayKey.slice(4, 6)}-${dayKey.slice(6, 8)}`;
}

function occursOn(s: PlanSchedule, date: string): boolean {
  if (s.frequency === 'daily') return true;
  const { weekday } = chinaLocalTime(startOfChinaDay(date));
  if (s.frequency === 'weekly') return (weekday === 0 ? 7 : weekday) === s.dayOf;
  return Number(date.slice(8, 10)) === s.dayOf;
}

function occurrenceOn(s: PlanSchedule, date: string): Occurrence {
  const midnight = startOfChinaDay(date).getTime();
  return {
    periodKey: date,
    windowStart: new Date(midnight + s.windowStart * 60_000),
    windowEnd: new Date(midnight + s.windowEnd * 60_000),
  };
}

/**
 * The first occurrence whose window has not ended by `after` (an occurrence already under way
 * counts: a plan created at 09:30 for a 09:00-11:00 window gets today's round). Never before
 * `startsOn`. Looks at most 62 days ahead (a monthly plan always occurs within that).
 */
export function nextOccurrence(s: PlanSchedule, after: Date): Occurrence {
  const today = chinaLocalTime(after).date;
  let day = (today > s.startsOn ? today : s.startsOn).replace(/-/g, '');
  for (let i = 0; i < 62; i++, day = addDays(day, 1)) {
    const date = dateOf(day);
    if (!occursOn(s, date)) continue;
    const occ = occurrenceOn(s, date);
    if (occ.windowEnd.getTime() > after.getTime()) return occ;
  }
  throw new Error('no occurrence within 62 days');
}

/** The occurrence after the one of `periodKey` (what to schedule once a period is generated). */
export function followingOccurrence(s: PlanSchedule, periodKey: string): Occurrence {
  return nextOccurrence(s, startOfChinaDay(addDays(periodKey.replace(/-/g, ''), 1)));
}

/**
 * Offline actions carry the phone's time. The server takes it when it is no later than a few
 * minutes past its own clock (phones drift) and no earlier than shortly before the round's
 * window opened (a round cannot be done before it existed); otherwise the action is refused
 * with INSPECTION_TIME_INVALID and changes nothing.
 */
export const CLIENT_CLOCK_AHEAD_MS = 5 * 60_000;
export const CLIENT_EARLY_MS = 30 * 60_000;
/** How long an offline round may wait to be sent (the phone's time may be that old). */
export const OFFLINE_MAX_AGE_MS = 7 * 86_400_000;

export function clientTimeAccepted(clientAt: Date, receivedAt: Date, windowStart: Date): boolean {
  const t = clientAt.getTime();
  if (!Number.isFinite(t)) return false;
  if (t > receivedAt.getTime() + CLIENT_CLOCK_AHEAD_MS) return false;
  if (t < windowStart.getTime() - CLIENT_EARLY_MS) return false;
  return t >= receivedAt.getTime() - OFFLINE_MAX_AGE_MS;
}

/** A round is late when it completes after its window closed (or was still open when it did). */
export function roundLate(windowEnd: Date, completedAt: Date): boolean {
  return completedAt.getTime() > windowEnd.getTime();
}

/** Completed rounds over rounds whose window has ended or that completed (0..1, null with none). */
export function completionRate(rounds: Array<{ status: RoundStatus; late: boolean }>): {
  due: number;
  completed: number;
  onTime: number;
  rate: number | null;
} {
  const due = rounds.length;
  const completed = rounds.filter((r) => r.status === 'completed').length;
  const onTime = rounds.filter((r) => r.status === 'completed' && !r.late).length;
  return { due, completed, onTime, rate: due ? completed / due : null };
}

/** The maintenance order a plan files: planned, lowest priority. */
export const MAINTENANCE_PRIORITY = 'P4' as const;

// ---- API views ---------------------------------------------------------------------------

export interface InspectionPointView {
  id: number;
  communityId: number;
  communityName: string;
  buildingId: number | null;
  publicAreaId: number;
  publicAreaName: string;
  name: string;
  code: string;
  checklist: ChecklistItem[];
  active: boolean;
}

export interface InspectionPlanView {
  id: number;
  kind: PlanKind;
  communityId: number;
  communityName: string;
  name: string;
  frequency: PlanFrequency;
  dayOf: number | null;
  windowStart: number;
  windowEnd: number;
  teamId: number | null;
  teamName: string | null;
  pointIds: number[];
  publicAreaId: number | null;
  buildingId: number | null;
  category: string | null;
  description: string | null;
  startsOn: string;
  active: boolean;
  nextAt: string | null;
}

export interface RoundCheckView {
  itemKey: string;
  result: CheckResult;
  note: string | null;
  uploadId: number | null;
  checkedAt: string;
  receivedAt: string;
  workOrderId: number | null;
}

export interface RoundPointView {
  pointId: number;
  seq: number;
  name: string;
  checklist: ChecklistItem[];
  scannedAt: string | null;
  scanReceivedAt: string | null;
  checks: RoundCheckView[];
}

export interface InspectionRoundView {
  id: number;
  planId: number;
  planName: string;
  communityId: number;
  communityName: string;
  teamId: number | null;
  teamName: string | null;
  periodKey: string;
  windowStart: string;
  windowEnd: string;
  status: RoundStatus;
  late: boolean;
  escalated: boolean;
  technicianId: number | null;
  technicianName: string | null;
  startedAt: string | null;
  completedAt: string | null;
  pointsDone: number;
  pointsTotal: number;
  abnormal: number;
}

export interface InspectionRoundDetailView extends InspectionRoundView {
  points: RoundPointView[];
  version: number;
}

export interface CompletionRow {
  id: number;
  name: string;
  due: number;
  completed: number;
  onTime: number;
  rate: number | null;
}

export interface InspectionReportView {
  from: string;
  to: string;
  byTeam: CompletionRow[];
  byPoint: CompletionRow[];
  abnormal: Array<{
    roundId: number;
    pointId: number;
    pointName: string;
    itemKey: string;
    itemLabel: string;
    note: string | null;
    checkedAt: string;
    workOrderId: number | null;
    communityName: string;
  }>;
}

/** What happened to one action of a batch (`POST /api/inspection-rounds/:id/actions`). */
export interface RoundActionResult {
  clientKey: string;
  ok: boolean;
  /** An earlier send of the same action (same client key) was already applied: nothing new was written. */
  replayed: boolean;
  /** Why the action was refused (an error code of the catalogue). */
  code?: string;
  message?: string;
  /** The repair order an abnormal item filed. */
  workOrderId?: number | null;
}

export interface RoundActionsResponse {
  results: RoundActionResult[];
  round: InspectionRoundDetailView;
}

/** A point's QR code: its scene (`i=<code>`), the H5 URL it opens and the PNG as a data URL. */
export interface PointQrView {
  pointId: number;
  name: string;
  code: string;
  scene: string;
  url: string;
  png: string;
}
