// Staff mode in the real product: the NestJS server (fresh database, fake WeChat on its own port)
// serves the mini-program's H5 build at /h5/, and headless Chromium plays one staff phone on which
// a technician, then the desk, then a supervisor sign in. Residents and the racing second
// technician act through the HTTP API, as their own phones would. Steps run in order on one
// server and one browser; a failed step fails the ones after.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page, Route } from 'playwright-core';
import { Clock } from '../../server/src/common/clock.js';
import { JobRunner } from '../../server/src/modules/jobs/job-runner.service.js';
import { Building, Community } from '../../server/src/modules/places/place.entities.js';
import { HouseBinding } from '../../server/src/modules/residents/house-binding.entity.js';
import { TechnicianSkill } from '../../server/src/modules/staff/staff.entities.js';
import { User } from '../../server/src/modules/users/user.entities.js';
import { Factory, loginResident, loginStaff } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type HttpResult, type TestServer } from '../../server/src/testing/test-server.js';
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
import { leakPhotoPng } from './support/png.js';
import { openRoute, staffLogin } from './support/staff.js';
import { ContractWatch } from './support/contract.js';

const COMMUNITY_NAME = '幸福里小区';
const RESIDENT_CODE = 'e2e-staff-journey-resident';
const QUEUE = '/subpackages/staff/queue/index';
const STAFF_ORDER = '/subpackages/staff/order/index';
const DESK_HOME = '/subpackages/office/desk/index';
const BOARD = '/subpackages/office/board/index';

interface Person {
  id: number;
  username: string;
  name: string;
  token: string;
}

