import {
  normalizePhone,
  parseShiftText,
  parseSkillsText,
  plainNameProblem,
  splitList,
  STAFF_ROLE_INPUTS,
  USERNAME_PATTERN,
  type ImportProblem,
  type StaffRole,
  type WeeklyShift,
} from '@linli/shared';
import type { SheetRow } from './master-data-file.js';

/** A valid row of the 员工 sheet, with places and teams still by name (resolved after the places are written). */
export interface StaffRowPlan {
  row: number;
  username: string;
  name: string;
  phone: string | null;
  role: StaffRole;
  communityCodes: string[];
  /** [community code, building name]. */
  buildings: Array<[string, string]>;
  skills: Array<{ category: string; level: number }>;
  teamNames: string[];
  pattern: WeeklyShift[];
}

/** What the 员工 sheet's rows are checked against. */
export interface StaffSheetContext {
  /** Community codes of the file and of the company. */
  communityCodes: Set<string>;
  /** `JSON.stringify([code, building])` of every building of the file and of the company. */
  buildings: Set<string>;
  /** Category name or code -> code, for the company. */
  categories: Map<string, string>;
  /** Usernames already taken (lowercase, platform-wide). */
  usernamesTaken: Set<string>;
}

const MOBILE = /^1\d{10}$/;

/**
 * Check the 员工 sheet's rows, reporting each problem by row and column (in Chinese, like the
 * other sheets); the valid rows' plans. Rules: docs/master-data.md "员工".
 */
export function planStaffRows(rows: SheetRow[], ctx: StaffSheetContext, problems: ImportProblem[]): StaffRowPlan[] {
  const report = (r: SheetRow, column: string, problem: string) =>
    problems.push({ sheet: r.sheet, row: r.row, column, problem });
  const plans: StaffRowPlan[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const c = r.cells;
    const before = problems.length;
    const username = (c['用户名'] ?? '').toLowerCase();
    if (!username) report(r, '用户名', '必填');
    else if (!USERNAME_PATTERN.test(username))
      report(r, '用户名', '须为 3–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头');
    else if (seen.has(username)) report(r, '用户名', `与第 ${seen.get(username)} 行重复`);
    else if (ctx.usernamesTaken.has(username)) report(r, '用户名', '该用户名已被使用');
    if (username) seen.set(username, seen.get(username) ?? r.row);

    const name = c['姓名'] ?? '';
    if (!name) report(r, '姓名', '必填');
    else if (name.length > 50) report(r, '姓名', '最多 50 个字符');
    else {
      const notPlain = plainNameProblem(name);
      if (notPlain) report(r, '姓名', notPlain);
    }

    let phone: string | null = null;
    if (c['手机号']) {
      phone = normalizePhone(c['手机号']);
      if (!MOBILE.test(phone)) report(r, '手机号', '须为 11 位手机号');
    }

    const role = STAFF_ROLE_INPUTS[c['角色'] ?? ''];
    if (!c['角色']) report(r, '角色', '必填');
    else if (!role) report(r, '角色', '须为 维修师傅、客服、主管 或 管理员');

    const communityCodes = splitList(c['小区'] ?? '');
    for (const code of communityCodes) {
      if (!ctx.communityCodes.has(code)) report(r, '小区', `小区“${code}”不存在（既不在本文件“小区”中，也不在系统中）`);
    }
    if (role === 'admin' && communityCodes.length) report(r, '小区', '管理员负责全公司，小区须留空');

    const buildings: Array<[string, string]> = [];
    for (const item of splitList(c['楼栋'] ?? '')) {
      const m = /^([^/／]+)[/／](.+)$/.exec(item);
      if (!m) {
        report(r, '楼栋', `“${item}”应写成 小区编码/楼栋，如 LH/1栋`);
        continue;
      }
      const [code, building] = [m[1].trim(), m[2].trim()];
      if (!communityCodes.includes(code)) report(r, '楼栋', `“${item}”不在该员工的小区中`);
      else if (!ctx.buildings.has(JSON.stringify([code, building]))) report(r, '楼栋', `楼栋“${item}”不存在`);
      else buildings.push([code, building]);
    }

    const parsedSkills = parseSkillsText(c['技能'] ?? '');
    for (const p of parsedSkills.problems) report(r, '技能', p);
    const skills: Array<{ category: string; level: number }> = [];
    for (const s of parsedSkills.skills) {
      const code = ctx.categories.get(s.name);
      if (!code) report(r, '技能', `没有“${s.name}”这个报修类别`);
      else if (skills.some((k) => k.category === code)) report(r, '技能', `“${s.name}”重复`);
      else skills.push({ category: code, level: s.level });
    }
    if (role && role !== 'technician' && parsedSkills.skills.length) report(r, '技能', '只有维修师傅有技能');

    const teamNames = [...new Set(splitList(c['班组'] ?? ''))];
    for (const t of teamNames) {
      if (t.length > 50) report(r, '班组', `班组名“${t.slice(0, 10)}…”最多 50 个字符`);
      else if (plainNameProblem(t)) report(r, '班组', `班组名“${t}”${plainNameProblem(t)}`);
    }
    if (role && role !== 'technician' && teamNames.length) report(r, '班组', '只有维修师傅属于班组');

    const shifts = parseShiftText(c['班次'] ?? '');
    for (const p of shifts.problems) report(r, '班次', p);

    if (problems.length === before && role) {
      plans.push({
        row: r.row,
        username,
        name,
        phone,
        role,
        communityCodes,
        buildings,
        skills,
        teamNames,
        pattern: shifts.pattern,
      });
    }
  }
  return plans;
}
