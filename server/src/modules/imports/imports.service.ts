import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  IMPORT_MAX_BYTES,
  IMPORT_RELATIONS,
  IMPORT_SHEETS,
  coordinateProblems,
  normalizePhone,
  plainNameProblem,
  splitList,
  type ImportProblem,
  type ImportResult,
} from '@linli/shared';
import ExcelJS from 'exceljs';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { transactionWithRetry } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { PlacesImportRepository } from '../places/places-import.repository.js';
import { lockCompany } from '../../common/scoped-crud.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { StaffAccountsService } from '../staff/staff-accounts.service.js';
import { TeamsRepository } from '../staff/teams.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { detectFormat, readCsv, readXlsx, type ParsedImport, type SheetRow } from './master-data-file.js';
import { planStaffRows, type StaffRowPlan } from './staff-sheet.js';

const COMMUNITY_CODE = /^[A-Z][A-Z0-9]{0,11}$/;
const MOBILE = /^1\d{10}$/;
const INT = /^-?\d+$/;
const DECIMAL = /^\d+(\.\d{1,2})?$/;

/** A validated house, new or (for residents) already in the database. */
interface HousePlan {
  key: string;
  communityCode: string;
  building: string;
  unit: string | null;
  roomNo: string;
  floor: number | null;
  areaSqm: number | null;
  existingId: number | null;
}

/** Coordinates of a place, both known, or both null. */
interface Point {
  latitude: number | null;
  longitude: number | null;
}

interface Plan {
  communities: Array<{ code: string; name: string; address: string; households: number | null } & Point>;
  /** The 楼栋 sheet: coordinates for buildings of the file's houses or already in the system. */
  buildingPoints: Array<{ communityCode: string; building: string; latitude: number; longitude: number }>;
  houses: HousePlan[];
  residents: Array<{ houseKey: string; name: string; phone: string; relation: string }>;
  staff: StaffRowPlan[];
  /** Team names of the 员工 sheet the company does not have yet (created by the import). */
  newTeams: string[];
}

const houseKey = (code: string, building: string, unit: string | null, roomNo: string) =>
  JSON.stringify([code, building, unit ?? '', roomNo]);

/** The house's address inside its community, e.g. 3栋2单元1201. */
const labelOf = (h: { building: string; unit: string | null; roomNo: string }) =>
  `${h.building}${h.unit ?? ''}${h.roomNo}`;

/**
 * Master-data import: communities, houses and the resident registry from one .xlsx (three
 * sheets) or flat CSV. Every row is checked, every problem reported; nothing is written unless
 * the whole file is valid, and then everything is written in one transaction.
 */
