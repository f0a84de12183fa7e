/**
 * What a manual assignment picker warns about (docs/routing.md "Manual assignment pickers"):
 * the candidate has no skill for the order's category, or taking the order puts them over
 * their capacity (and, as the pickers always showed, off shift or on leave). Warnings never
 * block and ask no second confirmation: the picker shows them next to each candidate and again
 * above 确认 for the one picked, and the desk and supervisors may assign anyway.
 */
export const ASSIGN_WARNINGS = ['no_skill', 'over_capacity', 'off_shift', 'on_leave'] as const;
export type AssignWarning = (typeof ASSIGN_WARNINGS)[number];

export const ASSIGN_WARNING_LABELS: Record<AssignWarning, string> = {
  no_skill: '无此技能',
  over_capacity: '已满',
  off_shift: '不在班',
  on_leave: '请假中',
};

export interface AssignCandidate {
  skills: ReadonlyArray<{ category: string; level: number }>;
  openOrders: number;
  capacity: number;
  onShift?: boolean;
  onLeave?: boolean;
}

/** The candidate's level (1-5) for the category, or null without the skill. */
export function skillLevel(c: AssignCandidate, category: string): number | null {
  const level = c.skills.find((s) => s.category === category)?.level ?? 0;
  return level > 0 ? level : null;
}

/** Warnings for giving one more order of `category` to `c`, in ASSIGN_WARNINGS order. */
export function assignWarnings(c: AssignCandidate, category: string): AssignWarning[] {
  const out: AssignWarning[] = [];
  if (skillLevel(c, category) === null) out.push('no_skill');
  if (c.openOrders + 1 > c.capacity) out.push('over_capacity');
  if (c.onShift === false) out.push('off_shift');
  if (c.onLeave === true) out.push('on_leave');
  return out;
}
