/**
 * Staff accounts created and edited by a company's admins (console and the master-data
 * import's 员工 sheet): the API shapes and the compact text forms of skills and shift patterns
 * the sheet and the console's form share.
 */
import type { StaffView } from './admin-api.js';
import { ROLE_LABELS } from './labels.js';
import { STAFF_ROLES, type StaffRole } from './roles.js';
import type { WeeklyShift } from './shifts.js';
import type { Weekday } from './time/china-time.js';

/** Usernames: 3–32 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** Body of `POST /api/staff`: the account and everything around it, written in one transaction. */
export interface CreateStaffInput {
  username: string;
  name: string;
  phone?: string | null;
  role: StaffRole;
  /** Communities served (an admin serves the whole company: must be empty). */
  communityIds?: number[];
  /** Empty = every building of the communities. */
  buildingIds?: number[];
  /** Technicians only. */
  skills?: Array<{ category: string; level: number }>;
  /** Teams of the company (technicians only). */
  teamIds?: number[];
  /** The weekly shift pattern. */
  pattern?: WeeklyShift[];
}

/** Body of `PUT /api/staff/:id`: the account itself. */
export interface UpdateStaffInput {
  name: string;
  phone: string | null;
  role: StaffRole;
  /** Omitted: unchanged. */
  active?: boolean;
}

/** A new account's credentials, shown once: the server keeps only the password's hash. */
export interface IssuedAccount {
  userId: number;
  username: string;
  name: string;
  temporaryPassword: string;
}

/** 201 answer of `POST /api/staff`. */
export interface StaffCreatedView {
  staff: StaffView;
  account: IssuedAccount;
}

/** Role column values accepted in the 员工 sheet: the console's labels or the codes, plus common synonyms. */
export const STAFF_ROLE_INPUTS: Record<string, StaffRole> = {
  ...Object.fromEntries(STAFF_ROLES.map((r) => [r, r])),
  ...Object.fromEntries(STAFF_ROLES.map((r) => [ROLE_LABELS[r], r])),
  师傅: 'technician',
  技师: 'technician',
  维修工: 'technician',
  前台: 'desk',
  客服专员: 'desk',
  管理员账号: 'admin',
};

/** Items of a list cell: split on ; ； , ， 、 or new lines, trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[;；,，、\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * "水电:4;门窗:2" -> [{ name: '水电', level: 4 }, ...]: a category (name or code) and a level
 * 1..5 after `:` or `：`. Problems are in Chinese, for the row report and the form.
 */
export function parseSkillsText(text: string): { skills: Array<{ name: string; level: number }>; problems: string[] } {
  const skills: Array<{ name: string; level: number }> = [];
  const problems: string[] = [];
  for (const item of splitList(text)) {
    const m = /^(.+?)\s*[:：]\s*(\S+)$/.exec(item);
    if (!m) {
      problems.push(`“${item}”应写成 类别:等级，如 水电:4`);
      continue;
    }
    const level = /^[1-5]$/.test(m[2]) ? Number(m[2]) : NaN;
    if (Number.isNaN(level)) {
      problems.push(`“${item}”的等级须为 1–5 的整数`);
      continue;
    }
    if (skills.some((s) => s.name === m[1])) {
      problems.push(`“${m[1]}”重复`);
      continue;
    }
    skills.push({ name: m[1], level });
  }
  return { skills, problems };
}

const DAY_NAMES = ['日', '一', '二', '三', '四', '五', '六'] as const;
const DAY_OF: Record<string, Weekday> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const TIME = /^([01]?\d|2[0-4])[:：]([0-5]\d)$/;

function minuteOf(text: string): number | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const minute = Number(m[1]) * 60 + Number(m[2]);
  return minute <= 1440 ? minute : null;
}

