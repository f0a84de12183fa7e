// The periodic survey in Chromium (docs/surveys.md): an admin sets the company's schedule and
// opens this period now; the resident sees 小区满意度调查 on home, answers every question and sees
// 已提交 (on the page and on home) and cannot answer again; the admin's console shows the
// period with its response rate on 满意度调查 > 定期调查 and on the dashboard.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factory, loginResident, loginStaff, STAFF_PASSWORD } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { SurveyResponse } from '../../server/src/modules/surveys/survey.entities.js';
import {
  assertPrerequisites,
  H5_DIR,
  launchPhone,
  pageShown,
  tap,
  visibleText,
  type PhoneBrowser,
} from './support/browser.js';
import {
  assertConsolePrerequisites,
  CONSOLE_DIR,
  launchDesktop,
  loginThroughForm,
  type DesktopBrowser,
} from './support/console.js';

const RESIDENT = 'e2e-survey-resident';
const SURVEY_PAGE = '/subpackages/account/survey/index';

describe(`periodic survey: the resident answers, the console shows the response rate (${TEST_DB})`, () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let desktop: DesktopBrowser;
  let adminToken: string;
  let admin: { username: string | null };
  let surveyId: number;

  beforeAll(async () => {
    assertPrerequisites();
    assertConsolePrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR, LINLI_CONSOLE_DIR: CONSOLE_DIR } });
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'SURV'); // 10 households on record
    const house = await f.house(community.id);
    admin = await f.staff('admin', company.id, []);
    await f.resident(server, RESIDENT, [{ id: house.id }]);
    adminToken = await loginStaff(server, admin);
    const schedule = await server.api.request('PUT', '/survey-schedules', {
      token: adminToken,
      body: { communityId: null, cadence: 'quarter', openDays: 14, remindDaysBefore: 3, enabled: true },
    });
    expect(schedule.status).toBe(200);
    const opened = await server.api.post(
      '/survey-schedules/open-now',
      { communityId: community.id },
      { token: adminToken },
    );
    expect(opened.status).toBe(201);
    surveyId = opened.body.id;
    phone = await launchPhone();
    desktop = await launchDesktop();
  }, 60_000);

  afterAll(async () => {
    for (const b of [phone, desktop]) {
      if (b?.problems.length) console.log(`browser problems:\n${b.problems.join('\n')}`);
    }
    await phone?.close();
    await desktop?.close();
    await server?.close();
  });

  it('the resident answers the open survey from home and then sees 已提交', async () => {
    const page = phone.page;
    await page.goto(`${server.url}/h5/`);
    await pageShown(page, '/pages/login/index');
    await page.locator('.login input').filter({ visible: true }).first().fill(RESIDENT);
    await tap(visibleText(page, '登录'));
    await visibleText(page, '小区满意度调查').waitFor();
    await tap(visibleText(page, '去填写 ›'));
    await pageShown(page, SURVEY_PAGE);
    const radio = (name: string) => page.getByRole('radio', { name, exact: true }).filter({ visible: true }).first();
    for (const name of [
      '总体满意度 8 分',
      '符合预期程度 7 分',
      '与理想服务相比 9 分',
      '推荐意愿 10 分',
      '设施环境 4 星',
      '说到做到 5 星',
      '响应及时 3 星',
      '专业放心 4 星',
      '贴心周到 5 星',
    ]) {
      await tap(radio(name));
    }
    await tap(page.getByRole('button', { name: '提交', exact: true }).filter({ visible: true }).first());
    await visibleText(page, '已提交').waitFor();
    await visibleText(page, '感谢您的参与！').waitFor();
    const rows = await server.ds.getRepository(SurveyResponse).findBy({ surveyId });
    expect(rows.map((r) => [r.overall, r.expectation, r.ideal, r.nps])).toEqual([[8, 7, 9, 10]]);
    // Home shows the answered survey as 已提交, with nothing to fill in.
    await tap(visibleText(page, '返回首页'));
    await pageShown(page, '/pages/home/index');
    await visibleText(page, '已提交').waitFor();
    expect(await page.getByText('去填写 ›').filter({ visible: true }).count()).toBe(0);
    // And the server takes no second answer from them this period.
    const again = await server.api.post(
      `/surveys/${surveyId}/responses`,
      {
        houseId: rows[0].houseId,
        overall: 1,
        expectation: 1,
        ideal: 1,
        nps: 0,
        servperf: { tangibles: 1, reliability: 1, responsiveness: 1, assurance: 1, empathy: 1 },
      },
      { token: await loginResident(server, RESIDENT) },
    );
    expect([again.status, again.body.code]).toEqual([409, 'SURVEY_ALREADY_ANSWERED']);
  }, 90_000);

  it('the console shows the period with its response rate', async () => {
    const page = desktop.page;
    await loginThroughForm(page, server.url, admin.username!, STAFF_PASSWORD);
    // Let the first page finish loading its chunks before going on (a busy machine is slow).
    await page.waitForLoadState('networkidle');
    await page.goto(`${server.url}/surveys`);
    await page.getByRole('tab', { name: '定期调查' }).waitFor();
    const rate = page.getByTestId(`response-rate-${surveyId}`);
    await rate.waitFor();
    // One household of the ten on record answered.
    expect((await rate.textContent())?.replace(/\s/g, '')).toContain('10.0%（1/10户）');
    await page.getByTestId('survey-schedules-table').getByText('每季度').waitFor();
    // Beside the order-based scores on the dashboard: the community's latest period.
    await page.goto(`${server.url}/`);
    const latest = page.getByTestId('table-survey-periods');
    await latest.getByText('10.0%', { exact: false }).waitFor();
  }, 90_000);
});