@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PlacesImportRepository) private readonly placesImport: PlacesImportRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(TeamsRepository) private readonly teams: TeamsRepository,
    @Inject(StaffAccountsService) private readonly staffAccounts: StaffAccountsService,
  ) {}

  async importMasterData(
    actor: Actor,
    file: { buffer: Buffer; originalname?: string } | undefined,
    dryRun: boolean,
  ): Promise<ImportResult> {
    if (!file?.buffer?.length) {
      throw new AppError('VALIDATION_FAILED', 'a file is required', [{ field: 'file', problems: ['attach a file'] }]);
    }
    if (file.buffer.length > IMPORT_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'the file is too large');
    const parsed = detectFormat(file.buffer) === 'xlsx' ? await readXlsx(file.buffer) : readCsv(file.buffer);
    const companyId = actor.companyId!;
    // The 员工 sheet's 技能 name categories by name or code; read before the transaction.
    const categories = new Map<string, string>();
    for (const c of await this.categories.listForCompanies([companyId])) {
      categories.set(c.code, c.code);
      categories.set(c.name, c.code);
    }
    return transactionWithRetry(this.ds, async (em) => {
      await lockCompany(this.ds, em, companyId);
      const plan = await this.validate(em, companyId, parsed, categories);
      const result = await (dryRun ? this.count(plan) : this.write(em, actor, plan));
      if (!dryRun) {
        // Never the temporary passwords: the audit log keeps who was created, not their secrets.
        const { accounts, ...counts } = result;
        await recordAudit(em, actor, 'import', 'master_data_import', null, null, {
          file: fileName(file.originalname),
          ...counts,
          usernames: accounts.map((a) => a.username),
        });
      }
      return result;
    });
  }

  /** Every problem of the file, or the plan of what to write. Throws IMPORT_INVALID with all problems. */
  private async validate(
    em: EntityManager,
    companyId: number,
    parsed: ParsedImport,
    categories: Map<string, string>,
  ): Promise<Plan> {
    const problems: ImportProblem[] = [...parsed.problems];
    const report = (r: SheetRow, column: string, problem: string) =>
      problems.push({ sheet: r.sheet, row: r.row, column, problem });
    const text = (r: SheetRow, column: string, max: number, required: boolean): string | null => {
      const v = r.cells[column] ?? '';
      if (!v) {
        if (required) report(r, column, '必填');
        return null;
      }
      if (v.length > max) {
        report(r, column, `最多 ${max} 个字符`);
        return null;
      }
      // Names end up in HTML (chart tooltips) and spreadsheets: plain text only.
      const notPlain = plainNameProblem(v);
      if (notPlain) {
        report(r, column, notPlain);
        return null;
      }
      return v;
    };
    if (
      !problems.length &&
      !parsed.communities.length &&
      !parsed.houses.length &&
      !parsed.residents.length &&
      !parsed.staff.length &&
      !parsed.buildings.length
    ) {
      problems.push({ sheet: '', row: 0, column: '', problem: '文件中没有数据' });
    }

    const existing = await this.placesImport.communitiesOfCompany(em, companyId);
    const existingByCode = new Map(existing.map((c) => [c.code, c]));

    // Communities: new ones only; a code of the company is "already exists".
    const plan: Plan = { communities: [], buildingPoints: [], houses: [], residents: [], staff: [], newTeams: [] };
    /** 纬度 and 经度 of a row: both or neither, numbers, in range and in China (coordinateProblems). */
    const point = (r: SheetRow, required: boolean): Point | null => {
      const lat = r.cells['纬度'] ?? '';
      const lng = r.cells['经度'] ?? '';
      if (!lat && !lng) {
        if (required) {
          report(r, '纬度', '必填');
          report(r, '经度', '必填');
          return null;
        }
        return { latitude: null, longitude: null };
      }
      if (!lat || !lng) {
        report(r, lat ? '经度' : '纬度', '纬度和经度须同时填写或同时留空');
        return null;
      }
      const number = /^[+-]?\d{1,3}(\.\d+)?$/;
      let bad = false;
      for (const [column, v] of [
        ['纬度', lat],
        ['经度', lng],
      ] as const) {
        if (!number.test(v)) {
          report(r, column, '须为数字（如 22.5195）');
          bad = true;
        }
      }
      if (bad) return null;
      const [problem] = coordinateProblems(Number(lat), Number(lng));
      if (problem) {
        report(r, problem.startsWith('经度') ? '经度' : '纬度', problem);
        return null;
      }
      return { latitude: Number(lat), longitude: Number(lng) };
    };
    const fileCodes = new Map<string, SheetRow>();
    for (const r of parsed.communities) {
      const code = text(r, '小区编码', 12, true);
      const name = text(r, '小区名称', 100, true);
      const address = text(r, '地址', 200, false) ?? '';
      let households: number | null = null;
      const hh = r.cells['户数'] ?? '';
      if (hh) {
        if (!/^\d{1,6}$/.test(hh)) report(r, '户数', '须为 0–999999 的整数');
        else households = Number(hh);
      }
      if (code === null) continue;
      if (!COMMUNITY_CODE.test(code)) {
        report(r, '小区编码', '须为 1–12 位大写字母或数字，以字母开头');
        continue;
      }
      const twin = fileCodes.get(code);
      if (twin) report(r, '小区编码', `与第 ${twin.row} 行重复`);
      else if (existingByCode.has(code)) report(r, '小区编码', '该小区编码已存在');
      else fileCodes.set(code, r);
      const at = point(r, false);
      if (name !== null && !twin && at) plan.communities.push({ code, name, address, households, ...at });
    }

    // Houses: in a community of the file or of the company; new ones only.
    const knownCode = (r: SheetRow): string | null => {
      const code = text(r, '小区编码', 12, true);
      if (code === null) return null;
      if (!fileCodes.has(code) && !existingByCode.has(code)) {
        report(r, '小区编码', '小区不存在（既不在本文件“小区”中，也不在系统中）');
        return null;
      }
      return code;
    };
    const referenced = new Set([...parsed.houses, ...parsed.residents].map((r) => r.cells['小区编码']));
    const existingHouses = await this.placesImport.housesOf(
      em,
      existing.filter((c) => referenced.has(c.code)).map((c) => c.id),
    );
    const existingKey = new Map<string, number>();
    const codeById = new Map(existing.map((c) => [c.id, c.code]));
    for (const h of existingHouses) {
      const code = codeById.get(h.communityId)!;
      existingKey.set(houseKey(code, h.building, h.unit, h.roomNo), h.id);
    }
    const fileHouses = new Map<string, SheetRow>();
    for (const r of parsed.houses) {
      const code = knownCode(r);
      const building = text(r, '楼栋', 50, true);
      const unit = text(r, '单元', 50, false);
      const roomNo = text(r, '房号', 20, true);
      let floor: number | null = null;
      const f = r.cells['楼层'] ?? '';
      if (f) {
        if (!INT.test(f) || Number(f) < -10 || Number(f) > 300) report(r, '楼层', '须为 -10 到 300 的整数');
        else floor = Number(f);
      }
      let areaSqm: number | null = null;
      const a = r.cells['面积'] ?? '';
      if (a) {
        if (!DECIMAL.test(a) || Number(a) <= 0 || Number(a) > 100000)
          report(r, '面积', '须为大于 0 的数字（平方米，最多两位小数）');
        else areaSqm = Number(a);
      }
      if (code === null || building === null || roomNo === null) continue;
      const key = houseKey(code, building, unit, roomNo);
      const twin = fileHouses.get(key);
      if (twin) report(r, '房号', `与第 ${twin.row} 行重复`);
      else if (existingKey.has(key)) report(r, '房号', '该房屋已存在');
      else if (labelOf({ building, unit, roomNo }).length > 100)
        report(r, '房号', '楼栋、单元与房号合计最多 100 个字符');
      else {
        fileHouses.set(key, r);
        plan.houses.push({ key, communityCode: code, building, unit, roomNo, floor, areaSqm, existingId: null });
      }
    }

    // Building coordinates: a building of the file's houses, or one of the company's without
    // coordinates yet (an import only adds: coordinates on record are changed on the console).
    if (parsed.buildings.length) {
      const inFile = new Set(plan.houses.map((h) => JSON.stringify([h.communityCode, h.building])));
      const referencedCodes = new Set(parsed.buildings.map((r) => r.cells['小区编码']));
      const onRecord = new Map<string, Point>();
      for (const b of await this.placesImport.buildingsOf(
        em,
        existing.filter((c) => referencedCodes.has(c.code)).map((c) => c.id),
      )) {
        onRecord.set(JSON.stringify([codeById.get(b.communityId)!, b.name]), b);
      }
      const seen = new Map<string, SheetRow>();
      for (const r of parsed.buildings) {
        const code = knownCode(r);
        const building = text(r, '楼栋', 50, true);
        const at = point(r, true);
        if (code === null || building === null) continue;
        const key = JSON.stringify([code, building]);
        const twin = seen.get(key);
        if (twin) {
          report(r, '楼栋', `与第 ${twin.row} 行重复`);
          continue;
        }
        seen.set(key, r);
        const known = onRecord.get(key);
        if (!inFile.has(key) && !known) {
          report(r, '楼栋', '楼栋不存在（既不在本文件“房屋”中，也不在系统中）');
          continue;
        }
        if (known && known.latitude !== null) {
          report(r, '楼栋', '该楼栋已有坐标（请在基础数据页修改）');
          continue;
        }
        if (at?.latitude != null && at.longitude != null)
          plan.buildingPoints.push({ communityCode: code, building, latitude: at.latitude, longitude: at.longitude });
      }
    }

    // Residents: of a house in the file or already in the system; one entry per house and phone.
    const registry = await this.placesImport.registryPhones(em, [...existingKey.values()]);
    const fileResidents = new Map<string, SheetRow>();
    // Existing houses that gain residents, planned once each.
    const existingPlanned = new Set<string>();
    for (const r of parsed.residents) {
      const code = knownCode(r);
      const building = text(r, '楼栋', 50, true);
      const unit = text(r, '单元', 50, false);
      const roomNo = text(r, '房号', 20, true);
      const name = text(r, '姓名', 50, true);
      const rawPhone = text(r, '手机号', 20, true);
      const rawRelation = text(r, '关系', 10, true);
      const phone = rawPhone === null ? null : normalizePhone(rawPhone);
      if (phone !== null && !MOBILE.test(phone)) report(r, '手机号', '须为 11 位手机号');
      const relation = rawRelation === null ? undefined : IMPORT_RELATIONS[rawRelation];
      if (rawRelation !== null && !relation) report(r, '关系', '须为 业主、家属 或 租户');
      if (code === null || building === null || roomNo === null) continue;
      const key = houseKey(code, building, unit, roomNo);
      const houseId = existingKey.get(key);
      if (!fileHouses.has(key) && houseId === undefined) {
        report(r, '房号', '房屋不存在（既不在本文件“房屋”中，也不在系统中）');
        continue;
      }
      if (name === null || phone === null || !MOBILE.test(phone) || !relation) continue;
      const dupKey = JSON.stringify([key, phone]);
      const twin = fileResidents.get(dupKey);
      if (twin) report(r, '手机号', `与第 ${twin.row} 行重复（同一房屋同一手机号）`);
      else if (houseId !== undefined && registry.has(`${houseId}:${phone}`)) report(r, '手机号', '该住户已登记');
      else {
        fileResidents.set(dupKey, r);
        plan.residents.push({ houseKey: key, name, phone, relation });
        if (houseId !== undefined && !existingPlanned.has(key)) {
          existingPlanned.add(key);
          const [c, b, u, room] = JSON.parse(key) as [string, string, string, string];
          plan.houses.push({
            key,
            communityCode: c,
            building: b,
            unit: u || null,
            roomNo: room,
            floor: null,
            areaSqm: null,
            existingId: houseId,
          });
        }
      }
    }

    // Staff: new accounts serving communities and buildings of the file or the company.
    if (parsed.staff.length) {
      const staffCodes = new Set(parsed.staff.flatMap((r) => splitList(r.cells['小区'] ?? '')));
      const buildings = new Set(plan.houses.map((h) => JSON.stringify([h.communityCode, h.building])));
      const referencedExisting = existing.filter((c) => staffCodes.has(c.code));
      for (const b of await this.placesImport.buildingsOf(
        em,
        referencedExisting.map((c) => c.id),
      )) {
        buildings.add(JSON.stringify([codeById.get(b.communityId)!, b.name]));
      }
      plan.staff = planStaffRows(
        parsed.staff,
        {
          communityCodes: new Set([...fileCodes.keys(), ...existingByCode.keys()]),
          buildings,
          categories,
          usernamesTaken: await this.users.usernamesTaken(
            em,
            parsed.staff.map((r) => (r.cells['用户名'] ?? '').toLowerCase()).filter((u) => u !== ''),
          ),
        },
        problems,
      );
      const names = [...new Set(plan.staff.flatMap((p) => p.teamNames))];
      const known = new Set((await this.teams.findByNames(em, companyId, names)).map((t) => t.name));
      plan.newTeams = names.filter((n) => !known.has(n));
    }

    if (problems.length) {
      problems.sort((x, y) => sheetOrder(x.sheet) - sheetOrder(y.sheet) || x.row - y.row);
      throw new AppError('IMPORT_INVALID', `the file has ${problems.length} problem(s); nothing was imported`, {
        rows: problems,
      });
    }
    return plan;
  }

  private count(plan: Plan): ImportResult {
    const created = plan.houses.filter((h) => h.existingId === null);
    const buildings = new Set(created.map((h) => JSON.stringify([h.communityCode, h.building])));
    const units = new Set(
      created.filter((h) => h.unit !== null).map((h) => JSON.stringify([h.communityCode, h.building, h.unit])),
    );
    return {
      dryRun: true,
      communities: plan.communities.length,
      buildings: buildings.size,
      units: units.size,
      houses: created.length,
      residents: plan.residents.length,
      communityCodes: plan.communities.map((c) => c.code),
      staff: plan.staff.length,
      teams: plan.newTeams.length,
      accounts: [],
    };
  }

  private async write(em: EntityManager, actor: Actor, plan: Plan): Promise<ImportResult> {
    const companyId = actor.companyId!;
    const written = await this.placesImport.write(em, companyId, {
      communities: plan.communities,
      buildingPoints: plan.buildingPoints,
      residents: plan.residents,
      houses: plan.houses.map((h) => ({ ...h, label: labelOf(h) })),
    });
    const accounts = plan.staff.length ? await this.writeStaff(em, actor, plan) : [];
    return { ...this.count(plan), dryRun: false, ...written, accounts };
  }

  /** The 员工 sheet, after the places: codes and names to ids, new teams created, then the accounts. */
  private async writeStaff(em: EntityManager, actor: Actor, plan: Plan) {
    const companyId = actor.companyId!;
    const communities = await this.placesImport.communitiesOfCompany(em, companyId);
    const idOf = new Map(communities.map((c) => [c.code, c.id]));
    const codeOf = new Map(communities.map((c) => [c.id, c.code]));
    const buildingId = new Map<string, number>();
    const used = [...new Set(plan.staff.flatMap((p) => p.buildings.map(([code]) => idOf.get(code)!)))];
    for (const b of await this.placesImport.buildingsOf(em, used)) {
      buildingId.set(JSON.stringify([codeOf.get(b.communityId), b.name]), b.id);
    }
    const teamId = new Map<string, number>();
    const names = [...new Set(plan.staff.flatMap((p) => p.teamNames))];
    for (const t of await this.teams.findByNames(em, companyId, names)) teamId.set(t.name, t.id);
    for (const name of plan.newTeams) {
      const team = await this.teams.insert(em, { companyId, name, supervisorId: null });
      await recordAudit(em, actor, 'create', 'team', team.id, null, { name, supervisorId: null, memberIds: [] });
      teamId.set(name, team.id);
    }
    return this.staffAccounts.createAccounts(
      em,
      actor,
      plan.staff.map((p) => ({
        username: p.username,
        name: p.name,
        phone: p.phone,
        role: p.role,
        communityIds: p.communityCodes.map((code) => idOf.get(code)!),
        buildingIds: p.buildings.map((b) => buildingId.get(JSON.stringify(b))!),
        skills: p.skills,
        teamIds: p.teamNames.map((n) => teamId.get(n)!),
        pattern: p.pattern,
      })),
    );
  }

  /** The downloadable template: the three sheets with their headers, and a sheet of instructions. */
  async template(): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    for (const spec of Object.values(IMPORT_SHEETS)) {
      const sheet = book.addWorksheet(spec.name);
      sheet.addRow([...spec.columns]);
      sheet.getRow(1).font = { bold: true };
      sheet.columns.forEach((c) => (c.width = 14));
      // Phones and room numbers are text, so Excel keeps leading zeros and long digits.
      spec.columns.forEach((name, i) => {
        if (['手机号', '房号', '单元', '楼栋', '小区编码'].includes(name)) sheet.getColumn(i + 1).numFmt = '@';
      });
    }
    const help = book.addWorksheet('说明');
    for (const line of [
      ['基础数据导入模板'],
      [
        '“小区”：每行一个新小区。小区编码（必填，1–12 位大写字母或数字，以字母开头，用作工单编号前缀），小区名称（必填），地址，户数（空 = 导入的房屋数），纬度、经度（小区大门，复制自地图，须同时填写或同时留空）。',
      ],
      [
        '“房屋”：每行一套房屋。小区编码（本文件或系统中已有的小区），楼栋（必填），单元，楼层（整数），房号（必填），面积（平方米）。',
      ],
      [
        '“楼栋”（可不填）：楼栋坐标，用于就近派单和预计上门时间。小区编码、楼栋须对应本文件“房屋”中或系统中已有的楼栋；纬度、经度必填（如 22.5195 与 113.9296，复制自高德/腾讯地图）。系统中已有坐标的楼栋请在基础数据页修改。',
      ],
      [
        '“住户”：房屋登记的住户，用于业主绑定房屋时自动核验。小区编码、楼栋、单元、房号须对应本文件或系统中的房屋；姓名、手机号（11 位）、关系（业主/家属/租户）必填。',
      ],
      [
        '“员工”（可省略）：每行一个新员工账号。用户名（必填，3–32 位小写字母、数字、点、下划线或连字符，全平台唯一），姓名（必填），手机号，角色（必填：维修师傅/客服/主管/管理员），小区（小区编码，多个用 ; 分隔；管理员留空），楼栋（小区编码/楼栋，如 LH/1栋;LH/2栋，留空 = 所选小区的全部楼栋），技能（维修师傅：类别:等级，等级 1–5，如 水电:4;门窗:2），班组（班组名，多个用 ; 分隔，没有的班组会新建），班次（如 周一至周五 08:00-17:00; 周六 09:00-12:00）。导入成功后，结果中会一次性列出每个新账号的临时密码，首次登录须修改密码。',
      ],
      [
        '任一行有误时整个文件都不会导入，系统会列出所有问题（工作表、行号、列、问题）。已存在的小区编码、房屋和住户会被视为重复。',
      ],
      [
        '也可上传 CSV（UTF-8 或 GBK）：表头为 小区编码,小区名称,地址,楼栋,单元,楼层,房号,面积,姓名,手机号,关系，每行一套房屋及至多一位住户。',
      ],
    ]) {
      help.addRow(line);
    }
    help.getColumn(1).width = 120;
    return Buffer.from(await book.xlsx.writeBuffer());
  }
}

/** Multipart file names arrive as latin1 (busboy's default); most browsers send UTF-8 bytes. */
function fileName(raw: string | undefined): string {
  const name = raw ?? '';
  const utf8 = Buffer.from(name, 'latin1').toString('utf8');
  return (utf8.includes('\uFFFD') ? name : utf8).slice(0, 200);
}

function sheetOrder(sheet: string): number {
  const names: string[] = Object.values(IMPORT_SHEETS).map((s) => s.name);
  const i = names.indexOf(sheet);
  return i < 0 ? -1 : i;
}
