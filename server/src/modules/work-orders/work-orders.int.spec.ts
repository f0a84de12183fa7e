import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { MemoryRateLimitStore, RATE_LIMIT_STORE } from '../../common/rate-limit.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { PriceItem } from '../price-list/price-item.entity.js';

describe(`work orders over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let tech: string;
  let techB: string;

  let labourItem: number;
  let valveItem: number;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    const prices = server.ds.getRepository(PriceItem);
    const item = (kind: string, name: string, unit: string, priceFen: number) =>
      prices
        .save({
          companyId: w.companyA.id,
          communityId: null,
          category: 'plumbing',
          kind,
          name,
          unit,
          priceFen,
          sortOrder: 0,
        })
        .then((p) => p.id);
    labourItem = await item('labour', '更换阀门', '次', 5000);
    valveItem = await item('material', '阀门', '个', 1250);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    tech = await loginStaff(server, w.staff.techA1);
    techB = await loginStaff(server, w.staff.techA1b);
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = (token: string, body: object, key?: string) =>
    server.api.post('/work-orders', body, { token, headers: key ? { 'Idempotency-Key': key } : {} });
  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );

  it('creates an order with a human-readable number and a first timeline event', async () => {
    const res = await create(resident, {
      category: 'plumbing',
      description: '厨房水管漏水',
      houseId: w.houseA1.id,
      priority: 'P2',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'submitted',
      version: 1,
      priority: 'P2',
      channel: 'miniprogram',
      communityId: w.a1.id,
    });
    expect(res.body.no).toMatch(/^AA-\d{8}-\d{4}$/);
    expect(res.body.timeline).toHaveLength(1);
    expect(res.body.timeline[0]).toMatchObject({ action: 'create', from: null, to: 'submitted' });
    expect(res.body.actions).toEqual(['cancel', 'urge']);
  });

  it('numbers orders of one community and day consecutively', async () => {
    const a = await create(resident, { category: 'other', description: 'a', houseId: w.houseA1.id });
    const b = await create(resident, { category: 'other', description: 'b', houseId: w.houseA1.id });
    const seq = (no: string) => Number(no.split('-')[2]);
    expect(seq(b.body.no)).toBe(seq(a.body.no) + 1);
  });

  it('gives one order for one Idempotency-Key, sequentially and concurrently', async () => {
    const body = { category: 'plumbing', description: '卫生间漏水', houseId: w.houseA1.id };
    const first = await create(resident, body, 'key-sequential-1');
    const again = await create(resident, body, 'key-sequential-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);

    const before = await server.ds.query('SELECT COUNT(*) AS n FROM work_order');
    // Another text: the same one again would be a duplicate of the first order (abuse-limits.int.spec.ts).
    const other = { ...body, description: '卫生间也漏水' };
    const burst = await Promise.all(Array.from({ length: 8 }, () => create(resident, other, 'key-concurrent-1')));
    const after = await server.ds.query('SELECT COUNT(*) AS n FROM work_order');
    expect(
      burst.map((r) => (r.status === 500 ? r.body : r.body.id)).filter((x, i, a) => a.indexOf(x) === i),
    ).toHaveLength(1);
    expect(burst.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(Number(after[0].n) - Number(before[0].n)).toBe(1);
  });

  it('refuses a reused key with a different body, and a malformed key', async () => {
    await create(resident, { category: 'plumbing', description: 'x', houseId: w.houseA1.id }, 'key-reused-1');
    const other = await create(
      resident,
      { category: 'plumbing', description: 'y', houseId: w.houseA1.id },
      'key-reused-1',
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const bad = await create(resident, { category: 'plumbing', description: 'x', houseId: w.houseA1.id }, 'bad key!');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  it('validates input, lists the fields and writes nothing', async () => {
    const before = await server.ds.query('SELECT COUNT(*) AS n FROM work_order');
    const res = await create(resident, { category: 'Plumbing!', description: '', houseId: 'x', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['category', 'description', 'houseId', 'extra']));
    const unknownCategory = await create(resident, { category: 'gas', description: 'x', houseId: w.houseA1.id });
    expect(unknownCategory.status).toBe(400);
    expect(unknownCategory.body.details[0].field).toBe('category');
    const both = await create(resident, {
      category: 'plumbing',
      description: 'x',
      houseId: w.houseA1.id,
      publicAreaId: w.areaA1.id,
    });
    expect(both.status).toBe(400);
    const after = await server.ds.query('SELECT COUNT(*) AS n FROM work_order');
    expect(Number(after[0].n)).toBe(Number(before[0].n));
  });

  it('runs the full lifecycle submitted -> closed with its timeline', async () => {
    const created = await create(resident, { category: 'plumbing', description: '水管爆了', houseId: w.houseA1.id });
    const id = created.body.id;
    let r = await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'assigned', assignee: { id: w.staff.techA1.id } });
    // While the work is under way the reporter can call the technician: full number.
    const whileOpen = await server.api.get(`/work-orders/${id}`, { token: resident });
    expect(whileOpen.body.assignee.phone).toBe(w.staff.techA1.phone);
    const steps: Array<[string, object, string]> = [
      [tech, { action: 'accept' }, 'accepted'],
      [tech, { action: 'depart' }, 'on_the_way'],
      [tech, { action: 'arrive' }, 'in_progress'],
      [tech, { action: 'pause', pauseReason: 'waiting_parts', note: '等配件' }, 'paused'],
      [tech, { action: 'resume' }, 'in_progress'],
      [
        tech,
        {
          action: 'quote',
          // From the community's price list: the server prices each line (docs/fees.md).
          quoteItems: [
            { priceItemId: labourItem, quantity: 1 },
            { priceItemId: valveItem, quantity: 2 },
          ],
        },
        'quoted',
      ],
      [resident, { action: 'approve_quote' }, 'in_progress'],
      // What was used: both lines of the approved quote, one valve fewer.
      [
        tech,
        {
          action: 'complete',
          note: '已更换',
          bill: {
            lines: [
              { line: 0, quantity: 1 },
              { line: 1, quantity: 1 },
            ],
          },
        },
        'completed',
      ],
    ];
    for (const [token, body, status] of steps) {
      r = await act(token, id, body);
      expect({ action: (body as { action: string }).action, status: r.status, to: r.body.status }).toEqual({
        action: (body as { action: string }).action,
        status: 200,
        to: status,
      });
    }
    // The bill (6,250 fen) keeps the order open until it is settled: here the desk waives it.
    const billed = await server.api.get(`/work-orders/${id}`, { token: resident });
    expect(billed.body.bill).toMatchObject({ status: 'unpaid', totalFen: 6250, dueFen: 6250, approvedQuoteFen: 7500 });
    expect((await act(resident, id, { action: 'confirm' })).body.code).toBe('BILL_UNPAID');
    const waived = await server.api.post(`/work-orders/${id}/bill/waive`, { reason: '老住户免收' }, { token: desk });
    expect(waived.status).toBe(200);
    r = await act(resident, id, { action: 'confirm' });
    expect(r.body.status).toBe('closed');
    const detail = await server.api.get(`/work-orders/${id}`, { token: resident });
    expect(detail.body.quote).toMatchObject({ totalFen: 7500, approved: true, state: 'approved', flaggedCount: 0 });
    expect(detail.body.bill).toMatchObject({ status: 'waived', waivedReason: '老住户免收' });
    expect(detail.body.timeline.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'assign',
      'accept',
      'depart',
      'arrive',
      'pause',
      'resume',
      'quote',
      'approve_quote',
      'complete',
      'confirm',
    ]);
    expect(detail.body.timeline[5]).toMatchObject({ from: 'in_progress', to: 'paused', note: '等配件' });
    expect(detail.body.version).toBe(11);
    // The resident sees the technician's phone masked.
    expect(detail.body.assignee.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
  });

  it('gives exactly one winner when two technicians grab one pooled order', async () => {
    const created = await create(resident, { category: 'plumbing', description: '抢单测试', houseId: w.houseA1.id });
    await act(desk, created.body.id, { action: 'pool' });
    const results = await Promise.all([
      act(tech, created.body.id, { action: 'grab' }),
      act(techB, created.body.id, { action: 'grab' }),
      act(tech, created.body.id, { action: 'grab' }),
      act(techB, created.body.id, { action: 'grab' }),
    ]);
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.status !== 200)) {
      expect(loser.status).toBe(409);
      expect(['VERSION_CONFLICT', 'TRANSITION_NOT_ALLOWED']).toContain(loser.body.code);
    }
    // A loser who asks again learns who won.
    const loserToken = winners[0].body.assignee.id === w.staff.techA1.id ? techB : tech;
    const late = await act(loserToken, created.body.id, { action: 'grab' });
    expect(late.status).toBe(409);
    expect(late.body.details.assignee.name).toBe(winners[0].body.assignee.name);
    const events = await server.ds.query('SELECT action FROM work_order_event WHERE workOrderId = ?', [
      created.body.id,
    ]);
    expect(events.filter((e: { action: string }) => e.action === 'grab')).toHaveLength(1);
  });

  it('lets one of accept and reassign win when they race', async () => {
    const created = await create(resident, { category: 'plumbing', description: '竞争测试', houseId: w.houseA1.id });
    const assigned = await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    const v = assigned.body.version;
    const [accept, reassign] = await Promise.all([
      act(tech, created.body.id, { action: 'accept', version: v }),
      act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA1b.id, version: v }),
    ]);
    expect([accept.status, reassign.status].sort()).toEqual([200, 409]);
    const loser = accept.status === 409 ? accept : reassign;
    expect(loser.body.code).toBe('VERSION_CONFLICT');
  });

  it('answers a stale version with VERSION_CONFLICT and an impossible action with TRANSITION_NOT_ALLOWED', async () => {
    const created = await create(resident, { category: 'plumbing', description: '版本测试', houseId: w.houseA1.id });
    const stale = await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA1.id, version: 99 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    const impossible = await act(resident, created.body.id, { action: 'confirm' });
    expect(impossible.status).toBe(409);
    expect(impossible.body.code).toBe('TRANSITION_NOT_ALLOWED');
    await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    const notYours = await act(desk, created.body.id, { action: 'accept' });
    expect(notYours.status).toBe(403);
    expect(notYours.body.code).toBe('FORBIDDEN');
  });

  it('checks what an action needs', async () => {
    const created = await create(resident, { category: 'plumbing', description: '需要参数', houseId: w.houseA1.id });
    const noAssignee = await act(desk, created.body.id, { action: 'assign' });
    expect(noAssignee.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'assigneeId' }] });
    const wrongCommunity = await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA2.id });
    expect(wrongCommunity.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'assigneeId' }] });
    const otherCompany = await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techB1.id });
    expect(otherCompany.status).toBe(400);
    const noReason = await act(resident, created.body.id, { action: 'cancel' });
    expect(noReason.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'reason' }] });
    const cancelled = await act(resident, created.body.id, { action: 'cancel', reason: '已经好了' });
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('declining returns the order to routing and hides it from the decliner', async () => {
    const created = await create(resident, { category: 'plumbing', description: '拒单', houseId: w.houseA1.id });
    await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    const declined = await act(tech, created.body.id, { action: 'decline', reason: '不在附近' });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('submitted');
    expect(declined.body.assignee).toBeNull();
    const hidden = await server.api.get(`/work-orders/${created.body.id}`, { token: tech });
    expect(hidden.status).toBe(404);
  });

  it('reopens a completed order with history kept', async () => {
    const created = await create(resident, { category: 'plumbing', description: '返修', houseId: w.houseA1.id });
    const id = created.body.id;
    await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id });
    for (const action of ['accept', 'arrive', 'complete']) await act(tech, id, { action });
    const reopened = await act(resident, id, { action: 'reopen', reason: '还在漏' });
    expect(reopened.body.status).toBe('reopened');
    expect(reopened.body.timeline).toHaveLength(6);
    const urged = await act(resident, id, { action: 'urge' });
    expect(urged.body).toMatchObject({ status: 'reopened', urgeCount: 1 });
  });

  it('lists with filters and pagination as { items, total }', async () => {
    const all = await server.api.get('/work-orders?pageSize=3', { token: resident });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    expect(all.body.total).toBeGreaterThan(3);
    const page2 = await server.api.get('/work-orders?pageSize=3&page=2', { token: resident });
    expect(page2.body.items[0].id).not.toBe(all.body.items[0].id);
    const closed = await server.api.get('/work-orders?status=closed', { token: resident });
    expect(closed.body.items.every((o: { status: string }) => o.status === 'closed')).toBe(true);
    expect(closed.body.total).toBeGreaterThanOrEqual(1);
    const byNo = await server.api.get(`/work-orders?q=${encodeURIComponent(all.body.items[0].no)}`, {
      token: resident,
    });
    expect(byNo.body.items.map((o: { id: number }) => o.id)).toEqual([all.body.items[0].id]);
    const bad = await server.api.get('/work-orders?status=bogus&pageSize=1000', { token: resident });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['pageSize', 'status']);
  });

  it('lets the desk file a phone order for a verified resident', async () => {
    const res = await create(desk, {
      category: 'electrical',
      description: '住户来电：客厅没电',
      houseId: w.houseA1.id,
      reporterId: w.residents.resA1.id,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'phone', reporter: { id: w.residents.resA1.id } });
    const mine = await server.api.get(`/work-orders/${res.body.id}`, { token: resident });
    expect(mine.status).toBe(200);
    const wrongReporter = await create(desk, {
      category: 'electrical',
      description: 'x',
      houseId: w.houseA1.id,
      reporterId: w.residents.resA2.id,
    });
    expect(wrongReporter.status).toBe(400);
  });

  it('refuses to complete a repair without a photo, and changes nothing', async () => {
    const created = await create(resident, { category: 'plumbing', description: '无照片完工', houseId: w.houseA1.id });
    const id = created.body.id;
    await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id });
    for (const action of ['accept', 'arrive']) await act(tech, id, { action });
    const before = await server.api.get(`/work-orders/${id}`, { token: tech });
    for (const body of [{ action: 'complete' }, { action: 'complete', photoIds: [] }]) {
      const refused = await server.api.post(`/work-orders/${id}/transitions`, body, { token: tech });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'photoIds', problems: ['at least one completion photo is required'] }],
      });
    }
    const after = await server.api.get(`/work-orders/${id}`, { token: tech });
    expect({ status: after.body.status, version: after.body.version }).toEqual({
      status: 'in_progress',
      version: before.body.version,
    });
    const done = await act(tech, id, { action: 'complete' });
    expect(done.body.status).toBe('completed');
    expect(done.body.timeline.at(-1).photos).toHaveLength(1);
  });

  it('says on the timeline from whom to whom an order was reassigned', async () => {
    const created = await create(resident, { category: 'plumbing', description: '改派记录', houseId: w.houseA1.id });
    const id = created.body.id;
    await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id, reason: '首次派单' });
    const moved = await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1b.id, reason: '原师傅请假' });
    expect(moved.status).toBe(200);
    const assigns = moved.body.timeline.filter((e: { action: string }) => e.action === 'assign');
    expect(assigns.at(-2)).toMatchObject({ handover: { from: null, to: { id: w.staff.techA1.id } } });
    expect(assigns.at(-1)).toMatchObject({
      note: '原师傅请假',
      handover: {
        from: { id: w.staff.techA1.id, name: w.staff.techA1.name },
        to: { id: w.staff.techA1b.id, name: w.staff.techA1b.name },
      },
    });
    expect(moved.body.timeline.find((e: { action: string }) => e.action === 'create').handover).toBeUndefined();
  });

  it('never hands a complaint to the technician it is about', async () => {
    // Many creates from one address: a fresh rate-limit window.
    server.app.get<MemoryRateLimitStore>(RATE_LIMIT_STORE).clear();
    const filed = await create(desk, {
      kind: 'complaint',
      category: 'other',
      description: '投诉：师傅态度差',
      houseId: w.houseA1.id,
      reporterId: w.residents.resA1.id,
      aboutUserId: w.staff.techA1.id,
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id;
    expect(filed.body.about).toEqual({ id: w.staff.techA1.id, name: w.staff.techA1.name });
    // Routing skipped them; the resident does not see whom the complaint names.
    expect(filed.body.assignee?.id).not.toBe(w.staff.techA1.id);
    expect((await server.api.get(`/work-orders/${id}`, { token: resident })).body.about).toBeNull();
    const version = (await server.api.get(`/work-orders/${id}`, { token: desk })).body.version;
    const refused = await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id, reason: '请师傅处理' });
    expect([refused.status, refused.body.code]).toEqual([409, 'COMPLAINT_ABOUT_ASSIGNEE']);
    expect((await server.api.get(`/work-orders/${id}`, { token: desk })).body.version).toBe(version);
    const toOther = await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1b.id, reason: '请师傅处理' });
    expect(toOther.status).toBe(200);
    const transfer = await act(techB, id, { action: 'transfer', assigneeId: w.staff.techA1.id, reason: '换人' });
    expect([transfer.status, transfer.body.code]).toEqual([409, 'COMPLAINT_ABOUT_ASSIGNEE']);

    // Only staff name the technician, only on a complaint, only one serving the community.
    const bad = [
      [resident, { kind: 'complaint', aboutUserId: w.staff.techA1.id }],
      [desk, { kind: 'repair', aboutUserId: w.staff.techA1.id }],
      [desk, { kind: 'complaint', aboutUserId: w.staff.techB1.id }],
      [desk, { kind: 'complaint', aboutUserId: w.staff.deskA1.id }],
    ] as const;
    for (const [token, body] of bad) {
      const res = await create(token, {
        category: 'other',
        description: `投诉 ${Math.random()}`,
        houseId: w.houseA1.id,
        ...body,
      });
      expect([res.status, res.body.details?.[0]?.field]).toEqual([400, 'aboutUserId']);
    }
  });

  it('stores the visit time as a window of two instants', async () => {
    // Many creates from one address: a fresh rate-limit window.
    server.app.get<MemoryRateLimitStore>(RATE_LIMIT_STORE).clear();
    const words = await create(resident, {
      category: 'plumbing',
      description: '下午在家',
      houseId: w.houseA1.id,
      preferredTime: '明天下午',
    });
    expect(words.status).toBe(201);
    const { from, to } = words.body.visitWindow;
    expect(Date.parse(to) - Date.parse(from)).toBe(4 * 3600_000);
    // 14:00 China time, tomorrow.
    expect(new Date(Date.parse(from) + 8 * 3600_000).getUTCHours()).toBe(14);
    expect(Date.parse(from)).toBeGreaterThan(Date.now());

    // Whole seconds: MariaDB keeps no milliseconds.
    const start = new Date(Math.floor(Date.now() / 1000) * 1000 + 86400_000);
    const window = { from: start.toISOString(), to: new Date(start.getTime() + 2 * 3600_000).toISOString() };
    const given = await create(resident, {
      category: 'plumbing',
      description: '给定时间',
      houseId: w.houseA1.id,
      visitWindow: window,
    });
    expect(given.body.visitWindow).toEqual(window);
    const none = await create(resident, {
      category: 'plumbing',
      description: '尽快',
      houseId: w.houseA1.id,
      preferredTime: '尽快上门',
    });
    expect(none.body).toMatchObject({ preferredTime: '尽快上门', visitWindow: null });

    for (const visitWindow of [
      { from: window.to, to: window.from },
      { from: window.from, to: new Date(start.getTime() + 13 * 3600_000).toISOString() },
      { from: '2020-01-01T09:00:00+08:00', to: '2020-01-01T12:00:00+08:00' },
      { from: '明天', to: window.to },
      { from: '2030-01-01T09:00:00', to: '2030-01-01T12:00:00' },
      '今天下午',
    ]) {
      const res = await create(resident, {
        category: 'plumbing',
        description: `坏窗口 ${Math.random()}`,
        houseId: w.houseA1.id,
        visitWindow,
      });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});
