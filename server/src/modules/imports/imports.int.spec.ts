import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { MemoryRateLimitStore, RATE_LIMIT_STORE } from '../../common/rate-limit.js';
import { AuditLog } from '../audit/audit-log.entity.js';

type Sheets = Partial<Record<'小区' | '房屋' | '住户', Array<Array<string | number | null>>>>;

const HEADERS = {
  小区: ['小区编码', '小区名称', '地址', '户数'],
  房屋: ['小区编码', '楼栋', '单元', '楼层', '房号', '面积'],
  住户: ['小区编码', '楼栋', '单元', '房号', '姓名', '手机号', '关系'],
};

async function xlsx(sheets: Sheets, opts: { omit?: string[] } = {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const name of ['小区', '房屋', '住户'] as const) {
    if (opts.omit?.includes(name)) continue;
    const sheet = book.addWorksheet(name);
    sheet.addRow(HEADERS[name]);
    for (const row of sheets[name] ?? []) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const GOOD: Sheets = {
  小区: [['LH', '绿湖花园', '深圳市宝安区绿湖路1号', null]],
  房屋: [
    ['LH', '1栋', '1单元', 3, '301', 89.5],
    ['LH', '1栋', '1单元', 3, '302', 76],
    ['LH', '2栋', null, 12, '1201', null],
  ],
  住户: [
    ['LH', '1栋', '1单元', '301', '陈静', '13911112222', '业主'],
    ['LH', '1栋', '1单元', '301', '陈小明', 13911113333, '家属'],
    ['LH', '2栋', null, '1201', '李雷', '139 1111 4444', '租户'],
  ],
};

describe(`master-data import (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let adminB: string;
  let desk: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    adminB = await loginStaff(server, w.staff.adminB);
    desk = await loginStaff(server, w.staff.deskA1);
  });
  afterAll(async () => {
    await server?.close();
  });

  const upload = (buf: Buffer, name = 'data.xlsx', query = '', token = admin) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(buf)]), name);
    return server.api.post(`/imports/master-data${query}`, form, { token });
  };
  const counts = async () => {
    const n = async (table: string) => Number((await server.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return {
      community: await n('community'),
      building: await n('building'),
      unit: await n('unit'),
      house: await n('house'),
      registry: await n('house_registry_entry'),
      audit: await n('audit_log'),
    };
  };

  it('serves the template with the four sheets and their headers', async () => {
    const res = await fetch(`${server.url}/api/imports/master-data/template.xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    expect(book.worksheets.map((s) => s.name)).toEqual(['小区', '房屋', '楼栋', '住户', '员工', '说明']);
    // Coordinates (latitude first, as copied from a map app): optional columns and sheet.
    expect(book.getWorksheet('小区')!.getRow(1).values).toEqual([undefined, ...HEADERS['小区'], '纬度', '经度']);
    expect(book.getWorksheet('楼栋')!.getRow(1).values).toEqual([undefined, '小区编码', '楼栋', '纬度', '经度']);
    expect(book.getWorksheet('住户')!.getRow(1).values).toEqual([undefined, ...HEADERS['住户']]);
    expect(book.getWorksheet('员工')!.getRow(1).values).toEqual([
      undefined,
      ...['用户名', '姓名', '手机号', '角色', '小区', '楼栋', '技能', '班组', '班次'],
    ]);
    expect((await server.api.get('/imports/master-data/template.xlsx', { token: desk })).status).toBe(403);
  });

  it('rejects a bad file with every problem by sheet, row and column, and imports nothing', async () => {
    const before = await counts();
    const bad = await xlsx({
      小区: [
        ['lh', '', '', 'x'],
        ['AA', '重名小区', '', null],
        ['QS', '青山苑', '', null],
        ['QS', '青山苑二期', '', null],
      ],
      房屋: [
        ['QS', '1栋', null, 'F3', '301', -5],
        ['QS', '1栋', null, 2, '301', null],
        ['ZZ', '1栋', null, null, '101', null],
        ['QS', '', null, null, '', null],
      ],
      住户: [
        ['QS', '1栋', null, '301', '张三', '12345', '房东'],
        ['QS', '9栋', null, '901', '李四', '13900000001', '业主'],
      ],
    });
    const res = await upload(bad);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT_INVALID');
    expect(res.body.details.rows).toEqual([
      { sheet: '小区', row: 2, column: '小区名称', problem: '必填' },
      { sheet: '小区', row: 2, column: '户数', problem: '须为 0–999999 的整数' },
      { sheet: '小区', row: 2, column: '小区编码', problem: '须为 1–12 位大写字母或数字，以字母开头' },
      { sheet: '小区', row: 3, column: '小区编码', problem: '该小区编码已存在' },
      { sheet: '小区', row: 5, column: '小区编码', problem: '与第 4 行重复' },
      { sheet: '房屋', row: 2, column: '楼层', problem: '须为 -10 到 300 的整数' },
      { sheet: '房屋', row: 2, column: '面积', problem: '须为大于 0 的数字（平方米，最多两位小数）' },
      { sheet: '房屋', row: 3, column: '房号', problem: '与第 2 行重复' },
      { sheet: '房屋', row: 4, column: '小区编码', problem: '小区不存在（既不在本文件“小区”中，也不在系统中）' },
      { sheet: '房屋', row: 5, column: '楼栋', problem: '必填' },
      { sheet: '房屋', row: 5, column: '房号', problem: '必填' },
      { sheet: '住户', row: 2, column: '手机号', problem: '须为 11 位手机号' },
      { sheet: '住户', row: 2, column: '关系', problem: '须为 业主、家属 或 租户' },
      { sheet: '住户', row: 3, column: '房号', problem: '房屋不存在（既不在本文件“房屋”中，也不在系统中）' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses markup and control characters in names, by row and column, and imports nothing', async () => {
    const before = await counts();
    const xss = '<img src=x onerror=alert(1)>';
    const res = await upload(
      await xlsx({
        小区: [['XS', xss, '<script>alert(1)</script>', null]],
        房屋: [
          ['XS', '<b>1栋</b>', null, 3, '301', null],
          ['XS', '2栋', '1>单元', 3, '302', null],
          ['XS', '3栋', null, 3, '301', null],
        ],
        住户: [['XS', '3栋', null, '301', `陈静${xss}`, '13911112222', '业主']],
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT_INVALID');
    const problem = '不能包含 < > 或控制字符';
    expect(res.body.details.rows).toEqual([
      { sheet: '小区', row: 2, column: '小区名称', problem },
      { sheet: '小区', row: 2, column: '地址', problem },
      { sheet: '房屋', row: 2, column: '楼栋', problem },
      { sheet: '房屋', row: 3, column: '单元', problem },
      { sheet: '住户', row: 2, column: '姓名', problem },
    ]);
    expect(await counts()).toEqual(before);
    // The flat CSV goes through the same checks.
    const csv = ['小区编码,小区名称,地址,楼栋,单元,楼层,房号,面积,姓名,手机号,关系', `XS,${xss},,1栋,,,101,,,,`].join(
      '\r\n',
    );
    const flat = await upload(Buffer.from(csv, 'utf8'), 'data.csv');
    expect(flat.status).toBe(422);
    expect(flat.body.details.rows).toEqual([{ sheet: expect.any(String), row: 2, column: '小区名称', problem }]);
    expect(await counts()).toEqual(before);
  });

  it('reports missing sheets and columns', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('小区').addRow(['小区编码', '名称']);
    book.addWorksheet('房屋').addRow(HEADERS['房屋']);
    const res = await upload(Buffer.from(await book.xlsx.writeBuffer()));
    expect(res.status).toBe(422);
    expect(res.body.details.rows).toEqual([
      { sheet: '小区', row: 1, column: '小区名称', problem: '缺少此列（请使用导入模板）' },
      { sheet: '小区', row: 1, column: '地址', problem: '缺少此列（请使用导入模板）' },
      { sheet: '小区', row: 1, column: '户数', problem: '缺少此列（请使用导入模板）' },
      { sheet: '住户', row: 0, column: '', problem: '缺少工作表“住户”（请使用导入模板）' },
    ]);
    const empty = await upload(await xlsx({}));
    expect(empty.status).toBe(422);
    expect(empty.body.details.rows).toEqual([{ sheet: '', row: 0, column: '', problem: '文件中没有数据' }]);
  });

  it('checks a dry run without writing, then imports a good workbook in one go', async () => {
    const before = await counts();
    const dry = await upload(await xlsx(GOOD), 'data.xlsx', '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dryRun: true,
      communities: 1,
      buildings: 2,
      units: 1,
      houses: 3,
      residents: 3,
      communityCodes: ['LH'],
      // No 员工 sheet: no staff (the sheet is optional; staff-accounts.int.spec.ts covers it).
      staff: 0,
      teams: 0,
      accounts: [],
    });
    expect(await counts()).toEqual(before);
    expect((await upload(await xlsx(GOOD), 'data.xlsx', '?dryRun=maybe')).status).toBe(400);

    const res = await upload(await xlsx(GOOD), '绿湖.xlsx');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...dry.body, dryRun: false });
    expect(await counts()).toEqual({
      community: before.community + 1,
      building: before.building + 2,
      unit: before.unit + 1,
      house: before.house + 3,
      registry: before.registry + 3,
      audit: before.audit + 1,
    });

    const list = await server.api.get('/master-data/communities?q=绿湖', { token: admin });
    expect(list.body.items).toEqual([
      expect.objectContaining({ code: 'LH', name: '绿湖花园', households: 3, buildings: 2, houses: 3 }),
    ]);
    const communityId = list.body.items[0].id;
    const houses = await server.api.get(`/master-data/houses?communityId=${communityId}&pageSize=2`, { token: admin });
    expect(houses.body.total).toBe(3);
    expect(houses.body.items).toEqual([
      expect.objectContaining({
        building: '1栋',
        unit: '1单元',
        floor: 3,
        roomNo: '301',
        label: '1栋1单元301',
        areaSqm: 89.5,
        residents: 2,
      }),
      expect.objectContaining({ roomNo: '302', areaSqm: 76, residents: 0 }),
    ]);
    expect((await server.api.get(`/master-data/houses?communityId=${communityId}`, { token: adminB })).status).toBe(
      404,
    );
    expect((await server.api.get('/master-data/communities?q=绿湖', { token: adminB })).body.total).toBe(0);

    const [entry] = await server.ds.getRepository(AuditLog).find({ order: { id: 'DESC' }, take: 1 });
    expect(entry).toMatchObject({ action: 'import', entityType: 'master_data_import', actorId: w.staff.adminA.id });
    expect(entry.after).toMatchObject({ file: '绿湖.xlsx', houses: 3, communityCodes: ['LH'] });

    // The registry verifies at once a resident whose phone WeChat proves is the owner's.
    const house = houses.body.items[0];
    await w.factory.resident(server, 'code-import-1');
    const resident = await loginResident(server, 'code-import-1');
    const bind = await server.api.post(
      '/me/houses',
      { houseId: house.id, relation: 'owner', name: '陈静', phoneCode: server.fake.phoneCode('13911112222') },
      { token: resident },
    );
    expect(bind.status).toBe(201);
    expect(bind.body.status).toBe('verified');

    // The same file again: everything is a duplicate now.
    const again = await upload(await xlsx(GOOD));
    expect(again.status).toBe(422);
    expect(again.body.details.rows.map((r: { sheet: string; row: number }) => `${r.sheet}${r.row}`)).toEqual([
      '小区2',
      '房屋2',
      '房屋3',
      '房屋4',
      '住户2',
      '住户3',
      '住户4',
    ]);
  });

  it('adds houses and residents to an existing community', async () => {
    const res = await upload(
      await xlsx({
        房屋: [['AA', '新楼', null, 1, '101', 50]],
        住户: [
          ['AA', '新楼', null, '101', '赵六', '13700001111', '业主'],
          ['AA', w.houseA1.label.split('1单元')[0], '1单元', '101', '孙七', '13700002222', '租户'],
          ['AA', w.houseA1.label.split('1单元')[0], '1单元', '101', '王芳', '13900001111', '业主'],
        ],
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.details.rows).toEqual([{ sheet: '住户', row: 4, column: '手机号', problem: '该住户已登记' }]);
    const ok = await upload(
      await xlsx({
        房屋: [['AA', '新楼', null, 1, '101', 50]],
        住户: [
          ['AA', '新楼', null, '101', '赵六', '13700001111', '业主'],
          ['AA', w.houseA1.label.split('1单元')[0], '1单元', '101', '孙七', '13700002222', '租户'],
        ],
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ communities: 0, buildings: 1, units: 0, houses: 1, residents: 2 });
    const registry = await server.ds.query('SELECT name FROM house_registry_entry WHERE houseId = ? ORDER BY id', [
      w.houseA1.id,
    ]);
    expect(registry.map((r: { name: string }) => r.name)).toEqual(['王芳', '孙七']);
  });

  it('imports coordinates of communities and buildings: both or neither, in China, never over ones on record', async () => {
    const book = async (rows: { 小区: unknown[][]; 楼栋: unknown[][]; 房屋?: unknown[][] }) => {
      const b = new ExcelJS.Workbook();
      b.addWorksheet('小区').addRow([...HEADERS['小区'], '纬度', '经度']);
      for (const r of rows.小区) b.getWorksheet('小区')!.addRow(r);
      b.addWorksheet('房屋').addRow(HEADERS['房屋']);
      for (const r of rows.房屋 ?? [['ZB', '1栋', null, 1, '101', null]]) b.getWorksheet('房屋')!.addRow(r);
      b.addWorksheet('楼栋').addRow(['小区编码', '楼栋', '纬度', '经度']);
      for (const r of rows.楼栋) b.getWorksheet('楼栋')!.addRow(r);
      b.addWorksheet('住户').addRow(HEADERS['住户']);
      return Buffer.from(await b.xlsx.writeBuffer());
    };
    // Its own admin; and the uploads of this case do not count against the later cases'
    // (imports are rate-limited per user and per address, 20 a minute).
    const mapper = await loginStaff(server, await w.factory.staff('admin', w.companyA.id, []));
    const send = async (buf: Buffer) => {
      const res = await upload(buf, 'data.xlsx', '', mapper);
      server.app.get<MemoryRateLimitStore>(RATE_LIMIT_STORE).clear();
      return res;
    };
    const before = await counts();
    const bad = await send(
      await book({
        小区: [['ZB', '珠碧苑', '', null, 22.5, null]],
        楼栋: [
          ['ZB', '1栋', 113.93, 22.52],
          ['ZB', '9栋', 22.52, 113.93],
          ['ZB', '1栋', '', ''],
          ['AA', w.houseA1.label.split('1单元')[0], 'abc', 113.9],
        ],
      }),
    );
    expect(bad.status).toBe(422);
    expect(bad.body.details.rows).toEqual([
      { sheet: '小区', row: 2, column: '经度', problem: '纬度和经度须同时填写或同时留空' },
      { sheet: '楼栋', row: 2, column: '纬度', problem: '纬度须在 -90 到 90 之间' },
      { sheet: '楼栋', row: 3, column: '楼栋', problem: '楼栋不存在（既不在本文件“房屋”中，也不在系统中）' },
      { sheet: '楼栋', row: 4, column: '纬度', problem: '必填' },
      { sheet: '楼栋', row: 4, column: '经度', problem: '必填' },
      { sheet: '楼栋', row: 4, column: '楼栋', problem: '与第 2 行重复' },
      { sheet: '楼栋', row: 5, column: '纬度', problem: '须为数字（如 22.5195）' },
    ]);
    expect(await counts()).toEqual(before);

    const ok = await send(
      await book({
        小区: [['ZB', '珠碧苑', '', null, 22.5195, 113.9296]],
        楼栋: [
          ['ZB', '1栋', 22.5207, 113.9311],
          // A building of the system without coordinates gets them.
          ['AA', w.houseA1.label.split('1单元')[0], '22.5401', '114.0583'],
        ],
      }),
    );
    expect(ok.status).toBe(201);
    const [community] = await server.ds.query('SELECT id, latitude, longitude FROM community WHERE code = ?', ['ZB']);
    expect([Number(community.latitude), Number(community.longitude)]).toEqual([22.5195, 113.9296]);
    const [b1] = await server.ds.query('SELECT latitude, longitude FROM building WHERE communityId = ? AND name = ?', [
      community.id,
      '1栋',
    ]);
    expect([Number(b1.latitude), Number(b1.longitude)]).toEqual([22.5207, 113.9311]);
    const [a1] = await server.ds.query('SELECT latitude, longitude FROM building WHERE id = ?', [w.houseA1.buildingId]);
    expect([Number(a1.latitude), Number(a1.longitude)]).toEqual([22.5401, 114.0583]);

    // Coordinates on record are changed on the console, not overwritten by an import.
    const again = await send(
      await book({
        小区: [],
        房屋: [],
        楼栋: [['AA', w.houseA1.label.split('1单元')[0], 22.6, 114.1]],
      }),
    );
    expect(again.status).toBe(422);
    expect(again.body.details.rows).toEqual([
      { sheet: '楼栋', row: 2, column: '楼栋', problem: '该楼栋已有坐标（请在基础数据页修改）' },
    ]);
  });

  it('imports the flat CSV in UTF-8 or GBK, checking repeated rows agree', async () => {
    const header = '小区编码,小区名称,地址,楼栋,单元,楼层,房号,面积,姓名,手机号,关系';
    const csv = [
      header,
      'HS,海山苑,"深圳市南山区海山路 8 号, 北门",A座,,5,501,100.25,周八,13600001111,业主',
      'HS,海山苑,"深圳市南山区海山路 8 号, 北门",A座,,5,501,100.25,周九,13600002222,家属',
      'HS,海山苑,"深圳市南山区海山路 8 号, 北门",A座,,5,502,,,,',
    ].join('\r\n');
    const res = await upload(Buffer.from(`\uFEFF${csv}\r\n`, 'utf8'), 'hs.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ communities: 1, buildings: 1, units: 0, houses: 2, residents: 2 });

    const gbk = Buffer.from(gbkBytes(`${header}\nSX,山溪苑,,1栋,,1,101,,吴十,13500001111,业主\n`));
    expect(gbk.includes(Buffer.from('山溪苑'))).toBe(false);
    const res2 = await upload(gbk, 'sx.csv');
    expect(res2.status).toBe(201);
    const names = await server.ds.query("SELECT name FROM community WHERE code = 'SX'");
    expect(names).toEqual([{ name: '山溪苑' }]);

    const conflict = [header, 'QQ,青青苑,,1栋,,1,101,,,,', 'QQ,青青苑二,,1栋,,2,101,,,,'].join('\n');
    const bad = await upload(Buffer.from(conflict, 'utf8'), 'qq.csv');
    expect(bad.status).toBe(422);
    expect(bad.body.details.rows).toEqual([
      { sheet: 'CSV', row: 3, column: '小区名称', problem: '与第 2 行的同一记录不一致' },
      { sheet: 'CSV', row: 3, column: '楼层', problem: '与第 2 行的同一记录不一致' },
    ]);
    const noHeader = await upload(Buffer.from('a,b,c\n1,2,3\n'), 'x.csv');
    expect(noHeader.status).toBe(422);
    expect(noHeader.body.details.rows[0]).toEqual({
      sheet: 'CSV',
      row: 1,
      column: '小区编码',
      problem: '缺少此列（请使用导入模板）',
    });
  });

  it('decides the file type by content and bounds the size; only admins import', async () => {
    const before = await counts();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect((await upload(png, 'data.xlsx')).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const notXlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]);
    const zip = await upload(notXlsx, 'data.xlsx');
    expect([zip.status, zip.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const bomb = await upload(zipDeclaring(200 * 1024 * 1024), 'bomb.xlsx');
    expect([bomb.status, bomb.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1, 0x41), 'big.csv');
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const none = await server.api.post('/imports/master-data', new FormData(), { token: admin });
    expect([none.status, none.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await upload(await xlsx(GOOD), 'data.xlsx', '', desk)).status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

/** A one-entry ZIP whose central directory declares `size` uncompressed bytes (a zip bomb's signature). */
function zipDeclaring(size: number): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length, 16);
  return Buffer.concat([local, name, central, name, end]);
}

/** GBK bytes of a string through the round trip the server does (GB18030 is a superset of GBK). */
function gbkBytes(text: string): number[] {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  // Build the few two-byte codes this text needs by scanning the GBK range once.
  const wanted = new Set([...text].filter((c) => c.charCodeAt(0) > 0x7f));
  for (let hi = 0x81; hi <= 0xfe && table.size < wanted.size; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (wanted.has(ch) && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  return [...text].flatMap((c) => table.get(c) ?? [c.charCodeAt(0)]);
}
