/** Display helpers: how numbers of the API look on screen (the raw numbers stay in data-value). */
import { formatChinaDateTime } from '@linli/shared';

/** A proportion 0..1 as a percentage; '—' for null (no data is never 0%). */
export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A 0..100 index. */
export function points(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/**
 * A count or sample size: whole numbers without decimals (有效样本 118, not 118.0); a weighted,
 * fractional size (time-decayed ratings) with one decimal.
 */
export function count(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : v.toFixed(1);
}

export function num(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/** Minutes as minutes, hours or days. */
export function minutes(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v < 60) return `${v.toFixed(0)} 分钟`;
  if (v < 48 * 60) return `${(v / 60).toFixed(1)} 小时`;
  return `${(v / 1440).toFixed(1)} 天`;
}

/** An ISO instant as China local time yyyy-mm-dd hh:mm. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return formatChinaDateTime(new Date(iso));
}

/** Time left until `iso` (negative = overdue), e.g. "剩 3.5 小时" / "超时 20 分钟". */
export function timeLeft(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const m = (new Date(iso).getTime() - now) / 60000;
  return m >= 0 ? `剩 ${minutes(m)}` : `超时 ${minutes(-m)}`;
}
