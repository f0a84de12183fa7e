// The demo data's dashboard must be believable (docs/satisfaction.md "The demo data"): the real
// server seeds the demo, the rollup jobs run, and every figure the console's dashboard shows
// is checked against the ranges a real property company sees, over real HTTP.
import { chinaDay, dayKeyToDate } from '@linli/shared';
import { JobRunner } from '../../modules/jobs/job-runner.service.js';
import { RollupDirty } from '../../modules/satisfaction/satisfaction.entities.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

describe('demo data: plausible dashboard figures', () => {
  let server: TestServer;
  let token: string;
  const now = new Date();
  const day = (d: Date) => dayKeyToDate(chinaDay(d));
  const period = `from=${day(new Date(now.getTime() - 89 * 86400_000))}&to=${day(now)}`;
  const get = async (p: string) => {
    const res = await server.api.get(p, { token });
    if (res.status !== 200) throw new Error(`${p}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SEED_DEMO: 'true' } });
    const runner = server.app.get(JobRunner);
    for (let i = 0; i < 50; i++) {
      const fired = await runner.tick();
      if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) break;
    }
    const login = await server.api.post('/auth/password', { username: 'admin', password: 'linli-demo' });
    expect(login.status).toBe(200);
    token = login.body.token;
  }, 120000);
  afterAll(() => server?.close());

  it('company and community summaries are in realistic ranges', async () => {
    const communities = (await get('/communities')) as Array<{ id: number; households: number }>;
    expect(communities.length).toBe(2);
    const scopes = [
      await get(`/satisfaction/summary?${period}`),
      ...(await Promise.all(communities.map((c) => get(`/satisfaction/summary?${period}&communityId=${c.id}`)))),
    ];
    if (process.env.DEMO_PRINT)
      console.log(
        JSON.stringify(
          scopes.map((s) => ({
            index: s.index.value,
            n: s.index.effectiveN,
            csat: s.csat.value,
            rr: s.responseRate,
            ftf: s.firstTimeFixRate,
            rep: s.repeatRate,
            reo: s.reopenRate,
            c: s.complaintsPer1000Households,
            sla: s.sla.overall.compliance,
            d: s.durations,
            mean: s.meanStars,
          })),
        ),
      );
    for (const s of scopes) {
      expect(s.counts.created).toBeGreaterThan(50);
      expect(s.repeatRate).toBeGreaterThan(0);
      expect(s.repeatRate).toBeLessThan(0.15);
      expect(s.firstTimeFixRate).toBeGreaterThanOrEqual(0.8);
      expect(s.firstTimeFixRate).toBeLessThanOrEqual(0.95);
      expect(s.reopenRate).toBeGreaterThan(0);
      expect(s.reopenRate).toBeLessThan(0.2);
      expect(s.csat.value).toBeGreaterThan(0.65);
      expect(s.csat.value).toBeLessThan(0.95);
      expect(s.responseRate).toBeGreaterThan(0.4);
      expect(s.responseRate).toBeLessThan(0.9);
      expect(s.index.value).toBeGreaterThan(60);
      expect(s.index.value).toBeLessThan(92);
      // Complaints: a few a month per 1,000 households; the period is 90 days.
      expect(s.complaintsPer1000Households).toBeGreaterThan(0);
      expect(s.complaintsPer1000Households / 3).toBeLessThan(10);
      for (const stage of ['accept', 'arrive', 'resolve'] as const) {
        const d = s.durations[stage];
        expect(d.n).toBeGreaterThan(20);
        expect(d.medianMinutes).toBeGreaterThan(0);
        expect(d.p90Minutes).toBeGreaterThan(d.medianMinutes * 1.5);
      }
      expect(s.durations.accept.medianMinutes).toBeLessThan(s.durations.arrive.medianMinutes);
      expect(s.durations.arrive.medianMinutes).toBeLessThan(s.durations.resolve.medianMinutes);
      expect(s.sla.overall.compliance).toBeGreaterThan(0.6);
      expect(s.sla.overall.compliance).toBeLessThan(1);
    }
    // The index differs between scopes, and is not a round 75.
    const indexes = scopes.map((s) => s.index.value);
    expect(new Set(indexes).size).toBe(indexes.length);
    for (const v of indexes) expect(v).not.toBe(75);
  });

  it('has an open backlog: orders waiting, assigned, accepted and in progress', async () => {
    for (const status of ['assigned,accepted', 'in_progress,paused,on_the_way', 'completed']) {
      const page = await get(`/work-orders?status=${status}&pageSize=1`);
      expect([status, page.total > 0]).toEqual([status, true]);
    }
  });

  it('ratings have a realistic star mix that varies by technician', async () => {
    const techs = await get(`/satisfaction/breakdown?by=technician&${period}`);
    const rated = techs.rows.filter((r: any) => r.counts.rated >= 5);
    expect(rated.length).toBeGreaterThanOrEqual(4);
    const means = rated.map((r: any) => r.meanStars as number);
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.2);
    const company = await get(`/satisfaction/summary?${period}`);
    expect(company.meanStars).toBeGreaterThan(3.8);
    expect(company.meanStars).toBeLessThan(4.7);
    // Not everyone is satisfied, not everyone unhappy.
    expect(company.counts.satisfied).toBeLessThan(company.counts.rated);
    const months = await get(`/satisfaction/breakdown?by=month&${period}`);
    expect(new Set(months.rows.map((r: any) => r.index)).size).toBeGreaterThan(1);
  });
});
