/**
 * Periodic surveys (docs/surveys.md): a schedule opens the community survey each period,
 * announces it, reminds once those who have not answered and closes it on time. Two server
 * instances on one database tick at once (each its own JobRunner, DataSource and clock), and a
 * third started later picks up the persisted timers: every step happens once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { surveyPeriodOf, trend } from '@linli/shared';
import { Clock } from '../../common/clock.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { Notification, NotificationDelivery } from '../notifications/notification.entities.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Survey, SurveyResponse } from './survey.entities.js';

const MINUTE = 60_000;
const SURVEY_TEMPLATE = 'linli-survey';

describe(`periodic surveys (${TEST_DB})`, () => {
  let a: TestServer;
  let b: TestServer;
  let w: World;
  let mateId: number;
  const t: Record<string, string> = {};
  const servers = () => [a, b];

  /** Move every instance's clock to `at` (plus a minute). */
  const moveTo = (at: Date | string) => {
    const target = new Date(at).getTime() + MINUTE;
    for (const s of servers()) {
      const clock = s.app.get(Clock);
      clock.advance(target - clock.now().getTime());
    }
  };
  /** Both instances tick twice at the same time, as their loops would. */
  const tickBoth = async () => {
    await Promise.all(servers().flatMap((s) => [s.app.get(JobRunner).tick(), s.app.get(JobRunner).tick()]));
    await Promise.all(servers().map((s) => s.app.get(JobRunner).tick()));
  };
  const pending = (kind: string) => a.ds.getRepository(ScheduledJob).countBy({ kind, status: 'pending' });
  const save = (body: object, token = t.adminA) =>
    a.api.request('PUT', '/survey-schedules', {
      token,
      body: { communityId: null, cadence: 'quarter', openDays: 14, remindDaysBefore: 3, enabled: true, ...body },
    });
  const from = (token: string) => ({
    token,
    headers: { 'x-forwarded-for': `10.0.2.${Object.values(t).indexOf(token) + 1}` },
  });
  const answer = (token: string, id: number, body: object = {}) =>
    a.api.post(
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
  const notes = (type: string) => a.ds.getRepository(Notification).find({ where: { type }, order: { userId: 'ASC' } });
  const surveysOf = (periodKey: string) =>
    a.ds.getRepository(Survey).find({ where: { periodKey }, order: { communityId: 'ASC' } });

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({ db: a.config.db, fake: a.fake });
    w = await buildWorld(a);
    mateId = (await w.factory.resident(a, 'code-mate', [{ id: w.houseA1.id }])).id;
    for (const code of ['a1', 'a1b', 'a2', 'b1']) t[`res_${code}`] = await loginResident(a, `code-res-${code}`);
    t.mate = await loginResident(a, 'code-mate');
    for (const name of ['adminA', 'supervisorA1', 'deskA1', 'adminB'] as const) {
      t[name] = await loginStaff(a, w.staff[name]);
    }
    // res_a1 allows one survey message (in the app and at WeChat); the others have none.
    const accepted = await a.api.post(
      '/me/subscriptions',
      { results: { [SURVEY_TEMPLATE]: 'accept' } },
      { token: t.res_a1 },
    );
    expect(accepted.body.remaining[SURVEY_TEMPLATE]).toBe(1);
    a.fake.grantSubscription(a.fake.openidFor('code-res-a1'), SURVEY_TEMPLATE);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('lets only an admin set a schedule, and validates it', async () => {
    for (const name of ['supervisorA1', 'deskA1', 'res_a1']) {
      expect([name, (await save({}, t[name])).status]).toEqual([name, 403]);
    }
    expect((await a.api.get('/survey-schedules', { token: t.supervisorA1 })).status).toBe(403);
    expect((await save({ communityId: w.b1.id })).status).toBe(404);
    const bad = [
      { cadence: 'week' },
      { openDays: 0 },
      { openDays: 29 },
      { openDays: 7, remindDaysBefore: 7 },
      { remindDaysBefore: -1 },
      { communityId: undefined },
      { communityId: 'a1' },
      { enabled: 'yes' },
    ];
    for (const body of bad) {
      const res = await save(body);
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    expect(await a.ds.getRepository(AuditLog).countBy({ entityType: 'survey_schedule' })).toBe(0);
    expect(await pending('survey_open')).toBe(0);
  });

  let period1: string;
  let opensAt: string;

  it('keeps one pending opening however often and however concurrently it is saved', async () => {
    const first = await save({ cadence: 'month' });
    expect(first.status).toBe(200);
    const saves = await Promise.all([save({}), save({}), save({})]);
    expect(saves.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await pending('survey_open')).toBe(1);
    const list = await a.api.get('/survey-schedules', { token: t.adminA });
    expect(list.body).toHaveLength(1);
    const now = a.app.get(Clock).now();
    const next = surveyPeriodOf(surveyPeriodOf(now, 'quarter').endsAt, 'quarter');
    expect(list.body[0]).toMatchObject({
      communityId: null,
      cadence: 'quarter',
      enabled: true,
      nextPeriodKey: next.key,
    });
    expect(list.body[0].nextOpensAt).toBe(next.startsAt.toISOString());
    period1 = next.key;
    opensAt = next.startsAt.toISOString();
    const audit = await a.ds
      .getRepository(AuditLog)
      .find({ where: { entityType: 'survey_schedule' }, order: { id: 'ASC' } });
    expect(audit.map((e) => e.action)).toEqual(['create', 'update', 'update', 'update']);
    // Nothing opens before its time.
    await tickBoth();
    expect(await a.ds.getRepository(Survey).count()).toBe(0);
  });

  let s1: Survey;

  it('opens each community of the company once at the period start and announces it', async () => {
    moveTo(opensAt);
    await tickBoth();
    const opened = await surveysOf(period1);
    expect(opened.map((s) => [s.communityId, s.status])).toEqual([
      [w.a1.id, 'open'],
      [w.a2.id, 'open'],
    ]);
    s1 = opened[0];
    expect(s1.endsAt.getTime() - new Date(opensAt).getTime()).toBeGreaterThan(13 * 24 * 60 * MINUTE);
    // The announcement: one message per verified resident of the community, none elsewhere.
    const open = await notes('survey.open');
    const ids = (code: keyof World['residents']) => w.residents[code].id;
    expect(open.map((n) => n.userId).sort((x, y) => x - y)).toEqual(
      [ids('resA1'), ids('resA1b'), ids('resA2'), mateId].sort((x, y) => x - y),
    );
    expect(open).toHaveLength(4); // res_a1, res_a1b, mate (A1) and res_a2 (A2); not the pending one, not B1
    expect(open.some((n) => n.userId === ids('resB1') || n.userId === ids('resPending'))).toBe(false);
    // A subscribe message only where there is a send left: res_a1's; no SMS for a survey.
    // Both instances fetch WeChat tokens from one fake, which retires the previous token on
    // each fetch: an attempt may meet a retired token and be retried later (as in production).
    for (let round = 0; round < 5; round++) {
      if (!(await a.ds.getRepository(NotificationDelivery).countBy({ status: 'pending' }))) break;
      moveTo(new Date(a.app.get(Clock).now().getTime() + 5 * MINUTE));
      await a.app.get(JobRunner).tick();
    }
    const deliveries = await a.ds.getRepository(NotificationDelivery).find();
    const forOpen = deliveries.filter((d) => open.some((n) => n.id === d.notificationId));
    expect(forOpen.map((d) => [d.userId, d.channel, d.status, d.lastError])).toEqual([
      [ids('resA1'), 'wechat', 'sent', null],
    ]);
    const sent = a.fake.sentMessages().filter((m) => m.template_id === SURVEY_TEMPLATE);
    expect(sent).toHaveLength(1);
    expect(sent[0].page).toBe('subpackages/account/survey/index');
    // One reminder and one close per survey, and the next period's opening, all queued once.
    expect(await pending('survey_remind')).toBe(2);
    expect(await pending('survey_close')).toBe(2);
    expect(await pending('survey_open')).toBe(1);
    // No second survey for the period, however often the instances tick.
    await tickBoth();
    expect(await surveysOf(period1)).toHaveLength(2);
    expect(await notes('survey.open')).toHaveLength(4);
  });

  it('takes one answer per household member and period; a double submit has one winner', async () => {
    const mine = await a.api.get('/surveys', { token: t.res_a1 });
    expect(mine.body).toMatchObject([{ id: s1.id, periodKey: period1, answered: false }]);
    const both = await Promise.all([answer(t.res_a1, s1.id), answer(t.res_a1, s1.id)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)!.body.code).toBe('SURVEY_ALREADY_ANSWERED');
    const again = await answer(t.res_a1, s1.id, { overall: 1 });
    expect([again.status, again.body.code]).toEqual([409, 'SURVEY_ALREADY_ANSWERED']);
    expect(await a.ds.getRepository(SurveyResponse).countBy({ surveyId: s1.id })).toBe(1);
    expect((await a.api.get('/surveys', { token: t.res_a1 })).body).toMatchObject([{ id: s1.id, answered: true }]);
    // Another member of the same household answers for themselves.
    expect((await answer(t.mate, s1.id, { overall: 10, expectation: 10, ideal: 10, nps: 10 })).status).toBe(201);
  });

  it('reminds once, only those who have not answered', async () => {
    moveTo(s1.remindAt!);
    await tickBoth();
    await tickBoth();
    const remind = await notes('survey.remind');
    // A1: res_a1b has not answered (res_a1 and mate have); A2: res_a2.
    expect(remind.map((n) => n.userId).sort((x, y) => x - y)).toEqual(
      [w.residents.resA1b.id, w.residents.resA2.id].sort((x, y) => x - y),
    );
    const reminded = await a.ds.getRepository(Survey).findOneByOrFail({ id: s1.id });
    expect(reminded.remindedAt).not.toBeNull();
    expect(await pending('survey_remind')).toBe(0);
  });

  it('closes on time, once; a late answer is refused', async () => {
    moveTo(s1.endsAt);
    await tickBoth();
    expect((await surveysOf(period1)).map((s) => s.status)).toEqual(['closed', 'closed']);
    const late = await answer(t.res_a1b, s1.id, { houseId: w.houseA1b.id });
    expect([late.status, late.body.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
    expect((await a.api.get('/surveys', { token: t.res_a1 })).body).toEqual([]);
    expect(await pending('survey_close')).toBe(0);
  });

  it('a process started later fires the persisted next opening; the trend is against the last period', async () => {
    // Replace instance b by a fresh one on the same database: the timers are in the database.
    await b.close();
    b = await startTestServer({ db: a.config.db, fake: a.fake });
    const next = await a.ds.getRepository(ScheduledJob).findOneByOrFail({ kind: 'survey_open', status: 'pending' });
    moveTo(next.dueAt);
    await b.app.get(JobRunner).tick();
    await tickBoth();
    const period2 = surveyPeriodOf(next.dueAt, 'quarter').key;
    const opened = await surveysOf(period2);
    expect(opened).toHaveLength(2);
    expect((await notes('survey.open')).length).toBe(8);
    // Period 1 of A1: res_a1 (8, 7, 6; NPS 9) and mate (10, 10, 10; NPS 10).
    // ACSI = mean of ((9-1) + (8.5-1) + (8-1)) / 3 / 9 * 100 = 22.5 / 27 * 100 = 83.33;
    // NPS = 2 promoters of 2 = 100; 1 household of 10 = 10%.
    // Period 2: res_a1b alone (3, 4, 2; NPS 5): ACSI = (2 + 3 + 1) / 27 * 100 = 22.22; NPS = -100; 10%.
    const res = await answer(t.res_a1b, opened[0].id, {
      houseId: w.houseA1b.id,
      overall: 3,
      expectation: 4,
      ideal: 2,
      nps: 5,
    });
    expect(res.status).toBe(201);
    const periods = await a.api.get(`/surveys/periods?communityId=${w.a1.id}`, { token: t.adminA });
    expect(periods.status).toBe(200);
    expect(periods.body.map((p: { periodKey: string }) => p.periodKey)).toEqual([period2, period1]);
    const [p2, p1] = periods.body;
    expect(p1.acsi).toBeCloseTo((22.5 / 27) * 100, 6);
    expect(p1).toMatchObject({ status: 'closed', responses: 2, respondingHouseholds: 1, households: 10, nps: 100 });
    expect(p1.responseRate).toBeCloseTo(0.1, 10);
    expect(p1.previousPeriodKey).toBeNull();
    expect(p1.trend).toEqual({ acsi: null, nps: null, responseRate: null });
    expect(p2).toMatchObject({ status: 'open', responses: 1, nps: -100, previousPeriodKey: period1 });
    expect(p2.acsi).toBeCloseTo((6 / 27) * 100, 6);
    const expected = trend((6 / 27) * 100, (22.5 / 27) * 100);
    expect(p2.trend.acsi.change).toBeCloseTo(expected.change, 6);
    expect(p2.trend.acsi.changePct).toBeCloseTo(expected.changePct!, 6);
    expect(p2.trend.nps).toEqual({ current: -100, previous: 100, change: -200, changePct: -200 });
    expect(p2.trend.responseRate.change).toBeCloseTo(0, 10);
  });

  it('shows the periods only within scope', async () => {
    const all = await a.api.get('/surveys/periods', { token: t.adminA });
    expect(new Set(all.body.map((p: { communityId: number }) => p.communityId))).toEqual(new Set([w.a1.id, w.a2.id]));
    const sup = await a.api.get('/surveys/periods', { token: t.supervisorA1 });
    expect(sup.status).toBe(200);
    expect(new Set(sup.body.map((p: { communityId: number }) => p.communityId))).toEqual(new Set([w.a1.id]));
    expect((await a.api.get('/surveys/periods', { token: t.adminB })).body).toEqual([]);
    expect((await a.api.get('/surveys/periods', { token: t.deskA1 })).status).toBe(403);
    expect((await a.api.get('/surveys/periods', { token: t.res_a1 })).status).toBe(403);
    expect((await a.api.get('/surveys/periods?communityId=x', { token: t.adminA })).status).toBe(400);
  });

  it('opens a period now for an admin, once (audited); a community schedule replaces the company one', async () => {
    // A2 gets a monthly schedule of its own; its current month has no survey yet.
    const own = await save({ communityId: w.a2.id, cadence: 'month', openDays: 7, remindDaysBefore: 2 });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ communityId: w.a2.id, communityName: w.a2.name, cadence: 'month' });
    expect(await pending('survey_open')).toBe(2);
    const openNow = (token = t.adminA, communityId = w.a2.id) =>
      a.api.post('/survey-schedules/open-now', { communityId }, { token });
    expect((await openNow(t.supervisorA1)).status).toBe(403);
    expect((await openNow(t.adminB)).status).toBe(404);
    expect((await openNow(t.adminA, w.b1.id)).status).toBe(404);
    const before = (await notes('survey.open')).length;
    const both = await Promise.all([openNow(), openNow()]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = both.find((r) => r.status === 201)!.body;
    const month = surveyPeriodOf(a.app.get(Clock).now(), 'month').key;
    expect(won).toMatchObject({ communityId: w.a2.id, periodKey: month, status: 'open' });
    expect(both.find((r) => r.status === 409)!.body).toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
      details: { reason: 'period_exists', periodKey: month },
    });
    expect((await notes('survey.open')).length).toBe(before + 1); // res_a2
    const audit = await a.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ entityType: 'survey', action: 'open', entityId: won.id });
    expect(audit.actorId).toBe(w.staff.adminA.id);
    // The company's schedule no longer opens A2 at its next period; A1 still follows it.
    const companyJob = await a.ds.getRepository(ScheduledJob).findOneByOrFail({
      kind: 'survey_open',
      status: 'pending',
      refId: (await a.api.get('/survey-schedules', { token: t.adminA })).body[0].id,
    });
    moveTo(companyJob.dueAt);
    await tickBoth();
    const period3 = surveyPeriodOf(companyJob.dueAt, 'quarter').key;
    expect((await surveysOf(period3)).map((s) => s.communityId)).toEqual([w.a1.id]);
    // Off: no opening is queued, and open-now is refused.
    expect(
      (await save({ communityId: w.a2.id, cadence: 'month', openDays: 7, remindDaysBefore: 2, enabled: false })).status,
    ).toBe(200);
    const refused = await openNow();
    expect([refused.status, refused.body.details?.reason]).toEqual([409, 'no_schedule']);
  });
});
