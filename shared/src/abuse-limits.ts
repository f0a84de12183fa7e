/**
 * Abuse limits (docs/product-rules.md "Abuse limits", docs/security.md "Abuse limits"): how
 * often a resident may urge an order, when a new order is an accidental duplicate of an open
 * one, and how many notifications and SMS one person receives per hour. The server applies
 * them; the mini-program reads the same numbers for its messages.
 */
import { chinaLocalTime } from './time/china-time.js';
import { OPEN_STATUSES } from './work-order.js';

/** One urge per order per this many minutes; a second accepted urge escalates to the supervisors. */
export const URGE_COOLDOWN_MINUTES = 30;
/** A new order like an open one of the same reporter or house filed this recently is a duplicate. */
export const DUPLICATE_WINDOW_MINUTES = 10;
/** Per recipient and rolling hour: notifications beyond this are listed in-app but not pushed. */
export const NOTIFICATIONS_PER_HOUR = 20;
/** Per recipient and rolling hour: SMS beyond this are not sent (the delivery is `capped`). */
export const SMS_PER_HOUR = 5;

const MINUTE_MS = 60_000;

/** When the next urge is allowed after one at `lastUrgeAt` (null: no urge yet, any time). */
export function nextUrgeAt(lastUrgeAt: Date | null): Date | null {
  return lastUrgeAt === null ? null : new Date(lastUrgeAt.getTime() + URGE_COOLDOWN_MINUTES * MINUTE_MS);
}

/** Why an urge at `now` is refused, or null when it may go ahead. */
export function urgeTooSoon(
  lastUrgeAt: Date | null,
  now: Date,
): { nextUrgeAt: string; retryAfterSeconds: number } | null {
  const next = nextUrgeAt(lastUrgeAt);
  if (next === null || next.getTime() <= now.getTime()) return null;
  return { nextUrgeAt: next.toISOString(), retryAfterSeconds: Math.ceil((next.getTime() - now.getTime()) / 1000) };
}

/** China-time `HH:MM` of an instant. */
function clockTime(at: Date | number): string {
  const minute = Math.floor(chinaLocalTime(at).minute);
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** What a resident reads when an urge comes too soon: `已催单，30分钟内只能催一次，10:30 后可再催`. */
export function urgeTooSoonText(nextUrgeAt: string): string {
  return `已催单，${URGE_COOLDOWN_MINUTES}分钟内只能催一次，${clockTime(Date.parse(nextUrgeAt))} 后可再催`;
}

const minutesSince = (createdAt: string, now: Date | number) =>
  Math.max(1, Math.round(((typeof now === 'number' ? now : now.getTime()) - Date.parse(createdAt)) / MINUTE_MS));

/** What a resident reads when a report was a duplicate of one `createdAt`: `您在3分钟前已提交相同报修，已为您打开该工单`. */
export function duplicateOrderText(createdAt: string, now: Date | number): string {
  return `您在${minutesSince(createdAt, now)}分钟前已提交相同报修，已为您打开该工单`;
}

/** What the desk reads when a phone report repeats an open one: `该房屋3分钟前已有相同报修，未重复登记`. */
export function duplicateOrderTextForDesk(createdAt: string, now: Date | number): string {
  return `该房屋${minutesSince(createdAt, now)}分钟前已有相同报修，未重复登记`;
}

/**
 * A description as the duplicate check compares it: case, whitespace and punctuation do not
 * count ("厨房 漏水！" and "厨房漏水" are the same report); digits and words do.
 */
export function normaliseDescription(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The earliest creation time of an order that a new order filed at `now` can duplicate. */
export function duplicateWindowStart(now: Date): Date {
  return new Date(now.getTime() - DUPLICATE_WINDOW_MINUTES * MINUTE_MS);
}

export interface DuplicateCandidate {
  id: number;
  status: string;
  category: string;
  description: string;
  createdAt: Date;
}

/**
 * The open order among `earlier` (already narrowed to the same reporter or place) that a new
 * order duplicates: same category, same normalised description, filed within the window. The
 * latest one when several match; null when none.
 */
export function findDuplicateOf(
  order: { category: string; description: string; createdAt: Date },
  earlier: readonly DuplicateCandidate[],
): number | null {
  const since = duplicateWindowStart(order.createdAt).getTime();
  const text = normaliseDescription(order.description);
  let best: DuplicateCandidate | null = null;
  for (const o of earlier) {
    if (o.category !== order.category || !(OPEN_STATUSES as readonly string[]).includes(o.status)) continue;
    const at = o.createdAt.getTime();
    if (at < since || at > order.createdAt.getTime() || normaliseDescription(o.description) !== text) continue;
    if (!best || at > best.createdAt.getTime() || (at === best.createdAt.getTime() && o.id > best.id)) best = o;
  }
  return best?.id ?? null;
}
