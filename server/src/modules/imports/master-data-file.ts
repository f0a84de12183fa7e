import {
  CSV_COLUMNS,
  IMPORT_MAX_ROWS,
  IMPORT_SHEETS,
  OPTIONAL_IMPORT_COLUMNS,
  OPTIONAL_IMPORT_SHEETS,
  type ImportProblem,
  type ImportSheetKey,
} from '@linli/shared';
import ExcelJS from 'exceljs';
import { AppError } from '../../common/app-error.js';

/** One non-empty data row of a sheet: its 1-based row number as a spreadsheet shows it, cells by header. */
export interface SheetRow {
  sheet: string;
  row: number;
  cells: Record<string, string>;
}

/** The file read into the three record lists; problems of structure (missing sheets or columns). */
export interface ParsedImport {
  communities: SheetRow[];
  houses: SheetRow[];
  /** Building coordinates: the optional 楼栋 sheet (none in a CSV). */
  buildings: SheetRow[];
  residents: SheetRow[];
  /** The optional 员工 sheet (none in a CSV). */
  staff: SheetRow[];
  problems: ImportProblem[];
}

export const CSV_SHEET = 'CSV';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Decide the format by content, never by name: an xlsx is a ZIP; a CSV is text with the template's header. */
export function detectFormat(buf: Buffer): 'xlsx' | 'csv' {
  if (buf.length >= 4 && buf.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  if (buf.length > 0 && !buf.includes(0)) return 'csv';
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the file is neither an .xlsx workbook nor a CSV text file');
}

/** The most an .xlsx may inflate to: its parts' declared sizes are checked before ExcelJS unpacks them. */
export const XLSX_MAX_INFLATED_BYTES = 100 * 1024 * 1024;

/**
 * Sum of the uncompressed sizes the ZIP's central directory declares, or null when the
 * directory cannot be read (then ExcelJS's own failure decides). ZIP64 entries count as too large.
 */
export function declaredInflatedSize(buf: Buffer): number | null {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  const floor = Math.max(0, buf.length - 0xffff - 22);
  let eocd = -1;
  for (let i = buf.length - 22; i >= floor; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null;
    const size = buf.readUInt32LE(at + 24);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY;
    total += size;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return total;
}

/** UTF-8 (with or without BOM), else GB18030: what Excel on Chinese Windows saves a CSV as. */
export function decodeText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

/** RFC 4180 records: commas, double-quoted fields with "" escapes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Map header cells to column names; report the template's columns that are missing. */
function headerIndex(
  sheet: string,
  header: string[],
  columns: readonly string[],
  problems: ImportProblem[],
): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const name = h.trim();
    if (columns.includes(name) && !index.has(name)) index.set(name, i);
  });
  for (const c of columns) {
    if (!index.has(c) && !OPTIONAL_IMPORT_COLUMNS.includes(c))
      problems.push({ sheet, row: 1, column: c, problem: '缺少此列（请使用导入模板）' });
  }
  return index;
}

function toRows(sheet: string, records: string[][], index: Map<string, number>): SheetRow[] {
  const rows: SheetRow[] = [];
  records.forEach((values, i) => {
    if (values.every((v) => v.trim() === '')) return;
    const cells: Record<string, string> = {};
    for (const [name, col] of index) cells[name] = (values[col] ?? '').trim();
    rows.push({ sheet, row: i + 2, cells });
  });
  return rows;
}

function tooMany(count: number): void {
  if (count > IMPORT_MAX_ROWS) {
    throw new AppError('PAYLOAD_TOO_LARGE', `at most ${IMPORT_MAX_ROWS} rows per import`);
  }
}

