import {
  DEFAULT_CATEGORY_NAMES,
  KIND_LABELS,
  OPEN_STATUSES,
  type Priority,
  type WorkOrderKind,
  type WorkOrderStatus,
} from '@linli/shared';

/** The one-tap repair buttons of the home page, in order. */
export interface QuickCategory {
  code: string;
  label: string;
  /** One character drawn in the button's circle (renders on every phone, unlike emoji). */
  glyph: string;
  priority: Priority;
  /** Reported for a public area rather than the home. */
  publicArea?: boolean;
}

export const QUICK_CATEGORIES: readonly QuickCategory[] = [
  { code: 'plumbing', label: '漏水', glyph: '水', priority: 'P2' },
  { code: 'electrical', label: '停电', glyph: '电', priority: 'P2' },
  { code: 'door_window', label: '门锁', glyph: '锁', priority: 'P3' },
  { code: 'lift', label: '电梯', glyph: '梯', priority: 'P2' },
  { code: 'public_area', label: '公共区域', glyph: '公', priority: 'P3', publicArea: true },
  { code: 'other', label: '其他', glyph: '修', priority: 'P3' },
];

/** A category's name: from the server's list, else (before it has loaded) the demo company's. */
export function categoryName(code: string, names?: ReadonlyMap<string, string>): string {
  return names?.get(code) ?? DEFAULT_CATEGORY_NAMES[code] ?? code;
}

/** The title of an order in lists: its category for a repair, else 投诉 or 建议/咨询. */
export function orderTitle(o: { kind?: WorkOrderKind; category: string }, names?: ReadonlyMap<string, string>): string {
  return o.kind && o.kind !== 'repair' ? KIND_LABELS[o.kind] : categoryName(o.category, names);
}

/** Priorities a resident may pick (P4 "planned" is for staff). */
export const RESIDENT_PRIORITIES: readonly Priority[] = ['P3', 'P2', 'P1'];

export const PREFERRED_TIMES = [
  '尽快上门',
  '今天上午',
  '今天下午',
  '今天晚上',
  '明天上午',
  '明天下午',
  '电话联系约时间',
];

export function isOpen(status: WorkOrderStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function statusTone(status: WorkOrderStatus): 'ok' | 'warn' | 'muted' | 'danger' | '' {
  switch (status) {
    case 'quoted':
    case 'completed':
      return 'warn';
    case 'closed':
      return 'ok';
    case 'cancelled':
      return 'muted';
    case 'reopened':
      return 'danger';
    default:
      return '';
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** 11-27 14:05 (local time), with the year when it is not this year. */
export function formatTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getFullYear() === now.getFullYear() ? md : `${d.getFullYear()}-${md}`;
}

/** 2小时5分 / 45分钟 / 3天2小时 */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}天${hours}小时` : `${days}天`;
  if (hours > 0) return mins > 0 ? `${hours}小时${mins}分` : `${hours}小时`;
  return `${mins}分钟`;
}

/** The SLA line of an open order: time left to the nearest deadline, or how late it is. */
export function slaText(slaDueAt: string | null, now: number): { text: string; late: boolean } | null {
  if (!slaDueAt) return null;
  const due = new Date(slaDueAt).getTime();
  if (Number.isNaN(due)) return null;
  const left = due - now;
  return left >= 0
    ? { text: `剩余 ${formatDuration(left)}`, late: false }
    : { text: `已超时 ${formatDuration(-left)}`, late: true };
}

/** Fen (integer) to yuan text: 12345 -> ¥123.45 */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** A key for Idempotency-Key: 8-64 of [A-Za-z0-9_-], unique enough per device and moment. */
export function newIdempotencyKey(): string {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(36);
  return `mp-${Date.now().toString(36)}-${rand()}${rand()}`;
}