/** "周一至周五" / "周一、周三" / "周六" / "每天" -> weekdays, or null. */
function parseDays(text: string): Weekday[] | null {
  if (text === '每天' || text === '每日') return [0, 1, 2, 3, 4, 5, 6];
  const range = /^(?:周|星期)([日天一二三四五六])\s*(?:至|到|-|~|－)\s*(?:周|星期)?([日天一二三四五六])$/.exec(text);
  if (range) {
    // Week order Monday..Sunday: 周一至周日 is every day, 周五至周一 wraps over the weekend.
    const order = (d: Weekday) => (d + 6) % 7;
    const from = order(DAY_OF[range[1]]);
    const to = order(DAY_OF[range[2]]);
    const days: Weekday[] = [];
    for (let i = from; ; i = (i + 1) % 7) {
      days.push(((i + 1) % 7) as Weekday);
      if (i === to) break;
    }
    return days;
  }
  const parts = text.split(/[、,，/]/).map((p) => p.trim());
  const days: Weekday[] = [];
  for (const p of parts) {
    const m = /^(?:周|星期)?([日天一二三四五六])$/.exec(p);
    if (!m) return null;
    if (!days.includes(DAY_OF[m[1]])) days.push(DAY_OF[m[1]]);
  }
  return days.length ? days : null;
}

/**
 * The compact shift syntax of the 员工 sheet and the console form: segments separated by `;`
 * (or a new line), each `<days> <HH:MM>-<HH:MM>[,<HH:MM>-<HH:MM>...]`, e.g.
 * "周一至周五 08:00-17:00; 周六 09:00-12:00,14:00-18:00". Days: 每天, 周X, 周X至周Y (week order
 * Monday..Sunday, wraps), 周X、周Y. An overnight window ("22:00-06:00") becomes two rows, the
 * second on the next day. Empty text = no pattern.
 */
export function parseShiftText(text: string): { pattern: WeeklyShift[]; problems: string[] } {
  const pattern: WeeklyShift[] = [];
  const problems: string[] = [];
  const segments = text
    .split(/[;；\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const seg of segments) {
    const m = /^(\S+)\s+(.+)$/.exec(seg);
    const days = m ? parseDays(m[1]) : null;
    if (!m || !days) {
      problems.push(`“${seg}”应写成 周一至周五 08:00-17:00`);
      continue;
    }
    for (const win of m[2].split(/[,，]/).map((w) => w.trim())) {
      const t = /^(\S+?)\s*[-~－至到]\s*(\S+)$/.exec(win);
      const start = t ? minuteOf(t[1]) : null;
      // "22:00-00:00" ends at midnight.
      const end = t ? (minuteOf(t[2]) === 0 ? 1440 : minuteOf(t[2])) : null;
      if (start === null || end === null || start >= 1440 || start === end) {
        problems.push(`“${win}”不是有效的时间段（如 08:00-17:00）`);
        continue;
      }
      for (const day of days) {
        if (end > start) pattern.push({ weekday: day, startMinute: start, endMinute: end });
        else {
          pattern.push({ weekday: day, startMinute: start, endMinute: 1440 });
          pattern.push({ weekday: ((day + 1) % 7) as Weekday, startMinute: 0, endMinute: end });
        }
      }
    }
  }
  pattern.sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  for (let i = 1; i < pattern.length; i++) {
    const [p, q] = [pattern[i - 1], pattern[i]];
    if (p.weekday === q.weekday && q.startMinute < p.endMinute) {
      problems.push(`周${DAY_NAMES[q.weekday]}的时间段重叠`);
      break;
    }
  }
  return { pattern, problems };
}

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * The pattern in the same syntax, days with the same windows grouped (周一至周五 08:00-17:00);
 * parseShiftText(formatShiftPattern(p)) gives p back (overnight windows stay two rows).
 */
export function formatShiftPattern(pattern: readonly WeeklyShift[]): string {
  const windowsOf = new Map<Weekday, string>();
  for (const s of [...pattern].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)) {
    const w = `${hhmm(s.startMinute)}-${hhmm(s.endMinute)}`;
    windowsOf.set(s.weekday, windowsOf.has(s.weekday) ? `${windowsOf.get(s.weekday)},${w}` : w);
  }
  // Monday first; runs of consecutive days with the same windows become 周X至周Y.
  const week: Weekday[] = [1, 2, 3, 4, 5, 6, 0];
  const parts: string[] = [];
  let i = 0;
  while (i < week.length) {
    const w = windowsOf.get(week[i]);
    if (w === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < week.length && windowsOf.get(week[j + 1]) === w) j++;
    const days =
      j === i
        ? `周${DAY_NAMES[week[i]]}`
        : i === 0 && j === 6
          ? '每天'
          : `周${DAY_NAMES[week[i]]}至周${DAY_NAMES[week[j]]}`;
    parts.push(`${days} ${w}`);
    i = j + 1;
  }
  return parts.join('; ');
}
