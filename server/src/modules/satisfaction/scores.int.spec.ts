/**
 * The scores API on a small world whose numbers are worked out by hand below, the exports read
 * back (CSV split into lines, xlsx opened with exceljs), and who may see what.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { Community } from '../places/place.entities.js';
import { SlaClockRow } from '../sla/sla.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { RollupQueue } from './rollup-queue.js';
import { Rating, RollupDirty } from './satisfaction.entities.js';

const MIN = 60_000;

interface Spec {
  communityId: number;
  houseId: number;
  category: string;
  /** China local time, e.g. '2026-10-05 09:00'. */
  created: string;
  acceptAfterMin: number;
  /** Accept clock target; met when accepted within it. */
  acceptTargetMin?: number;
  techId: number;
  rating?: {
    stars: number;
    at: string;
    dims?: Partial<Record<'speed' | 'workmanship' | 'attitude' | 'communication', number>>;
  };
  unrated?: boolean;
  kind?: string;
}

const china = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

describe(`satisfaction scores API (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const t: Record<string, string> = {};
  const days = new Set<string>();
  let seq = 0;

  async function order(s: Spec): Promise<number> {
    const created = china(s.created);
    const accepted = new Date(created.getTime() + s.acceptAfterMin * MIN);
    const completed = new Date(accepted.getTime() + 60 * MIN);
    const closed = s.rating ? china(s.rating.at) : s.unrated ? new Date(completed.getTime() + 7 * 24 * 60 * MIN) : null;
    const res = await server.ds.getRepository(WorkOrder).insert({
      no: `T-${++seq}`,
      companyId: w.companyA.id,
      communityId: s.communityId,
      houseId: s.houseId,
      publicAreaId: null,
      kind: s.kind ?? 'repair',
      channel: 'phone',
      category: s.category,
      priority: 'P3',
      status: closed ? 'closed' : 'completed',
      description: s.kind === 'complaint' ? '=投诉, "态度差"' : '水管漏水',
      reporterId: null,
      createdById: w.staff.deskA1.id,
      assigneeId: s.techId,
      preferredTime: null,
      photoIds: [],
      quoteItems: null,
      quoteTotalFen: null,
      quoteApproved: null,
      urgeCount: 0,
      reopenCount: 0,
      routingState: null,
      excludedUserIds: null,
      refusalCount: 0,
      offerExpiresAt: null,
      slaDueAt: null,
      repeatOfId: null,
      acceptedAt: accepted,
      arrivedAt: new Date(accepted.getTime() + 30 * MIN),
      firstCompletedAt: completed,
      visits: 1,
      completedById: s.techId,
      ratingStars: s.rating?.stars ?? null,
      unrated: s.unrated ?? false,
      version: 1,
      completedAt: completed,
      closedAt: closed,
      createdAt: created,
      updatedAt: created,
    });
    const id = Number(res.identifiers[0].id);
    const target = s.acceptTargetMin ?? 30;
    await server.ds.getRepository(SlaClockRow).insert({
      workOrderId: id,
      cycle: 0,
      stage: 'accept',
      startedAt: created,
      targetMinutes: target,
      calendar: null,
      pausedSeconds: 0,
      pausedSince: null,
      pauseReason: null,
      dueAt: new Date(created.getTime() + target * MIN),
      status: 'stopped',
      level: 0,
      stoppedAt: accepted,
      breachedAt: null,
    });
    if (s.rating) {
      await server.ds.getRepository(Rating).insert({
        workOrderId: id,
        raterId: w.residents.resA1.id,
        companyId: w.companyA.id,
        stars: s.rating.stars,
        speed: s.rating.dims?.speed ?? null,
        workmanship: s.rating.dims?.workmanship ?? null,
        attitude: s.rating.dims?.attitude ?? null,
        communication: s.rating.dims?.communication ?? null,
        fixed: s.rating.stars >= 3,
        tags: [],
        comment: null,
        createdAt: china(s.rating.at),
      });
    }
    for (const at of [created, accepted, completed, ...(s.rating ? [china(s.rating.at)] : [])]) {
      days.add(`${s.communityId}:${at.toISOString()}`);
    }
    return id;
  }

  /** Mark the days the inserted rows touch, as the events would have, and run the rollup jobs. */
  async function rollUp() {
    const queue = server.app.get(RollupQueue);
    await server.ds.transaction(async (em) => {
      for (const key of days) {
        const [community, at] = key.split(/:(.*)/s);
        await queue.markDirty(em, Number(community), new Date(at));
      }
    });
    days.clear();
    for (let i = 0; i < 10; i++) {
      const fired = await server.app.get(JobRunner).tick();
      if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) return;
    }
  }

  const get = (path: string, token: string) => server.api.get(path, { token });
  const OCT = 'from=2026-10-01&to=2026-10-31';
  const SEP = 'from=2026-09-01&to=2026-09-30';

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    await server.ds.getRepository(Community).update({ id: w.a1.id }, { households: 500 });
    await server.ds.getRepository(Community).update({ id: w.a2.id }, { households: 300 });
    const a1 = { communityId: w.a1.id, houseId: w.houseA1.id, category: 'plumbing', techId: w.staff.techA1.id };

    // October, A1, plumbing, techA1: four orders created 10-05 and accepted after 10, 20, 30 and
    // 40 minutes (target 30: three met, one breached), rated 5, 4 and 1 stars on 10-06; the
    // fourth closed unrated.
    await order({
      ...a1,
      created: '2026-10-05 09:00',
      acceptAfterMin: 10,
      rating: { stars: 5, at: '2026-10-06 10:00', dims: { speed: 5, workmanship: 5 } },
    });
    await order({
      ...a1,
      created: '2026-10-05 10:00',
      acceptAfterMin: 20,
      rating: { stars: 4, at: '2026-10-06 11:00', dims: { speed: 4 } },
    });
    await order({
      ...a1,
      created: '2026-10-05 11:00',
      acceptAfterMin: 30,
      rating: { stars: 1, at: '2026-10-06 12:00', dims: { speed: 1, workmanship: 2 } },
    });
    await order({ ...a1, created: '2026-10-05 12:00', acceptAfterMin: 40, unrated: true, kind: 'complaint' });
    // October, A1, electrical, techA1b: two orders, both closed unrated.
    for (const created of ['2026-10-07 09:00', '2026-10-08 09:00']) {
      await order({
        ...a1,
        category: 'electrical',
        techId: w.staff.techA1b.id,
        created,
        acceptAfterMin: 5,
        unrated: true,
      });
    }
    // October, A2, techA2: two five-star ratings.
    for (const created of ['2026-10-10 09:00', '2026-10-11 09:00']) {
      await order({
        communityId: w.a2.id,
        houseId: w.houseA2.id,
        category: 'plumbing',
        techId: w.staff.techA2.id,
        created,
        acceptAfterMin: 5,
        rating: { stars: 5, at: created.replace('09:00', '20:00') },
      });
    }
    // September, A1, plumbing on houseA1b: techA1b rated 4 stars twelve times, techA1 5 stars three times.
    for (let i = 1; i <= 15; i++) {
      const day = String(i).padStart(2, '0');
      const tech = i <= 12 ? w.staff.techA1b.id : w.staff.techA1.id;
      await order({
        ...a1,
        houseId: w.houseA1b.id,
        techId: tech,
        created: `2026-09-${day} 09:00`,
        acceptAfterMin: 5,
        rating: { stars: i <= 12 ? 4 : 5, at: `2026-09-${day} 18:00` },
      });
    }
    await rollUp();

    t.resA1 = await loginResident(server, 'code-res-a1');
    for (const name of ['adminA', 'supervisorA1', 'deskA1', 'deskA2', 'techA1', 'adminB'] as const) {
      t[name] = await loginStaff(server, w.staff[name]);
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('summarises a community: CSAT with its Wilson interval, the index chain, rates, SLA and durations', async () => {
    const res = await get(`/satisfaction/summary?${OCT}&communityId=${w.a1.id}&category=plumbing`, t.adminA);
    expect(res.status).toBe(200);
    const s = res.body;
    // CSAT = 2 of 3 ratings are 4-5 stars. Wilson 95%, z = 1.959963984540054, z² = 3.841459:
    //   centre = (2/3 + z²/6) / (1 + z²/3) = 1.306910 / 2.280486 = 0.573084
    //   half   = z / 2.280486 · sqrt((2/3)(1/3)/3 + z²/36) = 0.859448 · 0.425185 = 0.365424
    //   -> [0.207660, 0.938508]
    expect(s.csat.value).toBeCloseTo(2 / 3, 12);
    expect(s.csat.interval.low).toBeCloseTo(0.2076596008, 9);
    expect(s.csat.interval.high).toBeCloseTo(0.9385080553, 9);
    // 3 rated of 4 completed (the fourth closed unrated).
    expect(s.responseRate).toBe(0.75);
    expect(s.counts).toMatchObject({
      created: 4,
      completed: 4,
      rated: 3,
      satisfied: 2,
      closedUnrated: 1,
      complaints: 1,
    });
    // Index: scores 100, 75, 0 (sum 175). Company (A1 + A2: 100, 75, 0, 100, 100) mean 75 is the
    // top prior; community A1 = (10·75 + 175) / (10 + 3) = 71.153846; the plumbing slice of A1
    // (the same three ratings) = (10·71.153846 + 175) / 13 = 68.195266.
    expect(s.index.chain.map((l: { level: string }) => l.level)).toEqual(['company', 'community', 'slice']);
    expect(s.index.chain[0].index).toBeCloseTo(75, 9);
    expect(s.index.chain[1].index).toBeCloseTo(925 / 13, 9);
    expect(s.index.value).toBeCloseTo((10 * (925 / 13) + 175) / 13, 9);
    expect(s.index.mean).toBeCloseTo(175 / 3, 9);
    expect(s.index.effectiveN).toBe(3);
    // Index interval (shrunkIndexInterval): scores 100, 75, 0: s² = (15625/3 − (175/3)²) · 3/2,
    // half = z · 3/13 · s / √3 around the index.
    const spread = Math.sqrt((15625 / 3 - (175 / 3) ** 2) * 1.5);
    const half = 1.959963984540054 * (3 / 13) * (spread / Math.sqrt(3));
    expect(s.index.interval.low).toBeCloseTo(s.index.value - half, 9);
    expect(s.index.interval.high).toBeCloseTo(s.index.value + half, 9);
    // Accept clocks: 10, 20, 30 min within the 30-min target, 40 not.
    expect(s.sla.accept).toEqual({ met: 3, total: 4, compliance: 0.75 });
    // Time to accept 10, 20, 30, 40 min: median 25; P90 (type 7): h = 3·0.9 = 2.7 -> 30 + 0.7·10 = 37.
    expect(s.durations.accept).toEqual({ n: 4, medianMinutes: 25, p90Minutes: 37 });
    expect(s.firstTimeFixRate).toBe(1);
    expect(s.dimensions.speed).toEqual({ n: 3, mean: 10 / 3 });
    expect(s.dimensions.attitude).toEqual({ n: 0, mean: null });
    // One complaint among the 500 households of A1.
    expect(s.households).toBe(500);
    expect(s.complaintsPer1000Households).toBe(2);
  });

  it('shrinks a technician towards community and company; rolling views decay old ratings', async () => {
    const res = await get(
      `/satisfaction/summary?${OCT}&communityId=${w.a1.id}&technicianId=${w.staff.techA1.id}`,
      t.adminA,
    );
    expect(res.status).toBe(200);
    expect(res.body.index.chain.map((l: { level: string }) => l.level)).toEqual(['company', 'community', 'technician']);
    expect(res.body.index.value).toBeCloseTo((10 * (925 / 13) + 175) / 13, 9);
    expect(res.body.complaintsPer1000Households).toBeNull();
    // Rolling as of 2026-10-06 + 90 days: each of the three ratings (given 10-06) weighs 1/2.
    const rolling = await get(
      `/satisfaction/summary?${OCT}&communityId=${w.a1.id}&category=plumbing&rolling=true&asOf=2027-01-04`,
      t.adminA,
    );
    expect(rolling.status).toBe(200);
    const chain = rolling.body.index.chain;
    // Company: A2's ratings (10-10, 10-11) are younger and weigh more than A1's.
    const wA2 = [2 ** (-86 / 90), 2 ** (-85 / 90)];
    const companyMean = (0.5 * 175 + 100 * (wA2[0] + wA2[1])) / (1.5 + wA2[0] + wA2[1]);
    expect(chain[0].index).toBeCloseTo(companyMean, 9);
    expect(chain[1].index).toBeCloseTo((10 * companyMean + 0.5 * 175) / (10 + 1.5), 9);
    expect(rolling.body.index.effectiveN).toBeCloseTo(3, 9); // equal weights: Kish n = n
    expect(rolling.body.csat.value).toBeCloseTo(2 / 3, 12); // CSAT counts ratings, undecayed
  });

  it('an all-unrated slice has no CSAT and a response rate of 0; its index is the prior', async () => {
    const res = await get(`/satisfaction/summary?${OCT}&communityId=${w.a1.id}&category=electrical`, t.adminA);
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ completed: 2, rated: 0, closedUnrated: 2 });
    expect(res.body.csat).toEqual({ value: null, interval: null });
    expect(res.body.responseRate).toBe(0);
    expect(res.body.index.mean).toBeNull();
    expect(res.body.index.effectiveN).toBe(0);
    expect(res.body.index.value).toBeCloseTo(925 / 13, 9);
  });

  it('ranks technicians fairly and gives no rank below an effective sample of 10', async () => {
    const res = await get(`/satisfaction/breakdown?${SEP}&communityId=${w.a1.id}&by=technician`, t.supervisorA1);
    expect(res.status).toBe(200);
    const rows = res.body.rows as Array<Record<string, any>>;
    expect(rows.map((r) => [r.key, r.counts.rated, r.rank, r.enoughData])).toEqual([
      [w.staff.techA1b.id, 12, 1, true],
      [w.staff.techA1.id, 3, null, false],
    ]);
    // Company plumbing mean in September: (12·75 + 3·100) / 15 = 80.
    expect(rows[0].fair).toEqual({ n: 12, actual: 75, expected: 80, delta: -5 });
    expect(rows[1].fair.delta).toBeCloseTo(20, 9);
    expect(rows[0].label).toBe(w.staff.techA1b.name);
  });

  it('breaks down by team, category, building and month', async () => {
    for (const by of ['team', 'category', 'building', 'month']) {
      const res = await get(`/satisfaction/breakdown?from=2026-09-01&to=2026-10-31&by=${by}`, t.adminA);
      expect([by, res.status]).toEqual([by, 200]);
      const rated = (res.body.rows as Array<{ counts: { rated: number } }>).reduce((n, r) => n + r.counts.rated, 0);
      expect([by, rated]).toEqual([by, 20]);
    }
    const months = await get('/satisfaction/breakdown?from=2026-09-01&to=2026-10-31&by=month', t.adminA);
    expect(
      months.body.rows.map((r: { label: string; counts: { created: number } }) => [r.label, r.counts.created]),
    ).toEqual([
      ['2026-09', 15],
      ['2026-10', 8],
    ]);
    for (const r of months.body.rows as Array<{ index: number; indexInterval: { low: number; high: number } }>) {
      expect(r.indexInterval.low).toBeLessThanOrEqual(r.index);
      expect(r.indexInterval.high).toBeGreaterThanOrEqual(r.index);
    }
  });

  it('reports key drivers over the period ratings and category x building hotspots with their trend', async () => {
    const drivers = await get(`/satisfaction/drivers?${OCT}`, t.adminA);
    expect(drivers.status).toBe(200);
    expect(drivers.body.ratings).toBe(5);
    expect(drivers.body.drivers.map((d: { dimension: string }) => d.dimension).sort()).toEqual([
      'attitude',
      'communication',
      'speed',
      'workmanship',
    ]);
    const speed = drivers.body.drivers.find((d: { dimension: string }) => d.dimension === 'speed');
    expect(speed).toMatchObject({ n: 3, label: '响应速度' });
    expect(speed.correlation).toBeGreaterThan(0.9);

    const hot = await get(`/satisfaction/hotspots?${OCT}&communityId=${w.a1.id}`, t.deskA1);
    expect(hot.status).toBe(200);
    expect(hot.body.previous).toEqual({ from: '2026-08-31', to: '2026-09-30' });
    const row = (building: number, category: string) =>
      hot.body.rows.find(
        (r: { buildingId: number; category: string }) => r.buildingId === building && r.category === category,
      );
    expect(row(w.houseA1.buildingId, 'plumbing')).toMatchObject({
      categoryName: '水管漏水',
      complaints: 1,
      trend: { current: 4, previous: 0, change: 4, changePct: null },
    });
    expect(row(w.houseA1b.buildingId, 'plumbing').trend).toEqual({
      current: 0,
      previous: 15,
      change: -15,
      changePct: -100,
    });
    expect(hot.body.rows[0].trend.current).toBe(4);
  });

  it('exports orders as CSV (with BOM, Chinese headers) and xlsx, and scores as xlsx', async () => {
    const csv = await fetch(`${server.url}/api/exports/orders.csv?${OCT}&communityId=${w.a1.id}`, {
      headers: { authorization: `Bearer ${t.supervisorA1}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('orders-2026-10-01_2026-10-31');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 6);
    expect(lines[0].split(',').slice(0, 3)).toEqual(['工单号', '小区', '楼栋']);
    const header = lines[0].split(',');
    const first = lines[1].split(',');
    expect(first[header.indexOf('工单号')]).toBe('T-1');
    expect(first[header.indexOf('评价星级')]).toBe('5');
    expect(first[header.indexOf('报修时间')]).toBe('2026-10-05 09:00');
    // A complaint's description: quoted (comma, quotes) and defused (leading '=').
    expect(lines[4]).toContain(`"'=投诉, ""态度差"""`);

    const xlsx = await fetch(`${server.url}/api/exports/orders.xlsx?${OCT}`, {
      headers: { authorization: `Bearer ${t.adminA}` },
    });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.getWorksheet('工单')!;
    expect(sheet.rowCount).toBe(1 + 8);
    expect(sheet.getRow(1).getCell(1).value).toBe('工单号');
    expect(sheet.getRow(2).getCell(1).value).toBe('T-1');
    // The same description in Excel: a plain string cell (no formula), defused as in the CSV.
    const cells: ExcelJS.Cell[] = [];
    sheet.eachRow((r) => r.eachCell((c) => cells.push(c)));
    const complaint = cells.filter((c) => typeof c.value === 'string' && c.value.includes('=投诉'));
    expect(complaint.map((c) => [c.type, c.value])).toEqual([[ExcelJS.ValueType.String, `'=投诉, "态度差"`]]);
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);

    // The work-order list's filters narrow the export too (what the console's table shows).
    const csvOf = async (query: string) => {
      const res = await fetch(`${server.url}/api/exports/orders.csv?${OCT}&${query}`, {
        headers: { authorization: `Bearer ${t.adminA}` },
      });
      expect([query, res.status]).toEqual([query, 200]);
      const text = Buffer.from(await res.arrayBuffer())
        .toString('utf8')
        .slice(1);
      return text.split('\r\n').filter(Boolean).length - 1;
    };
    const [all, plumbing, complaints, closed] = await Promise.all([
      csvOf(`communityId=${w.a1.id}`),
      csvOf(`communityId=${w.a1.id}&category=plumbing`),
      csvOf(`communityId=${w.a1.id}&kind=complaint`),
      csvOf(`communityId=${w.a1.id}&status=closed,cancelled`),
    ]);
    expect(all).toBe(6);
    expect(plumbing).toBe(4); // the four plumbing orders of A1 in October (summary test)
    expect(complaints).toBe(1);
    expect(closed).toBeLessThanOrEqual(all);
    const bad = await fetch(`${server.url}/api/exports/orders.csv?${OCT}&status=nope`, {
      headers: { authorization: `Bearer ${t.adminA}` },
    });
    expect(bad.status).toBe(400);

    const scores = await fetch(`${server.url}/api/exports/scores.xlsx?${SEP}&by=technician`, {
      headers: { authorization: `Bearer ${t.adminA}` },
    });
    expect(scores.status).toBe(200);
    const book2 = new ExcelJS.Workbook();
    await book2.xlsx.load(await scores.arrayBuffer());
    expect(book2.worksheets.map((s) => s.name)).toEqual(['汇总', '分组']);
    const rows = book2.getWorksheet('分组')!;
    expect(rows.rowCount).toBe(3);
    expect(rows.getRow(2).getCell(1).value).toBe(w.staff.techA1b.name);
    expect(rows.getRow(3).getCell(rows.columnCount).value).toBe('数据不足');
  });

  it('lets only office staff of the company see scores, desk and supervisors their communities only', async () => {
    const q = `/satisfaction/summary?${OCT}&communityId=${w.a1.id}`;
    expect((await get(q, t.resA1)).status).toBe(403);
    expect((await get(q, t.techA1)).status).toBe(403);
    expect((await get(q, t.adminB)).status).toBe(404);
    expect((await get(q, t.deskA2)).status).toBe(404);
    expect((await get(q, t.deskA1)).status).toBe(200);
    // Without a community, desk staff see their communities only: A1's 3 October ratings, not A2's.
    const mine = await get(`/satisfaction/summary?${OCT}`, t.deskA1);
    expect(mine.body.counts.rated).toBe(3);
    expect((await get(`/satisfaction/summary?${OCT}`, t.adminA)).body.counts.rated).toBe(5);
    // Ids of another community or company are not found.
    expect((await get(`${q}&buildingId=${w.houseA2.buildingId}`, t.adminA)).status).toBe(404);
    expect((await get(`/satisfaction/summary?${OCT}&technicianId=${w.staff.techB1.id}`, t.adminA)).status).toBe(404);
    expect((await get(`/satisfaction/breakdown?${OCT}&by=team&teamId=999999`, t.adminA)).status).toBe(404);
    expect((await get(`/satisfaction/summary?${OCT}&category=gardening`, t.adminA)).status).toBe(404);
    // Exports: supervisors and admins only, and only their communities.
    const exp = (path: string, token: string) =>
      fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await exp(`/exports/orders.csv?${OCT}`, t.deskA1)).status).toBe(403);
    expect((await exp(`/exports/orders.csv?${OCT}`, t.resA1)).status).toBe(403);
    expect((await exp(`/exports/orders.xlsx?${OCT}&communityId=${w.a1.id}`, t.adminB)).status).toBe(404);
    expect((await exp(`/exports/scores.xlsx?${OCT}&by=team&communityId=${w.a2.id}`, t.supervisorA1)).status).toBe(404);
  });

  it('validates periods and parameters with VALIDATION_FAILED details', async () => {
    const bad = async (query: string, field: string) => {
      const res = await get(`/satisfaction/${query}`, t.adminA);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad('summary?from=2026-13-01&to=2026-12-31', 'from');
    await bad('summary?from=2026-10-01', 'to');
    await bad('summary?from=2026-10-31&to=2026-10-01', 'to');
    await bad('summary?from=2023-01-01&to=2026-10-01', 'to');
    await bad('summary?from=2026-10-01&to=2026-10-31&asOf=2026-10-30', 'asOf');
    await bad('summary?from=2026-10-01&to=2026-10-31&communityId=abc', 'communityId');
    await bad('summary?from=2026-10-01&to=2026-10-31&rolling=yes', 'rolling');
    await bad('summary?from=2026-10-01&to=2026-10-31&sort=x', 'sort');
    await bad('breakdown?from=2026-10-01&to=2026-10-31&by=resident', 'by');
    await bad('hotspots?from=2026-10-01&to=2026-10-31&limit=0', 'limit');
    const res = await fetch(`${server.url}/api/exports/orders.csv?from=2026-10-31&to=2026-10-01`, {
      headers: { authorization: `Bearer ${t.adminA}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });
});
