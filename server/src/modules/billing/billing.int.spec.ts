import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { PriceItem } from '../price-list/price-item.entity.js';
import { AUTO_CLOSE_JOB } from '../satisfaction/closed-loop.service.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { OrderBill } from './bill.entity.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe(`priced quotes and the capped bill (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let clock: Clock;
  let resident: string;
  let desk: string;
  let tech: string;
  let supervisor: string;
  let admin: string;
  let lockCore: number;
  let visit: number;
  let foreignItem: number;

  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const put = (path: string, body: object, token: string) => server.api.request('PUT', path, { token, body });
  const view = async (token: string, id: number) => (await server.api.get(`/work-orders/${id}`, { token })).body;
  const row = (id: number) => server.ds.getRepository(WorkOrder).findOneByOrFail({ id });
  const bill = (orderId: number) => server.ds.getRepository(OrderBill).findOneBy({ orderId });
  const resolveClock = async (id: number) =>
    ((await server.api.get(`/work-orders/${id}/sla`, { token: resident })).body as Array<Record<string, any>>).find(
      (c) => c.stage === 'resolve',
    )!;

  let filed = 0;
  /** An order of house A1 that techA1 is working on (in_progress). */
  const working = async (): Promise<number> => {
    const created = await server.api.post(
      '/work-orders',
      { category: 'other', description: `门锁坏了 ${++filed}`, houseId: w.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect((await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    for (const action of ['accept', 'arrive']) expect((await act(tech, id, { action })).status).toBe(200);
    return id;
  };
  const LIST_QUOTE = () => [
    { priceItemId: visit, quantity: 1 },
    { priceItemId: lockCore, quantity: 1 },
  ];
  /** A quote of 3,000 + 12,000 fen the resident approved. */
  const approved = async (): Promise<number> => {
    const id = await working();
    expect((await act(tech, id, { action: 'quote', quoteItems: LIST_QUOTE() })).status).toBe(200);
    expect((await act(resident, id, { action: 'approve_quote' })).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    tech = await loginStaff(server, w.staff.techA1);
    supervisor = await loginStaff(server, w.staff.supervisorA1);
    admin = await loginStaff(server, w.staff.adminA);
    const prices = server.ds.getRepository(PriceItem);
    const item = (
      companyId: number,
      communityId: number | null,
      kind: string,
      name: string,
      unit: string,
      priceFen: number,
    ) =>
      prices
        .save({ companyId, communityId, category: 'other', kind, name, unit, priceFen, sortOrder: 0 })
        .then((p) => p.id);
    visit = await item(w.companyA.id, null, 'labour', '上门维修', '次', 3000);
    lockCore = await item(w.companyA.id, w.a1.id, 'material', '入户门锁芯', '个', 12000);
    foreignItem = await item(w.companyB.id, null, 'material', '乙公司锁芯', '个', 100);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('priced quotes', () => {
    it('prices list lines on the server; a line above the list or off it needs a reason and is flagged', async () => {
      const id = await working();
      const before = await row(id);
      // 9,999.99 yuan for a 120-yuan lock core, no reason: refused, nothing changes.
      const dear = await act(tech, id, {
        action: 'quote',
        quoteItems: [{ priceItemId: lockCore, quantity: 1, unitPriceFen: 999_999 }],
      });
      expect(dear.status).toBe(400);
      expect(dear.body).toMatchObject({ code: 'QUOTE_REASON_REQUIRED', details: { line: 0, flag: 'over_list' } });
      const offList = await act(tech, id, {
        action: 'quote',
        quoteItems: [{ kind: 'material', name: '特制铰链', unit: '个', quantity: 2, unitPriceFen: 5000 }],
      });
      expect(offList.body).toMatchObject({ code: 'QUOTE_REASON_REQUIRED', details: { line: 0, flag: 'off_list' } });
      // Another company's item is not on this community's list.
      const foreign = await act(tech, id, { action: 'quote', quoteItems: [{ priceItemId: foreignItem, quantity: 1 }] });
      expect(foreign.body.code).toBe('QUOTE_ITEM_NOT_ON_LIST');
      // A price sent for a list line without a flag is the list's, whatever the client computed.
      expect(await row(id)).toMatchObject({ status: 'in_progress', version: before.version, quoteItems: null });

      const ok = await act(tech, id, {
        action: 'quote',
        quoteItems: [
          { priceItemId: visit, quantity: 1 },
          { priceItemId: lockCore, quantity: 1, unitPriceFen: 15000, reason: '进口锁芯，住户指定' },
          { kind: 'material', name: '特制铰链', unit: '个', quantity: 2, unitPriceFen: 5000, reason: '老式门，标准外' },
        ],
      });
      expect(ok.status).toBe(200);
      const seen = await view(resident, id);
      expect(seen.quote).toMatchObject({ state: 'resident', totalFen: 3000 + 15000 + 10000, flaggedCount: 2 });
      expect(seen.quote.items).toEqual([
        expect.objectContaining({ name: '上门维修', unit: '次', unitPriceFen: 3000, listPriceFen: 3000, flag: null }),
        expect.objectContaining({
          name: '入户门锁芯',
          unitPriceFen: 15000,
          listPriceFen: 12000,
          amountFen: 15000,
          flag: 'over_list',
          reason: '进口锁芯，住户指定',
        }),
        expect.objectContaining({ priceItemId: null, listPriceFen: null, amountFen: 10000, flag: 'off_list' }),
      ]);
      expect(seen.actions).toEqual(expect.arrayContaining(['approve_quote', 'reject_quote']));
    });

    it('the resolve clock stands still while the resident decides, with a visible reason, and moves its deadline', async () => {
      const id = await working();
      const running = await resolveClock(id);
      expect(running.status).toBe('running');
      await act(tech, id, { action: 'quote', quoteItems: LIST_QUOTE() });
      expect(await resolveClock(id)).toMatchObject({ status: 'paused', pauseReason: 'quote_resident' });
      clock.advance(90 * MIN);
      await act(resident, id, { action: 'approve_quote' });
      const resumed = await resolveClock(id);
      expect(resumed).toMatchObject({ status: 'running', pauseReason: null });
      expect(resumed.pausedSeconds).toBeGreaterThanOrEqual(90 * 60);
      expect(resumed.pausedSeconds).toBeLessThanOrEqual(90 * 60 + 2);
      expect(Date.parse(resumed.dueAt) - Date.parse(running.dueAt)).toBe(resumed.pausedSeconds * 1000);
      expect((await row(id)).slaDueAt?.toISOString()).toBe(resumed.dueAt);
    });

    it('rejecting needs a reason, which staff see; the clock runs again', async () => {
      const id = await working();
      await act(tech, id, { action: 'quote', quoteItems: LIST_QUOTE() });
      const bare = await act(resident, id, { action: 'reject_quote' });
      expect(bare.status).toBe(400);
      expect(bare.body.code).toBe('VALIDATION_FAILED');
      expect((await row(id)).status).toBe('quoted');
      const no = await act(resident, id, { action: 'reject_quote', reason: '价格太高，自己买锁芯' });
      expect(no.status).toBe(200);
      expect(no.body.status).toBe('in_progress');
      const staff = await view(tech, id);
      expect(staff.quote).toMatchObject({ state: 'rejected', approved: false, rejectReason: '价格太高，自己买锁芯' });
      expect(staff.timeline.at(-1)).toMatchObject({ action: 'reject_quote', note: '价格太高，自己买锁芯' });
      expect(await resolveClock(id)).toMatchObject({ status: 'running' });
      // Without an approved quote nothing can be billed; the repair may be done free.
      const billed = await act(tech, id, { action: 'complete', bill: { lines: [{ line: 0, quantity: 1 }] } });
      expect(billed.body.code).toBe('BILL_LINE_UNKNOWN');
    });

    it('concurrent approve and reject: one winner', async () => {
      const id = await working();
      await act(tech, id, { action: 'quote', quoteItems: LIST_QUOTE() });
      const answers = await Promise.all([
        act(resident, id, { action: 'approve_quote' }),
        act(resident, id, { action: 'reject_quote', reason: '不修了' }),
        act(resident, id, { action: 'approve_quote' }),
        act(resident, id, { action: 'reject_quote', reason: '太贵' }),
      ]);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(['VERSION_CONFLICT', 'TRANSITION_NOT_ALLOWED']).toContain(a.body.code);
      }
      const decided = await server.ds.query(
        "SELECT COUNT(*) AS n FROM work_order_event WHERE workOrderId = ? AND action IN ('approve_quote', 'reject_quote')",
        [id],
      );
      expect(Number(decided[0].n)).toBe(1);
    });
  });

  describe('the ceiling', () => {
    it('only admins set it, and it is audited', async () => {
      expect((await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: 10000 }, desk)).status).toBe(403);
      const bad = await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: -1 }, admin);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      const set = await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: 10000 }, admin);
      expect(set.body).toEqual({ communityId: w.a1.id, quoteCeilingFen: 10000 });
      expect((await server.api.get(`/fee-settings/${w.a1.id}`, { token: supervisor })).body.quoteCeilingFen).toBe(
        10000,
      );
      expect(
        await server.ds.getRepository(AuditLog).countBy({ entityType: 'fee_setting', entityId: w.a1.id }),
      ).toBeGreaterThanOrEqual(1);
      // Another company's community is not there.
      const b = await loginStaff(server, w.staff.adminB);
      expect((await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: 1 }, b)).status).toBe(404);
    });

    it('a quote above it waits for the supervisor; the resident sees and decides only after release', async () => {
      await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: 10000 }, admin);
      const id = await working();
      await act(tech, id, { action: 'quote', quoteItems: LIST_QUOTE() });
      expect(await resolveClock(id)).toMatchObject({ status: 'paused', pauseReason: 'quote_supervisor' });
      const hidden = await view(resident, id);
      expect(hidden.quote).toMatchObject({ state: 'supervisor', items: [], totalFen: 0 });
      expect(hidden.actions).not.toContain('approve_quote');
      const early = await act(resident, id, { action: 'approve_quote' });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('QUOTE_AWAITS_SUPERVISOR');
      // The technician cannot release their own quote; the supervisor can.
      expect((await act(tech, id, { action: 'release_quote' })).status).toBe(403);
      expect((await view(supervisor, id)).actions).toEqual(expect.arrayContaining(['release_quote', 'return_quote']));
      const released = await act(supervisor, id, { action: 'release_quote' });
      expect(released.status).toBe(200);
      expect(released.body.status).toBe('quoted');
      expect(await resolveClock(id)).toMatchObject({ status: 'paused', pauseReason: 'quote_resident' });
      const visible = await view(resident, id);
      expect(visible.quote).toMatchObject({ state: 'resident', totalFen: 15000 });
      expect(visible.quote.items).toHaveLength(2);
      expect((await act(supervisor, id, { action: 'release_quote' })).body.code).toBe('TRANSITION_NOT_ALLOWED');
      expect((await act(resident, id, { action: 'approve_quote' })).status).toBe(200);
      await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: null }, admin);
    });

    it('the supervisor may return it with a reason: back to the technician, clock running', async () => {
      await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: 10000 }, admin);
      const id = await working();
      await act(tech, id, { action: 'quote', quoteItems: LIST_QUOTE() });
      expect((await act(supervisor, id, { action: 'return_quote' })).body.code).toBe('VALIDATION_FAILED');
      const back = await act(supervisor, id, { action: 'return_quote', reason: '锁芯用标准款' });
      expect(back.body).toMatchObject({ status: 'in_progress', quote: { state: 'returned' } });
      expect(await resolveClock(id)).toMatchObject({ status: 'running' });
      await put(`/fee-settings/${w.a1.id}`, { quoteCeilingFen: null }, admin);
    });
  });

  describe('the bill', () => {
    it('is never above the approved quote; a larger one needs a new quote the resident approves', async () => {
      const id = await approved();
      const none = await act(tech, id, { action: 'complete' });
      expect(none.status).toBe(400);
      expect(none.body.code).toBe('BILL_REQUIRED');
      const over = await act(tech, id, {
        action: 'complete',
        bill: {
          lines: [
            { line: 0, quantity: 1 },
            { line: 1, quantity: 2 },
          ],
        },
      });
      expect(over.status).toBe(409);
      expect(over.body).toMatchObject({
        code: 'BILL_OVER_QUOTE',
        details: { totalFen: 27000, approvedQuoteFen: 15000 },
      });
      expect(await row(id)).toMatchObject({ status: 'in_progress' });
      expect(await bill(id)).toBeNull();
      // The re-quote: two lock cores, approved again, then billed.
      await act(tech, id, {
        action: 'quote',
        quoteItems: [
          { priceItemId: visit, quantity: 1 },
          { priceItemId: lockCore, quantity: 2 },
        ],
      });
      await act(resident, id, { action: 'approve_quote' });
      const done = await act(tech, id, {
        action: 'complete',
        bill: {
          lines: [
            { line: 0, quantity: 1 },
            { line: 1, quantity: 2 },
          ],
        },
      });
      expect(done.status).toBe(200);
      expect(done.body.bill).toMatchObject({ status: 'unpaid', totalFen: 27000, approvedQuoteFen: 27000, paidFen: 0 });
      expect((await view(resident, id)).bill.lines).toEqual([
        {
          priceItemId: visit,
          name: '上门维修',
          kind: 'labour',
          unit: '次',
          unitPriceFen: 3000,
          quantity: 1,
          amountFen: 3000,
        },
        {
          priceItemId: lockCore,
          name: '入户门锁芯',
          kind: 'material',
          unit: '个',
          unitPriceFen: 12000,
          quantity: 2,
          amountFen: 24000,
        },
      ]);
    });

    it('a free repair is explicit: status free, nothing to pay, the order closes', async () => {
      const id = await approved();
      const done = await act(tech, id, { action: 'complete', free: true });
      expect(done.body.bill).toMatchObject({ status: 'free', totalFen: 0, dueFen: 0 });
      expect((await act(resident, id, { action: 'confirm' })).body.status).toBe('closed');
      // Without a quote a technician may also say so.
      const plain = await working();
      expect((await act(tech, plain, { action: 'complete', free: true })).body.bill.status).toBe('free');
      const nothing = await working();
      expect((await act(tech, nothing, { action: 'complete' })).body.bill).toBeNull();
    });

    it('an unpaid bill blocks every close: confirm, the rating, the auto-close timer', async () => {
      const id = await approved();
      await act(tech, id, { action: 'complete', bill: { lines: [{ line: 0, quantity: 1 }] } });
      const confirm = await act(resident, id, { action: 'confirm' });
      expect(confirm.status).toBe(409);
      expect(confirm.body).toMatchObject({ code: 'BILL_UNPAID', details: { dueFen: 3000 } });
      const rating = await server.api.post(`/work-orders/${id}/rating`, { stars: 5, fixed: true }, { token: resident });
      expect(rating.body.code).toBe('BILL_UNPAID');
      clock.advance(server.config.ratingWindowDays * DAY + MIN);
      await server.app.get(JobRunner).tick();
      expect((await row(id)).status).toBe('completed');
      const pending = await server.ds
        .getRepository(ScheduledJob)
        .findBy({ kind: AUTO_CLOSE_JOB, workOrderId: id, status: 'pending' });
      expect(pending).toHaveLength(1);
      expect(pending[0].dueAt.getTime()).toBeGreaterThan(clock.now().getTime() + DAY - 2 * MIN);

      // The desk waives it (a technician may not); audited, shown on the order; the timer closes it.
      expect(
        (await server.api.post(`/work-orders/${id}/bill/waive`, { reason: '物业承担' }, { token: tech })).status,
      ).toBe(403);
      expect((await server.api.post(`/work-orders/${id}/bill/waive`, {}, { token: desk })).body.code).toBe(
        'VALIDATION_FAILED',
      );
      const waived = await server.api.post(`/work-orders/${id}/bill/waive`, { reason: '物业承担' }, { token: desk });
      expect(waived.status).toBe(200);
      expect(waived.body).toMatchObject({
        status: 'waived',
        waivedReason: '物业承担',
        waivedBy: { id: w.staff.deskA1.id },
        dueFen: 0,
      });
      const audit = await server.ds
        .getRepository(AuditLog)
        .findOneByOrFail({ entityType: 'order_bill', entityId: waived.body.id });
      expect(audit).toMatchObject({ actorId: w.staff.deskA1.id, action: 'update' });
      expect(audit.after).toMatchObject({ status: 'waived', waivedReason: '物业承担' });
      expect((await view(resident, id)).bill).toMatchObject({ status: 'waived', waivedReason: '物业承担' });
      clock.advance(DAY + MIN);
      await server.app.get(JobRunner).tick();
      expect((await row(id)).status).toBe('closed');
    });

    it('concurrent waives: one winner, one audit entry', async () => {
      const id = await approved();
      await act(tech, id, { action: 'complete', bill: { lines: [{ line: 1, quantity: 1 }] } });
      const answers = await Promise.all(
        ['甲', '乙', '丙', '丁'].map((r) =>
          server.api.post(`/work-orders/${id}/bill/waive`, { reason: `减免${r}` }, { token: desk }),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(['BILL_NOT_UNPAID', 'VERSION_CONFLICT']).toContain(a.body.code);
      }
      const b = (await bill(id))!;
      expect(await server.ds.getRepository(AuditLog).countBy({ entityType: 'order_bill', entityId: b.id })).toBe(1);
      expect(b.version).toBe(2);
    });
  });
});
