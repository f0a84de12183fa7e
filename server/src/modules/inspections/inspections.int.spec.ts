import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chinaLocalTime, startOfChinaDay, addDays } from '@linli/shared';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { Notification } from '../notifications/notification.entities.js';
import { Upload } from '../uploads/upload.entity.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { InspectionCheck, InspectionRound, InspectionVisit } from './inspection.entities.js';

const MIN = 60_000;

describe(`inspection rounds and planned maintenance (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let clock: Clock;
  let runner: JobRunner;
  const t: Record<string, string> = {};
  let teamId: number;
  let tomorrow: string;

  const patch = (path: string, body: unknown, token: string) => server.api.request('PATCH', path, { body, token });
  const checklist = [
    { key: 'pressure', label: '水泵压力正常', photoRequired: false },
    { key: 'leak', label: '无渗漏', photoRequired: true },
  ];
  const login = async () => {
    for (const name of ['adminA', 'supervisorA1', 'techA1', 'techA1b', 'techA2', 'adminB', 'techB1'] as const)
      t[name] = await loginStaff(server, w.staff[name]);
  };
  /** Move the test clock to `minute` (China time) of `date`. */
  const moveTo = (date: string, minute: number) => {
    const target = startOfChinaDay(date).getTime() + minute * MIN;
    const delta = target - clock.now().getTime();
    if (delta > 0) clock.advance(delta);
  };
  const act = (roundId: number, actions: object[], token = t.techA1) =>
    server.api.post(`/inspection-rounds/${roundId}/actions`, { actions }, { token });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    runner = server.app.get(JobRunner);
    await login();
    const team = await server.api.post(
      '/teams',
      { name: '巡检一组', supervisorId: w.staff.supervisorA1.id, memberIds: [w.staff.techA1.id, w.staff.techA1b.id] },
      { token: t.adminA },
    );
    expect(team.status).toBe(201);
    teamId = team.body.id;
    const today = chinaLocalTime(clock.now()).date;
    tomorrow = `${addDays(today.replace(/-/g, ''), 1).slice(0, 4)}-${addDays(today.replace(/-/g, ''), 1).slice(4, 6)}-${addDays(today.replace(/-/g, ''), 1).slice(6, 8)}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  let pump: { id: number; code: string };
  let door: { id: number; code: string };
  let planId: number;
  let roundId: number;

  it('admins create points with a random code; bad input and other tenants are refused', async () => {
    const res = await server.api.post(
      '/inspection-points',
      { communityId: w.a1.id, publicAreaId: w.areaA1.id, name: '2栋水泵房', checklist },
      { token: t.adminA },
    );
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^[A-HJKMNP-Z2-9]{12}$/);
    pump = res.body;
    door = (
      await server.api.post(
        '/inspection-points',
        {
          communityId: w.a1.id,
          publicAreaId: w.areaA1.id,
          name: '1栋防火门',
          checklist: [{ key: 'closes', label: '能自动关闭', photoRequired: false }],
        },
        { token: t.adminA },
      )
    ).body;
    expect(door.code).not.toBe(pump.code);
    for (const [body, field] of [
      [{ checklist: [] }, 'checklist'],
      [{ checklist: [checklist[0], checklist[0]] }, 'checklist'],
      [{ checklist: [{ key: 'Bad Key', label: 'x', photoRequired: false }] }, 'checklist.0.key'],
      [{ name: '' }, 'name'],
      [{ publicAreaId: 999999 }, 'publicAreaId'],
    ] as const) {
      const bad = await server.api.post(
        '/inspection-points',
        { communityId: w.a1.id, publicAreaId: w.areaA1.id, name: '屋顶排水', checklist, ...body },
        { token: t.adminA },
      );
      expect([JSON.stringify(body), bad.status, bad.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const foreign = await server.api.post(
      '/inspection-points',
      { communityId: w.a1.id, publicAreaId: w.areaA1.id, name: 'x', checklist },
      { token: t.adminB },
    );
    expect(foreign.status).toBe(404);
    expect((await server.api.post('/inspection-points', {}, { token: t.techA1 })).status).toBe(403);
    expect((await server.api.get('/inspection-points', { token: t.adminB })).body).toEqual([]);
    const qr = await server.api.get(`/inspection-points/${pump.id}/qr`, { token: t.adminA });
    expect(qr.status).toBe(200);
    expect(qr.body.scene).toBe(`i=${pump.code}`);
    expect(qr.body.png).toMatch(/^data:image\/png;base64,iVBOR/);
    expect((await server.api.get(`/inspection-points/${pump.id}/qr`, { token: t.adminB })).status).toBe(404);
  });

  it('validates plans: schedule, team, points', async () => {
    const base = {
      communityId: w.a1.id,
      name: '每日设备巡检',
      frequency: 'daily',
      windowStart: 9 * 60,
      windowEnd: 11 * 60,
      teamId,
      pointIds: [pump.id, door.id],
      startsOn: tomorrow,
    };
    for (const [body, field] of [
      [{ frequency: 'weekly' }, 'dayOf'],
      [{ windowEnd: 9 * 60 + 5 }, 'windowEnd'],
      [{ teamId: 999999 }, 'teamId'],
      [{ pointIds: [] }, 'pointIds'],
      [{ pointIds: [pump.id, pump.id] }, 'pointIds'],
      [{ frequency: 'hourly' }, 'frequency'],
    ] as const) {
      const bad = await server.api.post('/inspection-plans', { ...base, ...body }, { token: t.adminA });
      expect([JSON.stringify(body), bad.status, bad.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await server.api.post('/inspection-plans', base, { token: t.supervisorA1 })).status).toBe(403);
    const res = await server.api.post('/inspection-plans', base, { token: t.adminA });
    expect(res.status).toBe(201);
    planId = res.body.id;
    expect(res.body.nextAt).toBe(new Date(startOfChinaDay(tomorrow).getTime() + 9 * 60 * MIN).toISOString());
  });

  it('generates each round once at its window, across concurrent ticks and a duplicate job', async () => {
    expect(await server.ds.getRepository(InspectionRound).countBy({ planId })).toBe(0);
    moveTo(tomorrow, 9 * 60 + 1);
    // A second process that queued the same period (e.g. a plan resumed twice): still one round.
    await server.ds.getRepository(ScheduledJob).insert({
      kind: 'insp_generate',
      refId: planId,
      payload: { periodKey: tomorrow },
      dueAt: clock.now(),
      status: 'pending',
      attempts: 0,
    });
    await Promise.all([runner.tick(), runner.tick()]);
    await runner.tick();
    const rounds = await server.ds.getRepository(InspectionRound).findBy({ planId });
    expect(rounds.map((r) => [r.periodKey, r.status])).toEqual([[tomorrow, 'pending']]);
    roundId = rounds[0].id;
    expect(await server.ds.getRepository(InspectionVisit).countBy({ roundId })).toBe(2);
    // The next day's generation is queued, once.
    const next = await server.ds
      .getRepository(ScheduledJob)
      .findBy({ kind: 'insp_generate', refId: planId, status: 'pending' });
    expect(next.map((j) => j.payload?.periodKey)).toEqual([
      `${addDays(tomorrow.replace(/-/g, ''), 1).slice(0, 4)}-${addDays(tomorrow.replace(/-/g, ''), 1).slice(4, 6)}-${addDays(tomorrow.replace(/-/g, ''), 1).slice(6, 8)}`,
    ]);
  });

  it("shows the round to its team's technicians only", async () => {
    const mine = await server.api.get('/inspection-rounds?mine=1', { token: t.techA1 });
    expect(mine.body.map((r: { id: number }) => r.id)).toEqual([roundId]);
    expect(mine.body[0]).toMatchObject({ status: 'pending', pointsTotal: 2, pointsDone: 0, teamName: '巡检一组' });
    expect((await server.api.get('/inspection-rounds', { token: t.techA2 })).body).toEqual([]);
    expect((await server.api.get(`/inspection-rounds/${roundId}`, { token: t.techA2 })).status).toBe(404);
    expect((await server.api.get(`/inspection-rounds/${roundId}`, { token: t.techB1 })).status).toBe(404);
    expect((await server.api.get(`/inspection-rounds/${roundId}`, { token: t.adminB })).status).toBe(404);
    expect(
      (
        await act(
          roundId,
          [{ type: 'scan', clientKey: 'k-techb1-1', at: clock.now().toISOString(), pointId: pump.id, code: pump.code }],
          t.techB1,
        )
      ).status,
    ).toBe(404);
    expect((await server.api.get(`/inspection-rounds/${roundId}`, { token: t.supervisorA1 })).status).toBe(200);
  });

  it('refuses a wrong code, a tick before the scan, a missing photo and a phone clock out of bounds', async () => {
    const now = clock.now();
    const res = await act(roundId, [
      { type: 'scan', clientKey: 'bad-scan-1', at: now.toISOString(), pointId: pump.id, code: door.code },
      {
        type: 'check',
        clientKey: 'early-check',
        at: now.toISOString(),
        pointId: pump.id,
        itemKey: 'pressure',
        result: 'ok',
      },
      {
        type: 'scan',
        clientKey: 'future-scan',
        at: new Date(now.getTime() + 30 * MIN).toISOString(),
        pointId: pump.id,
        code: pump.code,
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { ok: boolean; code?: string }) => r.code)).toEqual([
      'INSPECTION_CODE_MISMATCH',
      'INSPECTION_NOT_SCANNED',
      'INSPECTION_TIME_INVALID',
    ]);
    expect(res.body.round.status).toBe('pending');
    const bad = await act(roundId, [{ type: 'check', clientKey: 'short', at: now.toISOString(), pointId: pump.id }]);
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(
      (
        await act(
          roundId,
          [{ type: 'scan', clientKey: 'by-admin-1', at: now.toISOString(), pointId: pump.id, code: pump.code }],
          t.adminA,
        )
      ).status,
    ).toBe(403);
  });

  it('replays an offline round without doubling anything, keeping the phone times; an abnormal item files one order', async () => {
    const upload = await server.ds.getRepository(Upload).save({
      ownerId: w.staff.techA1.id,
      storageKey: 'test/leak.jpg',
      mime: 'image/jpeg',
      size: 10,
      width: 2,
      height: 2,
      sha256: 'x'.repeat(64),
    });
    // Whole seconds: MariaDB's datetime keeps no fraction.
    const base = Math.floor(clock.now().getTime() / 1000) * 1000 - 20 * MIN;
    const at = (m: number) => new Date(base + m * MIN).toISOString();
    const offline = [
      {
        type: 'scan',
        clientKey: 'off-scan-pump',
        at: at(0),
        pointId: pump.id,
        code: `http://h5/#/x?scene=i%3D${pump.code}`,
      },
      {
        type: 'check',
        clientKey: 'off-check-pressure',
        at: at(1),
        pointId: pump.id,
        itemKey: 'pressure',
        result: 'ok',
      },
      {
        type: 'check',
        clientKey: 'off-check-leak-nophoto',
        at: at(2),
        pointId: pump.id,
        itemKey: 'leak',
        result: 'abnormal',
      },
      {
        type: 'check',
        clientKey: 'off-check-leak',
        at: at(2),
        pointId: pump.id,
        itemKey: 'leak',
        result: 'abnormal',
        note: '水泵底座渗水',
        uploadId: upload.id,
        category: 'plumbing',
      },
      { type: 'scan', clientKey: 'off-scan-door', at: at(5), pointId: door.id, code: door.code },
    ];
    const first = await act(roundId, offline);
    expect(first.status).toBe(200);
    expect(
      first.body.results.map((r: { ok: boolean; code?: string; replayed: boolean }) => [
        r.ok,
        r.code ?? null,
        r.replayed,
      ]),
    ).toEqual([
      [true, null, false],
      [true, null, false],
      [false, 'INSPECTION_PHOTO_REQUIRED', false],
      [true, null, false],
      [true, null, false],
    ]);
    const orderId = first.body.results[3].workOrderId;
    expect(orderId).toEqual(expect.any(Number));
    // The signal drops before the answer arrives: the phone sends everything again.
    const again = await act(roundId, offline);
    expect(again.body.results.map((r: { replayed: boolean }) => r.replayed)).toEqual([true, true, false, true, true]);
    expect(again.body.results[3].workOrderId).toBe(orderId);
    expect(await server.ds.getRepository(InspectionCheck).countBy({ roundId })).toBe(2);
    const visit = await server.ds.getRepository(InspectionVisit).findOneByOrFail({ roundId, pointId: pump.id });
    expect(visit.scannedAt!.toISOString()).toBe(at(0));
    expect(visit.scanReceivedAt!.getTime()).toBeGreaterThan(visit.scannedAt!.getTime());
    const check = await server.ds.getRepository(InspectionCheck).findOneByOrFail({ roundId, itemKey: 'leak' });
    expect(check.checkedAt.toISOString()).toBe(at(2));
    expect(check.workOrderId).toBe(orderId);
    const order = await server.ds.getRepository(WorkOrder).findOneByOrFail({ id: orderId });
    expect(order).toMatchObject({ publicAreaId: w.areaA1.id, channel: 'patrol', category: 'plumbing' });
    expect(order.description).toContain(`巡检任务 #${roundId}`);
    expect(await server.ds.getRepository(WorkOrder).countBy({ description: order.description })).toBe(1);
    // Another key for a ticked item: refused, nothing changes.
    const dup = await act(roundId, [
      {
        type: 'check',
        clientKey: 'other-key-pressure',
        at: at(6),
        pointId: pump.id,
        itemKey: 'pressure',
        result: 'abnormal',
      },
    ]);
    expect(dup.body.results[0].code).toBe('INSPECTION_ITEM_DONE');
    // The last item: the round completes at the phone's time of the last tick, on time.
    const last = await act(roundId, [
      { type: 'check', clientKey: 'off-check-closes', at: at(6), pointId: door.id, itemKey: 'closes', result: 'ok' },
    ]);
    expect(last.body.round).toMatchObject({
      status: 'completed',
      late: false,
      completedAt: at(6),
      pointsDone: 2,
      abnormal: 1,
      technicianId: w.staff.techA1.id,
    });
    const afterDone = await act(roundId, [
      { type: 'check', clientKey: 'after-done-1', at: at(7), pointId: door.id, itemKey: 'closes', result: 'ok' },
    ]);
    expect(afterDone.body.results[0].code).toBe('ROUND_NOT_OPEN');
  });

  it('escalates a missed round to the team supervisor at the end of its window', async () => {
    const day2 = `${addDays(tomorrow.replace(/-/g, ''), 1).slice(0, 4)}-${addDays(tomorrow.replace(/-/g, ''), 1).slice(4, 6)}-${addDays(tomorrow.replace(/-/g, ''), 1).slice(6, 8)}`;
    moveTo(day2, 9 * 60 + 1);
    await runner.tick();
    const round = await server.ds.getRepository(InspectionRound).findOneByOrFail({ planId, periodKey: day2 });
    expect(round.status).toBe('pending');
    moveTo(day2, 11 * 60 + 1);
    await Promise.all([runner.tick(), runner.tick()]);
    const missed = await server.ds.getRepository(InspectionRound).findOneByOrFail({ id: round.id });
    expect(missed).toMatchObject({ status: 'missed', late: true });
    expect(missed.escalatedAt).not.toBeNull();
    const notes = await server.ds
      .getRepository(Notification)
      .findBy({ userId: w.staff.supervisorA1.id, type: 'inspection.missed' });
    expect(notes).toHaveLength(1);
    expect(notes[0].title).toBe('巡检漏检');

    const list = await server.api.get('/inspection-rounds?status=missed', { token: t.supervisorA1 });
    expect(list.body.map((r: { id: number; escalated: boolean }) => [r.id, r.escalated])).toEqual([[round.id, true]]);
    const report = await server.api.get(`/inspection-reports?from=${tomorrow}&to=${day2}`, { token: t.adminA });
    expect(report.status).toBe(200);
    expect(report.body.byTeam).toEqual([{ id: teamId, name: '巡检一组', due: 2, completed: 1, onTime: 1, rate: 0.5 }]);
    expect(report.body.byPoint.find((p: { id: number }) => p.id === pump.id)).toMatchObject({ due: 2, completed: 1 });
    expect(report.body.abnormal).toEqual([
      expect.objectContaining({
        roundId,
        pointId: pump.id,
        itemKey: 'leak',
        itemLabel: '无渗漏',
        note: '水泵底座渗水',
      }),
    ]);
    expect(
      (await server.api.get(`/inspection-reports?from=${tomorrow}&to=${day2}`, { token: t.adminB })).body.byTeam,
    ).toEqual([]);
    const badRange = await server.api.get(`/inspection-reports?from=${day2}&to=${tomorrow}`, { token: t.adminA });
    expect([badRange.status, badRange.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('planned maintenance: one P4 order now, or a recurring plan that files one per occurrence', async () => {
    const one = await server.api.post(
      '/maintenance-orders',
      { publicAreaId: w.areaA1.id, category: 'plumbing', description: '水泵季度保养' },
      { token: t.adminA, headers: { 'idempotency-key': 'maint-once-0001' } },
    );
    expect(one.status).toBe(201);
    expect(one.body.priority).toBe('P4');
    const replay = await server.api.post(
      '/maintenance-orders',
      { publicAreaId: w.areaA1.id, category: 'plumbing', description: '水泵季度保养' },
      { token: t.adminA, headers: { 'idempotency-key': 'maint-once-0001' } },
    );
    expect(replay.body.id).toBe(one.body.id);
    expect(
      (
        await server.api.post(
          '/maintenance-orders',
          { publicAreaId: w.areaA1.id, category: 'plumbing', description: 'x' },
          { token: t.adminB },
        )
      ).status,
    ).toBe(404);
    const today = chinaLocalTime(clock.now()).date;
    const plan = await server.api.post(
      '/inspection-plans',
      {
        kind: 'maintenance',
        communityId: w.a1.id,
        name: '水泵月度保养',
        frequency: 'monthly',
        dayOf: Number(today.slice(8, 10)) > 28 ? 1 : Number(today.slice(8, 10)),
        windowStart: 0,
        windowEnd: 1440,
        publicAreaId: w.areaA1.id,
        category: 'plumbing',
        startsOn: today,
      },
      { token: t.adminA },
    );
    expect(plan.status).toBe(201);
    const bad = await server.api.post(
      '/inspection-plans',
      {
        kind: 'maintenance',
        communityId: w.a1.id,
        name: 'x',
        frequency: 'daily',
        windowStart: 0,
        windowEnd: 60,
        category: 'nope',
        publicAreaId: w.areaA1.id,
      },
      { token: t.adminA },
    );
    expect([bad.status, bad.body.details?.[0]?.field]).toEqual([400, 'category']);
    if (Number(today.slice(8, 10)) > 28) return; // the occurrence is next month: nothing to file today
    await Promise.all([runner.tick(), runner.tick()]);
    await runner.tick();
    const rounds = await server.ds.getRepository(InspectionRound).findBy({ planId: plan.body.id });
    expect(rounds).toHaveLength(1);
    expect(rounds[0].status).toBe('completed');
    const order = await server.ds.getRepository(WorkOrder).findOneByOrFail({ id: rounds[0].workOrderId! });
    expect(order).toMatchObject({ priority: 'P4', publicAreaId: w.areaA1.id });
    expect(await server.ds.getRepository(WorkOrder).countBy({ description: order.description })).toBe(1);
    // Pausing cancels the next occurrence.
    const paused = await patch(`/inspection-plans/${plan.body.id}`, { active: false }, t.adminA);
    expect(paused.body).toMatchObject({ active: false, nextAt: null });
    expect(
      await server.ds
        .getRepository(ScheduledJob)
        .countBy({ kind: 'insp_generate', refId: plan.body.id, status: 'pending' }),
    ).toBe(0);
  });
});
