/**
 * The master-data import template (communities, houses and the resident registry) and the
 * shape of its validation report. The server validates; clients show the template and report.
 */
import type { Page } from './api.js';
import type { IssuedAccount } from './staff-accounts.js';

/** Sheets of the .xlsx template, in order. A CSV file is the flat form (see `CSV_COLUMNS`). */
export const IMPORT_SHEETS = {
  communities: {
    name: '小区',
    columns: ['小区编码', '小区名称', '地址', '户数', '纬度', '经度'],
    required: ['小区编码', '小区名称'],
  },
  houses: {
    name: '房屋',
    columns: ['小区编码', '楼栋', '单元', '楼层', '房号', '面积'],
    required: ['小区编码', '楼栋', '房号'],
  },
  /** Building coordinates (optional sheet): a building of this file's 房屋 or already in the system. */
  buildings: {
    name: '楼栋',
    columns: ['小区编码', '楼栋', '纬度', '经度'],
    required: ['小区编码', '楼栋', '纬度', '经度'],
  },
  residents: {
    name: '住户',
    columns: ['小区编码', '楼栋', '单元', '房号', '姓名', '手机号', '关系'],
    required: ['小区编码', '楼栋', '房号', '姓名', '手机号', '关系'],
  },
  /**
   * New staff accounts (optional sheet: a file without it imports no staff). Lists in a cell are
   * separated by ; (小区: codes; 楼栋: 小区编码/楼栋; 班组: team names, created when new); 技能:
   * 类别:等级 (水电:4;门窗:2); 班次: parseShiftText's syntax (周一至周五 08:00-17:00).
   */
  staff: {
    name: '员工',
    columns: ['用户名', '姓名', '手机号', '角色', '小区', '楼栋', '技能', '班组', '班次'],
    required: ['用户名', '姓名', '角色'],
  },
} as const;

/** Sheets a workbook may leave out. */
export const OPTIONAL_IMPORT_SHEETS: readonly ImportSheetKey[] = ['staff', 'buildings'];

/**
 * Columns a workbook may leave out (added to the template later: files made with the older one
 * still import). 纬度/经度: latitude and longitude as map apps in China show them, both or neither.
 */
export const OPTIONAL_IMPORT_COLUMNS: readonly string[] = ['纬度', '经度'];

export type ImportSheetKey = keyof typeof IMPORT_SHEETS;

/** The flat CSV: one row per house, with at most one resident (repeat the house for more). */
export const CSV_COLUMNS = [
  '小区编码',
  '小区名称',
  '地址',
  '楼栋',
  '单元',
  '楼层',
  '房号',
  '面积',
  '姓名',
  '手机号',
  '关系',
] as const;

/** Relation column values accepted in the registry (Chinese labels or codes). */
export const IMPORT_RELATIONS: Record<string, 'owner' | 'tenant' | 'family'> = {
  业主: 'owner',
  租户: 'tenant',
  家属: 'family',
  owner: 'owner',
  tenant: 'tenant',
  family: 'family',
};

/** Limits of one import. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;

/** One problem of an invalid import: the sheet (or `csv`), the 1-based row as a spreadsheet shows it, the column header. */
export interface ImportProblem {
  sheet: string;
  row: number;
  column: string;
  problem: string;
}

/** `details` of a 422 IMPORT_INVALID answer. */
export interface ImportInvalidDetails {
  rows: ImportProblem[];
}

/** 201 answer of `POST /api/imports/master-data` (and 200 of a dry run). */
export interface ImportResult {
  dryRun: boolean;
  communities: number;
  buildings: number;
  units: number;
  houses: number;
  residents: number;
  /** Codes of the communities created. */
  communityCodes: string[];
  /** Staff accounts created (the 员工 sheet). */
  staff: number;
  /** Teams created for the 员工 sheet's 班组 names that were new. */
  teams: number;
  /**
   * The new accounts' usernames and temporary passwords, in sheet order: in this answer only
   * (never stored in clear, never shown again); empty on a dry run.
   */
  accounts: IssuedAccount[];
}

/** A row of the console's house browser (`GET /api/master-data/houses`). */
export interface HouseRow {
  id: number;
  communityId: number;
  building: string;
  unit: string | null;
  floor: number | null;
  roomNo: string;
  label: string;
  areaSqm: number | null;
  residents: number;
}

/** `GET /api/master-data/houses`. */
export type HouseRowPage = Page<HouseRow>;

/** A row of `GET /api/master-data/communities`. */
export interface CommunityRow {
  id: number;
  code: string;
  name: string;
  address: string;
  /** The property service hotline (物业服务电话); null: none on record. */
  servicePhone: string | null;
  households: number;
  buildings: number;
  houses: number;
  /** The gate's coordinates as map apps in China show them (GCJ-02); null: not on record. */
  latitude: number | null;
  longitude: number | null;
}

/** `GET /api/master-data/communities`. */
export type CommunityRowPage = Page<CommunityRow>;

/** A row of `GET /api/master-data/buildings?communityId=` (every building of the community). */
export interface BuildingRow {
  id: number;
  communityId: number;
  name: string;
  houses: number;
  /** GCJ-02 as map apps in China show them; null: not on record (routing uses the community's). */
  latitude: number | null;
  longitude: number | null;
}

/**
 * Body of `PUT /api/communities/:id/coordinates` and `PUT /api/buildings/:id/coordinates`:
 * both or neither (null clears), latitude −90..90 and longitude −180..180 inside China.
 */
export interface CoordinatesInput {
  latitude: number | null;
  longitude: number | null;
}

/** Answer of the two coordinate PUTs. */
export interface PlaceCoordinatesView {
  id: number;
  name: string;
  latitude: number | null;
  longitude: number | null;
}
