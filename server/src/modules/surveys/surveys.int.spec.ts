import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { SurveyResponse } from './survey.entities.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe(`community surveys (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let clock: Clock;
  const t: Record<string, string> = {};

  const iso = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs).toISOString();
  const createSurvey = (body: object = {}, token = t.adminA) =>
    server.api.post(
      '/surveys',
      { communityId: w.a1.id, title: '2026 年第四季度满意度调查', startsAt: iso(-HOUR), endsAt: iso(7 * DAY), ...body },
      { token },
    );
  const list = (token: string, query = '') => server.api.get(`/surveys${query}`, { token });
  /** Each phone has its own address: the per-IP limit of the answer route counts per person. */
  const from = (token: string) => ({
    token,
    headers: { 'x-forwarded-for': `10.0.1.${Object.values(t).indexOf(token) + 1}` },
  });
  const answer = (token: string, id: number, body: object = {}) =>
    server.api.post(
      `/surveys/${id}/responses`,
      {
        houseId: w.houseA1.id,
        overall: 8,
        expectation: 7,
        ideal: 6,
        nps: 9,
        servperf: { tangibles: 4, reliability: 4, responsiveness: 3, assurance: 5, empathy: 4 },
        ...body,
      },
      from(token),
    );

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    await w.factory.resident(server, 'code-mate', [{ id: w.houseA1.id }]);
    await w.factory.resident(server, 'code-late', [{ id: w.houseA1b.id }]);
    for (const code of ['a1', 'a1b', 'a2', 'b1', 'pending'])
      t[`res_${code}`] = await loginResident(server, `code-res-${code}`);
    t.mate = await loginResident(server, 'code-mate');
    t.late = await loginResident(server, 'code-late');
    for (const name of ['adminA', 'supervisorA1', 'deskA1', 'techA1', 'adminB'] as const) {
      t[name] = await loginStaff(server, w.staff[name]);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets only an admin of the company create a survey, and validates it', async () => {
    for (const name of ['supervisorA1', 'deskA1', 'techA1', 'res_a1']) {
      expect([name, (await createSurvey({}, t[name])).status]).toEqual([name, 403]);
    }
    expect((await createSurvey({}, t.adminB)).status).toBe(404);
    const bad = [
      { endsAt: iso(-2 * HOUR) },
      { weights: [0, 0, 0] },
      { weights: [1, 1] },
      { weights: [1, -1, 1] },
      { title: '' },
      { startsAt: 'tomorrow' },
    ];
    for (const body of bad) {
      const res = await createSurvey(body);
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });

  describe('one survey from draft to closed', () => {
    let id: number;

    it('starts as a draft that residents neither see nor answer', async () => {
      const res = await createSurvey();
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ communityId: w.a1.id, status: 'draft', responses: 0 });
      expect(res.body.weights).toHaveLength(3);
      id = res.body.id;
      expect((await list(t.res_a1)).body).toEqual([]);
      const early = await answer(t.res_a1, id);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('TRANSITION_NOT_ALLOWED');
    });

    it('is opened by an admin, once', async () => {
      expect((await server.api.post(`/surveys/${id}/open`, {}, { token: t.supervisorA1 })).status).toBe(403);
      expect((await server.api.post(`/surveys/${id}/open`, {}, { token: t.adminB })).status).toBe(404);
      const res = await server.api.post(`/surveys/${id}/open`, {}, { token: t.adminA });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('open');
      const again = await server.api.post(`/surveys/${id}/open`, {}, { token: t.adminA });
      expect(again.status).toBe(409);
    });

    it('is listed for the company staff and for residents of the community', async () => {
      for (const name of ['adminA', 'supervisorA1']) {
        const res = await list(t[name]);
        expect([name, res.status, res.body.map((s: { id: number }) => s.id)]).toEqual([name, 200, [id]]);
      }
      expect((await list(t.adminB)).body).toEqual([]);
      expect((await list(t.deskA1)).status).toBe(403);
      expect((await list(t.techA1)).status).toBe(403);
      const mine = await list(t.res_a1);
      expect(mine.body).toMatchObject([{ id, status: 'open', answered: false }]);
      for (const name of ['res_a2', 'res_b1', 'res_pending']) {
        expect([name, (await list(t[name])).body]).toEqual([name, []]);
      }
    });

    it('takes one answer per resident, for a verified house of the community', async () => {
      const bad = [
        { overall: 11 },
        { overall: 0 },
        { ideal: 5.5 },
        { nps: -1 },
        { nps: 11 },
        { servperf: { tangibles: 6, reliability: 4, responsiveness: 3, assurance: 5, empathy: 4 } },
        { servperf: { tangibles: 4 } },
        { servperf: undefined },
        { comment: 'x'.repeat(501) },
      ];
      for (const body of bad) {
        const res = await answer(t.res_a1, id, body);
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      }
      expect((await answer(t.res_a1, id, { houseId: w.houseA1b.id })).status).toBe(404);
      expect((await answer(t.res_a2, id, { houseId: w.houseA2.id })).status).toBe(404);
      expect((await answer(t.res_pending, id)).status).toBe(404);
      expect((await answer(t.deskA1, id)).status).toBe(403);

      const res = await answer(t.res_a1, id, { comment: '希望维修再快一点' });
      expect(res.status).toBe(201);
      const again = await answer(t.res_a1, id, { overall: 1 });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'SURVEY_ALREADY_ANSWERED', message: 'already answered' });
      expect((await list(t.res_a1)).body).toMatchObject([{ id, answered: true }]);
    });

    it('keeps one answer when a resident submits twice at once', async () => {
      const body = {
        overall: 10,
        expectation: 9,
        ideal: 8,
        nps: 10,
        servperf: { tangibles: 5, reliability: 5, responsiveness: 5, assurance: 5, empathy: 5 },
      };
      const results = await Promise.all([answer(t.mate, id, body), answer(t.mate, id, body)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await server.ds.getRepository(SurveyResponse).countBy({ surveyId: id })).toBe(2);
    });

    it('computes the results by hand-checked numbers', async () => {
      const res = await answer(t.res_a1b, id, {
        houseId: w.houseA1b.id,
        overall: 3,
        expectation: 4,
        ideal: 2,
        nps: 5,
        servperf: { tangibles: 2, reliability: 3, responsiveness: 2, assurance: 3, empathy: 2 },
      });
      expect(res.status).toBe(201);
      for (const name of ['deskA1', 'techA1', 'res_a1']) {
        expect([name, (await server.api.get(`/surveys/${id}/results`, { token: t[name] })).status]).toEqual([
          name,
          403,
        ]);
      }
      expect((await server.api.get(`/surveys/${id}/results`, { token: t.adminB })).status).toBe(404);
      const results = await server.api.get(`/surveys/${id}/results`, { token: t.supervisorA1 });
      expect(results.status).toBe(200);
      const r = results.body;
      // overall 8, 10, 3; expectation 7, 9, 4; ideal 6, 8, 2; nps 9, 10, 5.
      expect(r.responses).toBe(3);
      expect(r.means.overall).toBeCloseTo(7, 10);
      expect(r.means.expectation).toBeCloseTo(20 / 3, 10);
      expect(r.means.ideal).toBeCloseTo(16 / 3, 10);
      // ((7-1) + (20/3-1) + (16/3-1)) / 3 / 9 * 100 = 16/3 / 9 * 100
      expect(r.acsi).toBeCloseTo(59.259259, 5);
      expect(r.nps).toMatchObject({ n: 3, promoters: 2, passives: 0, detractors: 1 });
      expect(r.nps.nps).toBeCloseTo(33.333333, 5);
      expect(r.servperf.tangibles).toBeCloseTo(11 / 3, 10);
      expect(r.servperf.assurance).toBeCloseTo(13 / 3, 10);
      // Two households of ten answered (houseA1 twice, by two residents).
      expect(r).toMatchObject({ surveyId: id, households: 10, respondingHouseholds: 2 });
      expect(r.responseRate).toBeCloseTo(0.2, 10);
      expect((await list(t.adminA)).body).toMatchObject([{ id, responses: 3 }]);
    });

    it('takes no answers once closed', async () => {
      expect((await server.api.post(`/surveys/${id}/close`, {}, { token: t.supervisorA1 })).status).toBe(403);
      const res = await server.api.post(`/surveys/${id}/close`, {}, { token: t.adminA });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('closed');
      expect((await server.api.post(`/surveys/${id}/close`, {}, { token: t.adminA })).status).toBe(409);
      expect((await server.api.post(`/surveys/${id}/open`, {}, { token: t.adminA })).status).toBe(409);
      const late = await answer(t.late, id, { houseId: w.houseA1b.id });
      expect(late.status).toBe(409);
      expect((await list(t.late)).body).toEqual([]);
      expect((await list(t.adminA, '?status=closed')).body.map((s: { id: number }) => s.id)).toEqual([id]);
    });
  });

  it('takes answers only between its dates, and weighs the ACSI items as set', async () => {
    const future = await createSurvey({ startsAt: iso(DAY), endsAt: iso(2 * DAY), title: '未开始' });
    expect((await server.api.post(`/surveys/${future.body.id}/open`, {}, { token: t.adminA })).status).toBe(200);
    expect((await answer(t.res_a1, future.body.id)).status).toBe(409);
    expect((await list(t.res_a1)).body).toEqual([]);

    const weighted = await createSurvey({ weights: [2, 1, 1], title: '加权' });
    expect(weighted.body.weights).toEqual([2, 1, 1]);
    await server.api.post(`/surveys/${weighted.body.id}/open`, {}, { token: t.adminA });
    clock.advance(2 * HOUR);
    expect((await answer(t.res_a1, weighted.body.id, { overall: 10, expectation: 4, ideal: 1, nps: 8 })).status).toBe(
      201,
    );
    const r = (await server.api.get(`/surveys/${weighted.body.id}/results`, { token: t.adminA })).body;
    // (2*(10-1) + (4-1) + (1-1)) / 4 / 9 * 100
    expect(r.acsi).toBeCloseTo(58.333333, 5);
    expect(r.nps).toMatchObject({ n: 1, passives: 1, nps: 0 });

    clock.advance(7 * DAY);
    expect((await answer(t.mate, weighted.body.id)).status).toBe(409);
    const ended = await server.api.post(`/surveys/${future.body.id}/close`, {}, { token: t.adminA });
    expect(ended.status).toBe(200);
    const stale = await createSurvey({ startsAt: iso(-2 * DAY), endsAt: iso(-DAY), title: '已过期' });
    expect((await server.api.post(`/surveys/${stale.body.id}/open`, {}, { token: t.adminA })).status).toBe(409);
  });
});
