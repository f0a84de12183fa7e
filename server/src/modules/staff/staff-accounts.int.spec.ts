import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

/** Staff accounts by admins: POST/PUT /api/staff and the import's 员工 sheet (docs/staff-and-rules.md). */
describe(`staff accounts (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let adminB: string;
  let supervisor: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    adminB = await loginStaff(server, w.staff.adminB);
    supervisor = await loginStaff(server, w.staff.supervisorA1);
  });
  afterAll(async () => {
    await server?.close();
  });

  const put = (p: string, body: unknown, opts: { token: string }) => server.api.request('PUT', p, { ...opts, body });
  const n = async (sql: string, params: unknown[] = []) =>
    Number((await server.ds.query(`SELECT COUNT(*) AS n FROM ${sql}`, params))[0].n);
  /** Rows an account touches, all tables: a failed create must leave every one as it was. */
  const footprint = async () => ({
    user: await n('user'),
    community: await n('staff_community'),
    building: await n('staff_building'),
    skill: await n('technician_skill'),
    team: await n('team_member'),
    shift: await n('shift_pattern'),
    audit: await n('audit_log'),
  });
  const audits = async (entityId: number) =>
    (
      await server.ds.query(
        "SELECT action, `before`, `after` FROM audit_log WHERE entityType = 'staff_account' AND entityId = ? ORDER BY id",
        [entityId],
      )
    ).map((r: { action: string; before: unknown; after: unknown }) => ({
      action: r.action,
      before: typeof r.before === 'string' ? JSON.parse(r.before) : r.before,
      after: typeof r.after === 'string' ? JSON.parse(r.after) : r.after,
    }));

  let teamId: number;
  let buildingId: number;
  const full = (username: string) => ({
    username,
    name: '张伟',
    phone: '13800138000',
    role: 'technician',
    communityIds: [w.a1.id],
    buildingIds: [buildingId],
    skills: [
      { category: 'plumbing', level: 4 },
      { category: 'electrical', level: 2 },
    ],
    teamIds: [teamId],
    pattern: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 480, endMinute: 1020 })),
  });

  it('creates an account with communities, buildings, skills, teams and shifts in one go; the temporary password logs in once shown', async () => {
    teamId = (await server.api.post('/teams', { name: '水电组', memberIds: [] }, { token: admin })).body.id;
    buildingId = w.houseA1.buildingId;
    const res = await server.api.post('/staff', full('Zhang.Wei'), { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.staff).toMatchObject({
      username: 'zhang.wei',
      name: '张伟',
      role: 'technician',
      active: true,
      communityIds: [w.a1.id],
      buildingIds: [buildingId],
      teamIds: [teamId],
      skills: [
        { category: 'electrical', level: 2 },
        { category: 'plumbing', level: 4 },
      ],
    });
    const { account } = res.body;
    expect(account).toMatchObject({ userId: res.body.staff.id, username: 'zhang.wei', name: '张伟' });
    expect(account.temporaryPassword).toMatch(/^[a-zA-Z2-9]{12}$/);
    const shifts = await server.api.get(`/staff/${account.userId}/shifts`, { token: admin });
    expect(shifts.body.pattern).toHaveLength(5);
    // The password is stored hashed only, and the first login must set a new one.
    const [row] = await server.ds.query('SELECT passwordHash, mustChangePassword FROM user WHERE id = ?', [
      account.userId,
    ]);
    expect(row.passwordHash).not.toContain(account.temporaryPassword);
    expect(Number(row.mustChangePassword)).toBe(1);
    const login = await server.api.post('/auth/password', {
      username: 'zhang.wei',
      password: account.temporaryPassword,
    });
    expect(login.status).toBe(200);
    // Audited with the whole account as "after", never the password.
    const [entry] = await audits(account.userId);
    expect(entry).toMatchObject({ action: 'create', before: null });
    expect(entry.after).toMatchObject({ username: 'zhang.wei', role: 'technician', teamIds: [teamId] });
    expect(JSON.stringify(entry.after)).not.toContain(account.temporaryPassword);
  });

  it('refuses a duplicate username with USERNAME_TAKEN (409), whatever the company', async () => {
    const again = await server.api.post('/staff', { ...full('zhang.wei'), name: '另一人' }, { token: admin });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('USERNAME_TAKEN');
    const other = await server.api.post(
      '/staff',
      { username: w.staff.techA1.username, name: '乙', role: 'desk', communityIds: [w.b1.id] },
      { token: adminB },
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('USERNAME_TAKEN');
  });

  it('two admins creating the same username at once: one account, the other gets USERNAME_TAKEN', async () => {
    const body = { username: 'race.one', name: '并发', role: 'desk', communityIds: [w.a1.id] };
    const results = await Promise.all([
      server.api.post('/staff', body, { token: admin }),
      server.api.post('/staff', { ...body, communityIds: [w.b1.id] }, { token: adminB }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('USERNAME_TAKEN');
    expect(await n("user WHERE username = 'race.one'")).toBe(1);
    // Only the winner's audit entry exists.
    expect(
      await n("audit_log WHERE entityType = 'staff_account' AND action = 'create' AND after LIKE '%race.one%'"),
    ).toBe(1);
  });

  it("PUT /staff/:id/teams replaces a technician's teams (audited); teams of another company are refused", async () => {
    const t = w.staff.techA1b;
    const other = (await server.api.post('/teams', { name: '乙组', memberIds: [] }, { token: adminB })).body.id;
    const bad = await put(`/staff/${t.id}/teams`, { teamIds: [teamId, other] }, { token: admin });
    expect(`${bad.status} ${bad.body.code}`).toBe('400 VALIDATION_FAILED');
    const ok = await put(`/staff/${t.id}/teams`, { teamIds: [teamId] }, { token: admin });
    expect(ok.status).toBe(200);
    expect(ok.body.teamIds).toEqual([teamId]);
    const [entry] = (await audits(t.id)).slice(-1);
    expect(entry).toMatchObject({ action: 'update', before: { teamIds: [] }, after: { teamIds: [teamId] } });
    const desk = await put(`/staff/${w.staff.deskA1.id}/teams`, { teamIds: [teamId] }, { token: admin });
    expect(desk.status).toBe(400);
  });

  it('writes nothing when a skill level, a community, a team or the shifts are wrong', async () => {
    const before = await footprint();
    const cases: Array<[object, string]> = [
      [{ ...full('bad.level'), skills: [{ category: 'plumbing', level: 6 }] }, 'skills.0.level'],
      [{ ...full('bad.community'), communityIds: [w.a1.id, w.b1.id] }, 'communityIds'],
      [{ ...full('bad.category'), skills: [{ category: 'roofing', level: 3 }] }, 'skills.0.category'],
      [{ ...full('bad.team'), teamIds: [999999] }, 'teamIds'],
      [{ ...full('bad.shift'), pattern: [{ weekday: 1, startMinute: 600, endMinute: 500 }] }, 'pattern.0'],
      [{ ...full('bad.building'), communityIds: [w.a2.id] }, 'buildingIds'],
      [{ ...full('desk.skills'), role: 'desk' }, 'skills'],
      [{ ...full('x'), username: 'x' }, 'username'],
    ];
    for (const [body, field] of cases) {
      const res = await server.api.post('/staff', body, { token: admin });
      expect(`${res.status} ${res.body.code}`).toBe('400 VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await footprint()).toEqual(before);
  });

  it('only admins create accounts; a supervisor is refused', async () => {
    const res = await server.api.post('/staff', full('by.supervisor'), { token: supervisor });
    expect(res.status).toBe(403);
  });

  it('edits name, phone and role; a role change ends the sessions and drops what the old role had', async () => {
    const created = await server.api.post('/staff', full('role.change'), { token: admin });
    const id = created.body.account.userId;
    const login = await server.api.post('/auth/password', {
      username: 'role.change',
      password: created.body.account.temporaryPassword,
    });
    const token = login.body.token as string;
    // Signed in (a first login may be asked to set its own password first: 403, not 401).
    expect((await server.api.get('/me', { token })).status).not.toBe(401);

    const renamed = await put(`/staff/${id}`, { name: '张伟伟', phone: null, role: 'technician' }, { token: admin });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '张伟伟', phone: null, role: 'technician' });

    const promoted = await put(`/staff/${id}`, { name: '张伟伟', phone: null, role: 'supervisor' }, { token: admin });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'supervisor', skills: [], teamIds: [], communityIds: [w.a1.id] });
    expect((await server.api.get('/me', { token })).status).toBe(401);

    const entries = await audits(id);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['create', 'update', 'update']);
    expect(entries[1].before).toMatchObject({ name: '张伟', phone: '13800138000' });
    expect(entries[1].after).toMatchObject({ name: '张伟伟', phone: null });
    expect(entries[2].before).toMatchObject({ role: 'technician', teamIds: [teamId] });
    expect(entries[2].after).toMatchObject({ role: 'supervisor', teamIds: [], skills: [] });
  });

  it('deactivates and reactivates: the account can neither log in nor act meanwhile', async () => {
    const created = await server.api.post(
      '/staff',
      { username: 'leaver', name: '李四', role: 'desk', communityIds: [w.a1.id] },
      { token: admin },
    );
    const id = created.body.account.userId;
    const password = created.body.account.temporaryPassword;
    const token = (await server.api.post('/auth/password', { username: 'leaver', password })).body.token;
    expect((await server.api.get('/me', { token })).status).not.toBe(401);
    const off = await put(`/staff/${id}`, { name: '李四', phone: null, role: 'desk', active: false }, { token: admin });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await server.api.get('/me', { token })).status).toBe(401);
    expect((await server.api.post('/auth/password', { username: 'leaver', password })).status).toBe(401);
    const on = await put(`/staff/${id}`, { name: '李四', phone: null, role: 'desk', active: true }, { token: admin });
    expect(on.body.active).toBe(true);
    expect((await server.api.post('/auth/password', { username: 'leaver', password })).status).toBe(200);
    const entries = await audits(id);
    expect(entries[1]).toMatchObject({ before: { active: true }, after: { active: false } });
    expect(entries[2]).toMatchObject({ before: { active: false }, after: { active: true } });
  });

  it('refuses to deactivate a technician who holds orders, with the count, and writes nothing', async () => {
    const resident = await loginResident(server, 'code-res-a1');
    const order = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房漏水', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(order.status).toBe(201);
    await server.ds.query("UPDATE work_order SET assigneeId = ?, status = 'accepted' WHERE id = ?", [
      w.staff.techA2.id,
      order.body.id,
    ]);
    const before = await footprint();
    const t = w.staff.techA2;
    const res = await put(
      `/staff/${t.id}`,
      { name: t.name, phone: t.phone, role: 'technician', active: false },
      { token: admin },
    );
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'STAFF_HAS_OPEN_ORDERS', details: { openOrders: 1 } });
    const demote = await put(`/staff/${t.id}`, { name: t.name, phone: t.phone, role: 'desk' }, { token: admin });
    expect(demote.body.code).toBe('STAFF_HAS_OPEN_ORDERS');
    expect(await footprint()).toEqual(before);
    expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body.active).toBe(true);
  });

  it('an admin cannot deactivate or demote themself; other admins can be deactivated', async () => {
    const me = w.staff.adminA;
    const self = await put(
      `/staff/${me.id}`,
      { name: me.name, phone: me.phone, role: 'admin', active: false },
      { token: admin },
    );
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('OWN_ACCOUNT');
    const selfDemote = await put(
      `/staff/${me.id}`,
      { name: me.name, phone: me.phone, role: 'supervisor' },
      { token: admin },
    );
    expect(selfDemote.body.code).toBe('OWN_ACCOUNT');
    // Renaming oneself is fine.
    expect(
      (await put(`/staff/${me.id}`, { name: '管理员甲', phone: me.phone, role: 'admin' }, { token: admin })).status,
    ).toBe(200);

    // Another admin may be deactivated: the actor stays as the company's active admin.
    const second = await server.api.post(
      '/staff',
      { username: 'admin.two', name: '二号管理员', role: 'admin' },
      { token: admin },
    );
    expect(second.status).toBe(201);
    const off = await put(
      `/staff/${second.body.account.userId}`,
      { name: '二号管理员', phone: null, role: 'admin', active: false },
      { token: admin },
    );
    expect(off.status).toBe(200);
    expect(await n("user WHERE companyId = ? AND role = 'admin' AND active = ?", [w.companyA.id, true])).toBe(1);
  });

  it("another company's admin sees no account of company A (404)", async () => {
    const t = w.staff.techA1;
    const res = await put(`/staff/${t.id}`, { name: 'x', phone: null, role: 'technician' }, { token: adminB });
    expect(res.status).toBe(404);
  });

  describe('the 员工 sheet of the master-data import', () => {
    const HEADERS = {
      小区: ['小区编码', '小区名称', '地址', '户数'],
      房屋: ['小区编码', '楼栋', '单元', '楼层', '房号', '面积'],
      住户: ['小区编码', '楼栋', '单元', '房号', '姓名', '手机号', '关系'],
      员工: ['用户名', '姓名', '手机号', '角色', '小区', '楼栋', '技能', '班组', '班次'],
    };
    async function xlsx(sheets: Partial<Record<keyof typeof HEADERS, Array<Array<string | null>>>>) {
      const book = new ExcelJS.Workbook();
      for (const name of Object.keys(HEADERS) as Array<keyof typeof HEADERS>) {
        const sheet = book.addWorksheet(name);
        sheet.addRow(HEADERS[name]);
        for (const row of sheets[name] ?? []) sheet.addRow(row);
      }
      return Buffer.from(await book.xlsx.writeBuffer());
    }
    const upload = (buf: Buffer, query = '') => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(buf)]), 'staff.xlsx');
      return server.api.post(`/imports/master-data${query}`, form, { token: admin });
    };
    const places = {
      小区: [['QS', '青山苑', '', null]],
      房屋: [
        ['QS', '1栋', null, '1', '101', null],
        ['QS', '2栋', null, '1', '101', null],
      ],
    };
    const rows = (count: number) =>
      Array.from({ length: count }, (_, i) => {
        const k = String(i + 1).padStart(2, '0');
        return i % 10 === 9
          ? [`desk${k}.qs`, `客服${k}`, null, '客服', 'QS', null, null, null, '每天 08:00-20:00']
          : [
              `tech${k}.qs`,
              `师傅${k}`,
              `1390000${k}00`,
              '维修师傅',
              `QS;${w.a1.code}`,
              'QS/1栋',
              '水管漏水:4;electrical:2',
              '青山一组',
              '周一至周五 08:00-17:00; 周六 09:00-12:00',
            ];
      });

    it('one bad row among 50: nothing is imported and the report names the row and column', async () => {
      const before = { ...(await footprint()), communities: await n('community'), teams: await n('team') };
      const bad = rows(50);
      bad[36][6] = '水管漏水:7';
      bad[41][4] = 'QS;NOPE';
      const res = await upload(await xlsx({ ...places, 员工: bad }));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('IMPORT_INVALID');
      expect(res.body.details.rows).toEqual([
        expect.objectContaining({ sheet: '员工', row: 38, column: '技能' }),
        expect.objectContaining({ sheet: '员工', row: 43, column: '小区' }),
      ]);
      expect({ ...(await footprint()), communities: await n('community'), teams: await n('team') }).toEqual(before);
    });

    it('imports 50 staff rows with the places of the same file; temporary passwords once, in the answer', async () => {
      const dry = await upload(await xlsx({ ...places, 员工: rows(50) }), '?dryRun=true');
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ dryRun: true, communities: 1, staff: 50, teams: 1, accounts: [] });
      const res = await upload(await xlsx({ ...places, 员工: rows(50) }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ dryRun: false, communities: 1, staff: 50, teams: 1 });
      expect(res.body.accounts).toHaveLength(50);
      expect(res.body.accounts[0]).toMatchObject({ username: 'tech01.qs', name: '师傅01' });
      const tech = await server.api.get(`/staff/${res.body.accounts[0].userId}`, { token: admin });
      expect(tech.body).toMatchObject({
        role: 'technician',
        skills: [
          { category: 'electrical', level: 2 },
          { category: 'plumbing', level: 4 },
        ],
      });
      expect(tech.body.communityIds).toHaveLength(2);
      expect(tech.body.buildingIds).toHaveLength(1);
      expect(tech.body.teamIds).toHaveLength(1);
      const shifts = await server.api.get(`/staff/${res.body.accounts[0].userId}/shifts`, { token: admin });
      expect(shifts.body.pattern).toHaveLength(6);
      const desk = await server.api.get(`/staff/${res.body.accounts[9].userId}/shifts`, { token: admin });
      expect(desk.body.pattern).toHaveLength(7);
      const login = await server.api.post('/auth/password', {
        username: 'tech01.qs',
        password: res.body.accounts[0].temporaryPassword,
      });
      expect(login.status).toBe(200);
      // The import's audit entry names the accounts, never their passwords; each account has its own.
      const [entry] = await server.ds.query(
        "SELECT `after` FROM audit_log WHERE entityType = 'master_data_import' ORDER BY id DESC LIMIT 1",
      );
      const after = typeof entry.after === 'string' ? entry.after : JSON.stringify(entry.after);
      expect(after).toContain('tech01.qs');
      expect(after).not.toContain(res.body.accounts[0].temporaryPassword);
      expect(await audits(res.body.accounts[0].userId)).toHaveLength(1);
      // Importing the same sheet again: every username is taken.
      const again = await upload(await xlsx({ 员工: rows(2) }));
      expect(again.status).toBe(422);
      expect(again.body.details.rows[0]).toMatchObject({ sheet: '员工', row: 2, column: '用户名' });
    });
  });
});
