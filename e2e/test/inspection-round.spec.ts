// Inspection rounds in the real product: the server (fresh database) serves the mini-program's
// H5 build at /h5/ and the console at /. A technician does a round on the H5 staff pages: the
// point code typed in (the H5 preview has no camera scan), items ticked, one marked abnormal,
// which files a repair order on the point's public area; one tick is made with the phone
// offline and sent when the signal returns. Then the admin creates a plan in the console.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { chinaLocalTime } from '@linli/shared';
import { Clock } from '../../server/src/common/clock.js';
import { JobRunner } from '../../server/src/modules/jobs/job-runner.service.js';
import { User } from '../../server/src/modules/users/user.entities.js';
import { Factory, loginStaff, STAFF_PASSWORD } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import {
  assertPrerequisites,
  eventually,
  H5_DIR,
  launchPhone,
  pageShown,
  screenshot,
  tap,
  visible,
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
import { staffLogin } from './support/staff.js';

const QUEUE = '/subpackages/staff/queue/index';
const ROUNDS = '/subpackages/staff/rounds/index';
const ROUND = '/subpackages/staff/round/index';

describe(`an inspection round in the H5 staff mode, a plan in the console (${TEST_DB})`, () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let desktop: DesktopBrowser;
  let page: Page;
  let tech: { id: number; username: string };
  let admin: { id: number; username: string; token: string };
  let point: { id: number; code: string; name: string };
  let second: { id: number; code: string };
  let roundId: number;

  beforeAll(async () => {
    assertPrerequisites();
    assertConsolePrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR, LINLI_CONSOLE_DIR: CONSOLE_DIR } });
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'INS');
    const area = await f.publicArea(community.id, '2栋水泵房');
    const t = await f.staff('technician', company.id, [community.id]);
    await server.ds.getRepository(User).update(t.id, { name: '李师傅' });
    tech = { id: t.id, username: t.username! };
    const boss = await f.staff('supervisor', company.id, [community.id]);
    const a = await f.staff('admin', company.id, []);
    admin = { id: a.id, username: a.username!, token: await loginStaff(server, a) };
    const post = async (path: string, body: object) => {
      const res = await server.api.post(path, body, { token: admin.token });
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const team = await post('/teams', { name: '设备巡检组', supervisorId: boss.id, memberIds: [tech.id] });
    point = await post('/inspection-points', {
      communityId: community.id,
      publicAreaId: area.id,
      name: '2栋水泵房',
      checklist: [
        { key: 'pressure', label: '水泵压力正常', photoRequired: false },
        { key: 'leak', label: '无渗漏', photoRequired: false },
      ],
    });
    second = await post('/inspection-points', {
      communityId: community.id,
      publicAreaId: area.id,
      name: '屋顶排水口',
      checklist: [{ key: 'clear', label: '排水口无堵塞', photoRequired: false }],
    });
    // A daily window around now (China time), so the round is due at once.
    const minute = Math.floor(chinaLocalTime(server.app.get(Clock).now()).minute);
    await post('/inspection-plans', {
      communityId: community.id,
      name: '水泵房日检',
      frequency: 'daily',
      windowStart: Math.max(0, minute - 30),
      windowEnd: Math.min(1440, minute + 60),
      teamId: team.id,
      pointIds: [point.id, second.id],
    });
    await server.app.get(JobRunner).tick();
    const rounds = await server.api.get('/inspection-rounds', { token: admin.token });
    expect(rounds.body).toHaveLength(1);
    roundId = rounds.body[0].id;

    phone = await launchPhone();
    page = phone.page;
    page.setDefaultTimeout(15000);
  });

  afterAll(async () => {
    if (phone?.problems.length) console.log(`browser errors on the phone:\n${phone.problems.join('\n')}`);
    if (desktop?.problems.length) console.log(`browser errors in the console:\n${desktop.problems.join('\n')}`);
    await phone?.close();
    await desktop?.close();
    await server?.close();
  });

  const round = async () => (await server.api.get(`/inspection-rounds/${roundId}`, { token: admin.token })).body;

  it('the technician opens the round from the queue, enters the point code and ticks the items', async () => {
    await staffLogin(page, server.url, tech.username, QUEUE);
    await tap(visibleText(page, '巡检'));
    await pageShown(page, ROUNDS);
    await tap(visible(page, '[aria-label="巡检 水泵房日检"]'));
    await pageShown(page, ROUND);
    await visibleText(page, '待巡检').waitFor();
    // A wrong code first: nothing is recorded.
    await visible(page, `[aria-label="2栋水泵房 点位编码"] input, input[aria-label="2栋水泵房 点位编码"]`).fill(
      second.code,
    );
    await tap(visibleText(page, '确认到位').first());
    await visibleText(page, '扫到的不是本巡检点的二维码').waitFor();
    await tap(visibleText(page, '知道了'));
    await visible(page, `[aria-label="2栋水泵房 点位编码"] input, input[aria-label="2栋水泵房 点位编码"]`).fill(
      point.code,
    );
    await tap(visibleText(page, '确认到位').first());
    await visibleText(page, /^已到位/, false).waitFor();
    await tap(visible(page, '[aria-label="水泵压力正常 正常"]'));
    await eventually('the tick to reach the server', async () => (await round()).points[0].checks.length === 1);
    const r = await round();
    expect(r.points[0].scannedAt).not.toBeNull();
    expect(r.status).toBe('in_progress');
  });

  it('marks one item abnormal while offline: kept on the phone, sent when the signal returns, one repair order', async () => {
    await page.context().setOffline(true);
    await visible(page, '[aria-label="无渗漏 异常说明"] input, input[aria-label="无渗漏 异常说明"]').fill(
      '水泵底座渗水',
    );
    await tap(visible(page, '[aria-label="无渗漏 异常"]'));
    await visibleText(page, /无网络，1 条记录已保存在手机上/, false).waitFor();
    expect((await round()).points[0].checks).toHaveLength(1);
    await page.context().setOffline(false);
    await tap(visibleText(page, '立即同步'));
    await visibleText(page, '异常·已报修').waitFor();
    const r = await round();
    const leak = r.points[0].checks.find((c: { itemKey: string }) => c.itemKey === 'leak');
    expect(leak).toMatchObject({ result: 'abnormal', note: '水泵底座渗水' });
    // The phone's time of the tick, before the server received it.
    expect(new Date(leak.checkedAt).getTime()).toBeLessThan(new Date(leak.receivedAt).getTime());
    const order = (await server.api.get(`/work-orders/${leak.workOrderId}`, { token: admin.token })).body;
    expect(order.description).toContain('2栋水泵房：无渗漏');
    expect(order.channel).toBe('patrol');
    await screenshot(page, 'staff-inspection-round', { keep: true });
  });

  it('finishes the second point; the round is completed', async () => {
    await visible(page, `[aria-label="屋顶排水口 点位编码"] input, input[aria-label="屋顶排水口 点位编码"]`).fill(
      second.code.toLowerCase(),
    );
    await tap(visibleText(page, '确认到位').first());
    await tap(visible(page, '[aria-label="排水口无堵塞 正常"]'));
    await visibleText(page, '已完成').waitFor();
    expect((await round()).status).toBe('completed');
  });

  it('the admin creates a daily plan in the console', async () => {
    desktop = await launchDesktop();
    const c = desktop.page;
    c.setDefaultTimeout(15000);
    await loginThroughForm(c, server.url, admin.username, STAFF_PASSWORD);
    await c.goto(`${server.url}/inspections`);
    await c.getByText('水泵房日检').waitFor();
    await c.getByRole('button', { name: '新建计划' }).click();
    await c.getByTestId('plan-name').fill('消防门周检');
    await c.getByTestId('plan-team').click();
    await c.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '设备巡检组' }).click();
    await c.getByTestId('plan-points').click();
    await c.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '屋顶排水口' }).click();
    await c.locator('.ant-modal-title').click();
    await c.locator('.ant-modal-footer .ant-btn-primary').click();
    await c.locator('.ant-table-row').filter({ hasText: '消防门周检' }).waitFor();
    const plans = (await server.api.get('/inspection-plans', { token: admin.token })).body;
    expect(plans.find((p: { name: string }) => p.name === '消防门周检')).toMatchObject({
      kind: 'inspection',
      frequency: 'daily',
      windowStart: 9 * 60,
      windowEnd: 11 * 60,
      pointIds: [second.id],
    });
    await c.getByRole('tab', { name: '巡检记录' }).click();
    await c.locator('.ant-table-row').filter({ hasText: '已完成' }).first().waitFor();
  });
});