/** The flat CSV: each row a house, optionally with one resident; split into the three lists. */
export function readCsv(buf: Buffer): ParsedImport {
  const records = parseCsv(decodeText(buf).replace(/^\uFEFF/, ''));
  const problems: ImportProblem[] = [];
  const [header = [], ...data] = records;
  tooMany(data.length);
  const index = headerIndex(CSV_SHEET, header, CSV_COLUMNS, problems);
  const parsed: ParsedImport = { communities: [], houses: [], buildings: [], residents: [], staff: [], problems };
  if (problems.length) return parsed;
  const seenCommunities = new Map<string, SheetRow>();
  const seenHouses = new Map<string, SheetRow>();
  // A community or house repeated on several rows must repeat the same values.
  const sameAs = (r: SheetRow, first: SheetRow, columns: string[]) => {
    for (const col of columns) {
      if (r.cells[col] !== first.cells[col]) {
        problems.push({ sheet: CSV_SHEET, row: r.row, column: col, problem: `与第 ${first.row} 行的同一记录不一致` });
      }
    }
  };
  for (const r of toRows(CSV_SHEET, data, index)) {
    const c = r.cells;
    const community = seenCommunities.get(c['小区编码']);
    if (community) sameAs(r, community, ['小区名称', '地址']);
    else {
      seenCommunities.set(c['小区编码'], r);
      parsed.communities.push({
        ...r,
        cells: { 小区编码: c['小区编码'], 小区名称: c['小区名称'], 地址: c['地址'], 户数: '', 纬度: '', 经度: '' },
      });
    }
    const houseKey = JSON.stringify([c['小区编码'], c['楼栋'], c['单元'], c['房号']]);
    const house = seenHouses.get(houseKey);
    if (house) sameAs(r, house, ['楼层', '面积']);
    else {
      seenHouses.set(houseKey, r);
      parsed.houses.push({ ...r, cells: pick(c, IMPORT_SHEETS.houses.columns) });
    }
    if (c['姓名'] || c['手机号'] || c['关系']) {
      parsed.residents.push({ ...r, cells: pick(c, IMPORT_SHEETS.residents.columns) });
    }
  }
  return parsed;
}

function pick(cells: Record<string, string>, columns: readonly string[]): Record<string, string> {
  return Object.fromEntries(columns.map((k) => [k, cells[k] ?? '']));
}

/** A cell as the text a person sees: numbers without exponent, formulas by their result, rich text joined. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('result' in value) return cellText(value.result);
    if ('text' in value) return String(value.text);
  }
  return '';
}

/** The .xlsx template: sheets 小区, 房屋, 住户 and the optional 员工 (a missing required sheet is reported; an empty one is fine). */
export async function readXlsx(buf: Buffer): Promise<ParsedImport> {
  const inflated = declaredInflatedSize(buf);
  if (inflated !== null && inflated > XLSX_MAX_INFLATED_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'the workbook unpacks to more than 100 MB');
  }
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the file is not a readable .xlsx workbook');
  }
  const problems: ImportProblem[] = [];
  const parsed: ParsedImport = { communities: [], houses: [], buildings: [], residents: [], staff: [], problems };
  let total = 0;
  for (const key of Object.keys(IMPORT_SHEETS) as ImportSheetKey[]) {
    const spec = IMPORT_SHEETS[key];
    const sheet = book.getWorksheet(spec.name);
    if (!sheet) {
      if (OPTIONAL_IMPORT_SHEETS.includes(key)) continue;
      problems.push({ sheet: spec.name, row: 0, column: '', problem: `缺少工作表“${spec.name}”（请使用导入模板）` });
      continue;
    }
    const records: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => {
      const values: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        values[col - 1] = cellText(cell.value);
      });
      records[n - 1] = Array.from(values, (v) => v ?? '');
    });
    const [header = [], ...data] = Array.from(records, (r) => r ?? []);
    total += data.length;
    tooMany(total);
    const index = headerIndex(spec.name, header, spec.columns, problems);
    if (spec.columns.every((c) => index.has(c) || OPTIONAL_IMPORT_COLUMNS.includes(c)))
      parsed[key] = toRows(spec.name, data, index);
  }
  return parsed;
}