describe(`staff journey in the H5 app (${TEST_DB})`, () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let page: Page;
  let contract: ContractWatch;
  let li: Person; // 李师傅: the technician on the phone
  let zhang: Person; // 张师傅: the colleague (declined orders, the racing grab)
  let desk: Person;
  let boss: Person;
  let resident: { id: number; token: string };
  let houseId: number;
  let buildingName: string;
  let houseLabel: string;
  const orders: Record<'declined' | 'pooled' | 'worked' | 'late', { id: number; no: string }> = {} as never;

  const get = async (id: number) => (await server.api.get(`/work-orders/${id}`, { token: boss.token })).body;
  const tick = () => server.app.get(JobRunner).tick();
  const residentFiles = async (category: string, description: string, priority = 'P3') => {
    const res = await server.api.post(
      '/work-orders',
      { category, description, houseId, priority },
      { token: resident.token },
    );
    if (res.status !== 201) throw new Error(`order not filed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id as number, no: res.body.no as string };
  };
  const transition = async (token: string, id: number, body: object) => {
    const res = await server.api.post(`/work-orders/${id}/transitions`, body, { token });
    if (res.status !== 200)
      throw new Error(`${JSON.stringify(body)} on #${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** A journey step: on failure, a screenshot goes to screenshots/tmp/staff-failed-step-<n>.png. */
  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `staff-failed-step-${n}`).catch(() => null);
        const where = `screenshot: ${file ?? 'none'}, page: ${page.url()}`;
        console.log(`step ${n} failed (${where})`);
        if (err instanceof Error) err.message += `\n(${where})`;
        throw err;
      }
    });
  };

  /** Tap a queue card by its order number and wait for the order page. */
  const openFromQueue = async (no: string) => {
    await tap(visible(page, `[aria-label="工单 ${no}"]`));
    await pageShown(page, STAFF_ORDER);
  };

  beforeAll(async () => {
    assertPrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR } });
    // Every answer from here on, the spec's own requests and the page's alike, is checked against the document.
    contract = await ContractWatch.start(server);

    // One community; a house with a verified resident (王芳); two technicians with skills that
    // make routing predictable (李 is the better electrician and the only plumber); the desk, a
    // supervisor and an admin (who makes "other" repairs a grab pool).
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'STF');
    await server.ds.getRepository(Community).update(community.id, { name: COMMUNITY_NAME });
    const house = await f.house(community.id, { name: '王芳', phone: '13900001111' });
    houseId = house.id;
    houseLabel = house.label;
    buildingName = (await server.ds.getRepository(Building).findOneByOrFail({ id: house.buildingId! })).name;
    const res = await f.resident(server, RESIDENT_CODE, [{ id: house.id }]);
    await server.ds.getRepository(User).update(res.id, { name: '王芳', phone: '13900001111' });
    await server.ds.getRepository(HouseBinding).update({ userId: res.id }, { name: '王芳', phone: '13900001111' });
    resident = { id: res.id, token: await loginResident(server, RESIDENT_CODE) };

    const person = async (role: 'technician' | 'desk' | 'supervisor' | 'admin', name: string): Promise<Person> => {
      const u = await f.staff(role, company.id, role === 'admin' ? [] : [community.id]);
      await server.ds.getRepository(User).update(u.id, { name });
      return { id: u.id, username: u.username!, name, token: await loginStaff(server, u) };
    };
    li = await person('technician', '李师傅');
    zhang = await person('technician', '张师傅');
    desk = await person('desk', '周客服');
    boss = await person('supervisor', '王主管');
    const admin = await person('admin', '管理员');
    await server.ds.getRepository(TechnicianSkill).save([
      { userId: li.id, category: 'electrical', level: 5 },
      { userId: li.id, category: 'plumbing', level: 5 },
      { userId: li.id, category: 'other', level: 3 },
      { userId: zhang.id, category: 'electrical', level: 2 },
      { userId: zhang.id, category: 'other', level: 3 },
    ]);
    const rule = await server.api.post(
      '/routing-rules',
      { communityId: community.id, category: 'other', mode: 'pool' },
      { token: admin.token },
    );
    expect([rule.status, rule.body]).toEqual([201, expect.anything()]);

    orders.declined = await residentFiles('electrical', '客厅的灯不亮了');
    orders.pooled = await residentFiles('other', '入户门锁打不开');
    orders.worked = await residentFiles('plumbing', '厨房水槽下面漏水');
    await eventually('routing of the three orders', async () => {
      const [a, b, c] = await Promise.all([get(orders.declined.id), get(orders.pooled.id), get(orders.worked.id)]);
      return a.assignee?.id === li.id && b.status === 'pooled' && c.assignee?.id === li.id;
    });

    phone = await launchPhone();
    page = phone.page;
    contract.page(page);
    page.setDefaultTimeout(15000);
  });

  afterAll(async () => {
    if (phone?.problems.length) console.log(`browser errors during the journey:\n${phone.problems.join('\n')}`);
    await phone?.close();
    await server?.close();
  });

  step('the technician logs in and sees the orders routed to them, nearest deadline first', async () => {
    await staffLogin(page, server.url, li.username, QUEUE);
    await visibleText(page, '李师傅的工单').waitFor();
    await visible(page, `[aria-label="工单 ${orders.declined.no}"]`).waitFor();
    await visible(page, `[aria-label="工单 ${orders.worked.no}"]`).waitFor();
    await visible(page, '[aria-label="今日概况"]').waitFor();
    await visibleText(page, /剩余/, false).waitFor();
    await screenshot(page, 'staff-queue', { keep: true });
  });

  step('declines one with a reason, and routing moves it to the colleague', async () => {
    await openFromQueue(orders.declined.no);
    await tap(visibleText(page, '拒单'));
    await tap(visible(page, '[role="radio"]:has-text("手头工单太多")'));
    await tap(visibleText(page, '确认拒单'));
    // Back on the queue without it.
    await pageShown(page, QUEUE);
    await eventually(
      'the declined order to go to 张师傅',
      async () => (await get(orders.declined.id)).assignee?.id === zhang.id,
    );
    const declined = await get(orders.declined.id);
    expect(declined.status).toBe('assigned');
    expect(declined.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['decline', 'assign']),
    );
    await page.reload();
    await visible(page, `[aria-label="工单 ${orders.worked.no}"]`).waitFor();
    await expect(
      page.locator(`[aria-label="工单 ${orders.declined.no}"]`).filter({ visible: true }).count(),
    ).resolves.toBe(0);
  });

  step(
    'grabs from the pool while the colleague grabs the same order: exactly one wins, the loser hears who',
    async () => {
      await tap(visible(page, '[role="tab"]:has-text("抢单池")'));
      const grabButton = visible(page, `[aria-label="抢单 ${orders.pooled.no}"]`);
      await grabButton.waitFor();

      // Hold the phone's grab until the colleague's grab is on its way too, then let both go at once.
      let colleague: Promise<HttpResult> | null = null;
      await page.route('**/api/work-orders/*/transitions', async (route: Route) => {
        colleague = server.api.post(
          `/work-orders/${orders.pooled.id}/transitions`,
          { action: 'grab' },
          { token: zhang.token },
        );
        await route.continue();
      });
      const phoneAnswer = page.waitForResponse((r) =>
        r.url().includes(`/api/work-orders/${orders.pooled.id}/transitions`),
      );
      await tap(grabButton);
      const phoneStatus = (await phoneAnswer).status();
      await page.unroute('**/api/work-orders/*/transitions');
      const colleagueRes = await colleague!;

      const statuses = [phoneStatus, colleagueRes.status].sort();
      expect(statuses).toEqual([200, 409]);
      const order = await get(orders.pooled.id);
      expect(order.status).toBe('accepted');
      const grabs = order.timeline.filter((e: { action: string }) => e.action === 'grab');
      expect(grabs).toHaveLength(1);
      if (phoneStatus === 200) {
        // The phone won: the colleague's 409 names 李师傅.
        expect(order.assignee.id).toBe(li.id);
        expect(colleagueRes.body.details.assignee).toMatchObject({ id: li.id, name: '李师傅' });
        await pageShown(page, STAFF_ORDER);
        await visibleText(page, '已接单').waitFor();
        await page.goBack();
        await pageShown(page, QUEUE);
      } else {
        // The colleague won: the phone says who took it.
        expect(order.assignee.id).toBe(zhang.id);
        await visibleText(page, '已被 张师傅 抢走').waitFor();
        await screenshot(page, 'staff-grab-lost');
      }
      await tap(visible(page, '[role="tab"]:has-text("我的工单")'));
    },
  );

  step(
    'works an order through: accept, on the way, arrived, pause and resume, quote, complete with photos',
    async () => {
      await openFromQueue(orders.worked.no);
      for (const [action, status] of [
        ['接单', '已接单'],
        ['出发', '师傅在路上'],
        ['到达', '维修中'],
      ]) {
        await tap(visibleText(page, action));
        await visibleText(page, status).waitFor();
      }
      await visibleText(page, '维修中').waitFor();

      await tap(visibleText(page, '暂停'));
      await tap(visible(page, '[role="radio"]:has-text("住户不在家")'));
      await tap(visibleText(page, '确认暂停'));
      await visibleText(page, '暂停中').waitFor();
      await tap(visibleText(page, '继续'));
      await visibleText(page, '维修中').waitFor();

      await tap(visibleText(page, '报价'));
      await visible(page, '[aria-label="项目名称"] input, input[aria-label="项目名称"]').fill('更换角阀');
      await visible(page, '[aria-label="人工金额"] input, input[aria-label="人工金额"]').fill('35');
      await visible(page, '[aria-label="标准外原因"] input, input[aria-label="标准外原因"]').fill('角阀老化');
      await tap(visibleText(page, '添加项目'));
      await visibleText(page, '¥35.00').waitFor();
      await tap(visibleText(page, '提交报价'));
      await visibleText(page, '待确认报价').waitFor();
      await visibleText(page, '待住户确认').waitFor();
      await visibleText(page, '已报价').waitFor({ state: 'hidden' });
      await screenshot(page, 'staff-order', { keep: true });

      // The resident approves the price in their app.
      await transition(resident.token, orders.worked.id, { action: 'approve_quote' });
      await page.reload();
      await visibleText(page, '住户已同意').waitFor();

      await tap(visibleText(page, '完工'));
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tap(visibleText(page, '拍照/相册'))]);
      await chooser.setFiles({ name: 'fixed.png', mimeType: 'image/png', buffer: leakPhotoPng() });
      await visible(page, '.photo-img').waitFor();
      await eventually('the photo upload to finish', async () => (await page.locator('.photo-state').count()) === 0);
      // A free repair (within the property fee): the resident's rating can close it later.
      await tap(visible(page, '[role="checkbox"]:has-text("免费维修")'));
      await tap(visibleText(page, '确认完工'));
      await visibleText(page, '已完工').waitFor();

      const done = await get(orders.worked.id);
      expect(done.status).toBe('completed');
      const actions = done.timeline.map((e: { action: string }) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['accept', 'depart', 'arrive', 'pause', 'resume', 'quote', 'approve_quote', 'complete']),
      );
      const complete = done.timeline.find((e: { action: string }) => e.action === 'complete');
      expect(complete.photoIds).toHaveLength(1);
      expect(done.quote).toMatchObject({ totalFen: 3500, approved: true });

      // Today's summary counts it.
      await page.goBack();
      await pageShown(page, QUEUE);
      await page.reload();
      const card = visible(page, '[aria-label="今日概况"]');
      await eventually('今日完成 1', async () => /1\s*今日完成/.test((await card.textContent()) ?? ''));
    },
  );

  step('the desk files a phone report for a caller', async () => {
    // The resident was unhappy: a low rating opens a follow-up call for the desk.
    const rated = await server.api.post(
      `/work-orders/${orders.worked.id}/rating`,
      { stars: 2, fixed: true, comment: '师傅来晚了' },
      { token: resident.token },
    );
    expect(rated.status).toBe(201);

    await staffLogin(page, server.url, desk.username, DESK_HOME);
    await visibleText(page, '客服工作台').waitFor();
    await tap(visible(page, '[aria-label="电话报修"]'));
    await tap(visibleText(page, COMMUNITY_NAME));
    await tap(visibleText(page, buildingName));
    const room = houseLabel.slice(-3);
    await visible(page, '[aria-label="房号"] input, input[aria-label="房号"]').fill(room);
    await tap(visibleText(page, houseLabel));
    await tap(visible(page, '[role="radio"][aria-label="王芳"]'));
    await tap(visible(page, '[role="radio"]:has-text("电路停电")'));
    await tap(visible(page, '[role="radio"]:has-text("加急")'));
    await visible(page, '[aria-label="问题描述"] textarea, textarea[aria-label="问题描述"]').fill('卫生间插座冒火花');
    await screenshot(page, 'staff-desk-phone-order', { keep: true });
    await tap(visibleText(page, '登记工单'));
    const status = visible(page, '[role="status"]');
    await status.waitFor();
    const no = /工单号\s*([A-Z0-9]+-\d{8}-\d+)/.exec((await status.textContent()) ?? '')![1];

    const list = await server.api.get(`/work-orders?q=${encodeURIComponent(no)}`, { token: desk.token });
    expect(list.body.items).toHaveLength(1);
    const filed = await get(list.body.items[0].id);
    expect(filed).toMatchObject({
      channel: 'phone',
      kind: 'repair',
      category: 'electrical',
      priority: 'P2',
      houseId,
      description: '卫生间插座冒火花',
      reporter: { id: resident.id },
    });
    // The resident sees it in their own app.
    expect((await server.api.get(`/work-orders/${filed.id}`, { token: resident.token })).status).toBe(200);
  });

  step('the desk calls the unhappy resident and records the follow-up', async () => {
    await openRoute(page, server.url, DESK_HOME);
    await tap(visible(page, '[aria-label="回访"]'));
    const record = visible(page, `[aria-label="记录回访 ${orders.worked.no}"]`);
    await record.waitFor();
    await visibleText(page, '差评').waitFor();
    await tap(record);
    await tap(visible(page, '[role="radio"]:has-text("联系上了")'));
    await tap(visible(page, '[aria-label="住户评分 4 星"]'));
    await tap(visible(page, '[role="radio"]:has-text("修好了")'));
    await visible(page, '[aria-label="回访结果"] textarea, textarea[aria-label="回访结果"]').fill(
      '已致歉，住户表示水槽不漏了',
    );
    await screenshot(page, 'staff-desk-follow-up');
    await tap(visibleText(page, '保存回访'));
    await visibleText(page, '没有待回访的工单').waitFor();

    const done = await server.api.get('/follow-ups?status=done', { token: desk.token });
    const call = done.body.items.find((f: { workOrderId: number }) => f.workOrderId === orders.worked.id);
    expect(call).toMatchObject({
      status: 'done',
      reason: 'low_rating',
      channel: 'phone',
      reached: true,
      stars: 4,
      fixed: true,
      outcome: '已致歉，住户表示水槽不漏了',
      doneBy: { id: desk.id },
    });
  });

  step('the supervisor sees an order past 75% of its deadline and reassigns it with one tap and a reason', async () => {
    // An emergency (P1: accept within 5 minutes) nobody accepts; 4 minutes later it is past 75%.
    orders.late = await residentFiles('electrical', '配电箱冒烟', 'P1');
    const first = await eventually('the emergency to be assigned', async () => {
      const o = await get(orders.late.id);
      return o.status === 'assigned' ? o : null;
    });
    server.app.get(Clock).advance(4 * 60_000);
    await eventually('the 75% escalation', async () => {
      await tick();
      const res = await server.api.get('/work-orders?atRisk=75', { token: boss.token });
      return res.body.items.some((o: { id: number }) => o.id === orders.late.id);
    });

    await staffLogin(page, server.url, boss.username, BOARD);
    await visibleText(page, '团队看板').waitFor();
    const reassign = visible(page, `[aria-label="改派 ${orders.late.no}"]`);
    await reassign.waitFor();
    await visibleText(page, '升级提醒').waitFor();
    await screenshot(page, 'staff-board', { keep: true });

    const other = first.assignee.id === li.id ? zhang : li;
    await tap(reassign);
    await tap(visible(page, `[role="radio"][aria-label="${other.name}"]`));
    await tap(visible(page, '[role="radio"]:has-text("原师傅手头工单太多")'));
    await tap(visibleText(page, '确认'));
    await visibleText(page, `已改派给 ${other.name}`).waitFor();

    const moved = await get(orders.late.id);
    expect(moved).toMatchObject({ status: 'assigned', assignee: { id: other.id } });
    const assign = [...moved.timeline].reverse().find((e: { action: string }) => e.action === 'assign');
    // The reason is on the timeline, for the technicians and the resident to see.
    expect(assign).toMatchObject({
      actor: { id: boss.id },
      note: '原师傅手头工单太多',
      handover: { from: { id: first.assignee.id }, to: { id: other.id } },
    });
  });

  step('the supervisor approves a technician’s leave', async () => {
    const filed = await server.api.post(
      `/staff/${zhang.id}/leave`,
      { startAt: '2031-03-03T09:00:00+08:00', endAt: '2031-03-03T18:00:00+08:00', reason: '孩子开家长会' },
      { token: zhang.token },
    );
    expect(filed.status).toBe(201);
    await page.reload();
    await tap(visible(page, '[aria-label="请假审批"]'));
    await tap(visible(page, '[aria-label="批准 张师傅"]'));
    await visibleText(page, '没有待审批的请假').waitFor();
    const approved = await server.api.get('/leave?status=approved', { token: boss.token });
    expect(approved.body.map((l: { id: number }) => l.id)).toContain(filed.body.id);
  });

  step('every answer the spec and its page received is one the OpenAPI document describes', async () => {
    expect(await contract.violations()).toEqual([]);
    expect(contract.checked).toBeGreaterThan(10);
  });
});
