/**
 * The visit window of a repair: when the resident wants the technician to come, stored as two
 * instants (not as the text 今天下午, which means nothing the next day). The pickers offer a
 * China day and a slot; `visitWindowOf` turns the relative words of older clients (今天下午,
 * 明天上午) into the window at the moment the order is filed.
 */
import { addDays, chinaDay, startOfChinaDay } from './time/china-time.js';

export const VISIT_SLOTS = ['morning', 'afternoon', 'evening'] as const;
export type VisitSlot = (typeof VISIT_SLOTS)[number];

/** China-local hours of each slot: [from, to). */
export const VISIT_SLOT_HOURS: Record<VisitSlot, readonly [number, number]> = {
  morning: [9, 12],
  afternoon: [14, 18],
  evening: [18, 21],
};

export const VISIT_SLOT_LABELS: Record<VisitSlot, string> = {
  morning: '上午',
  afternoon: '下午',
  evening: '晚上',
};

/** The longest window a request may ask for. */
export const MAX_VISIT_WINDOW_HOURS = 12;

export interface VisitWindow {
  /** ISO 8601 instants. */
  from: string;
  to: string;
}

const HOUR_MS = 3_600_000;

/** The window of a slot on a China day (yyyymmdd or yyyy-mm-dd). */
export function slotWindow(day: string, slot: VisitSlot): VisitWindow {
  const start = startOfChinaDay(day).getTime();
  const [from, to] = VISIT_SLOT_HOURS[slot];
  return { from: new Date(start + from * HOUR_MS).toISOString(), to: new Date(start + to * HOUR_MS).toISOString() };
}

const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 明天: 1, 后天: 2 };
const SLOT_WORDS: Record<string, VisitSlot> = { 上午: 'morning', 下午: 'afternoon', 晚上: 'evening' };

/** 今天下午 / 明天上午 / 后天晚上 filed at `now` → the window; anything else (尽快上门) → null. */
export function visitWindowOf(text: string | null | undefined, now: Date): VisitWindow | null {
  const m = /^(今天|明天|后天)(上午|下午|晚上)$/.exec(text?.trim() ?? '');
  if (!m) return null;
  return slotWindow(addDays(chinaDay(now), RELATIVE_DAYS[m[1]]), SLOT_WORDS[m[2]]);
}

/** A problem with a requested window, or null when it is fine (ends after it starts, ≤ 12 h). */
export function visitWindowProblem(w: VisitWindow, now: Date): string | null {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return 'from and to must be ISO 8601 instants';
  if (to <= from) return 'to must be after from';
  if (to - from > MAX_VISIT_WINDOW_HOURS * HOUR_MS) return `a window spans at most ${MAX_VISIT_WINDOW_HOURS} hours`;
  if (to <= now.getTime()) return 'the window is already over';
  return null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** China-local 14:00 of an instant. */
function clockText(ms: number): string {
  const d = new Date(ms + 8 * HOUR_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The window in Chinese, relative to `now`: 今天 14:00–18:00, 明天 09:00–12:00, 12月5日 18:00–21:00. */
export function visitWindowText(w: VisitWindow, now: Date): string {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  const day = chinaDay(new Date(from));
  const today = chinaDay(now);
  const name =
    day === today
      ? '今天'
      : day === addDays(today, 1)
        ? '明天'
        : day === addDays(today, 2)
          ? '后天'
          : `${Number(day.slice(4, 6))}月${Number(day.slice(6, 8))}日`;
  return `${name} ${clockText(from)}–${clockText(to)}`;
}
