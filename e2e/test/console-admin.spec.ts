// The admin console's master data, rules and audit log in headless Chromium against the real
// server with the demo data: the admin logs in through the form, imports a community from an
// Excel file made here (and a bad file is refused with the row-level report, nothing imported),
// sets the imported community's service phone in its row (a bad number shows the server's error),
// edits a routing rule on the Rules page so that a new order created through the API follows
// it, checks every tab fits 1280x800, reads a survey's results (equal to the API's), approves a
// binding the registry could not verify, sets a community's rating window, and finds the changes
// in the audit log with their before and after. Steps share one server and one browser and run
// in order.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import type {
  AuditLogEntryView,
  CategoryView,
  CommunityRow,
  HouseBindingView,
  ImportProblem,
  Page as ApiPage,
  RoutingRuleView,
  WorkOrderView,
} from '@linli/shared';
import { TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { screenshot } from './support/browser.js';
import {
  assertConsolePrerequisites,
  DEMO_PASSWORD,
  launchDesktop,
  loginThroughForm,
  pickOption,
  startDemoServer,
  type DesktopBrowser,
} from './support/console.js';
import { ContractWatch } from './support/contract.js';

type Rows = Array<Array<string | number | null>>;

/** A workbook in the import template's layout (sheets 小区, 房屋, 住户). */
async function workbook(communities: Rows, houses: Rows, residents: Rows): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheets: Array<[string, string[], Rows]> = [
    ['小区', ['小区编码', '小区名称', '地址', '户数'], communities],
    ['房屋', ['小区编码', '楼栋', '单元', '楼层', '房号', '面积'], houses],
    ['住户', ['小区编码', '楼栋', '单元', '房号', '姓名', '手机号', '关系'], residents],
  ];
  for (const [name, header, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    sheet.addRow(header);
    rows.forEach((r) => sheet.addRow(r));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe(`admin console: master data, rules, audit (${TEST_DB})`, () => {
  let server: TestServer;
  let browser: DesktopBrowser;
  let page: Page;
  let contract: ContractWatch;
  let token: string;
  let dir: string;
  let rule: RoutingRuleView;
  let houseId: number;
  let category: string;

  const api = async <T>(p: string): Promise<T> => {
    const res = await server.api.get<T>(p, { token });
    if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const communitiesNamed = (q: string) =>
    api<ApiPage<CommunityRow>>(`/master-data/communities?q=${encodeURIComponent(q)}`);
  const houseCount = async () => Number((await server.ds.query('SELECT COUNT(*) AS n FROM house'))[0].n);

  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `console-admin-failed-step-${n}`).catch(() => null);
        if (err instanceof Error) err.message += `\n(screenshot: ${file ?? 'none'}, page: ${page.url()})`;
        throw err;
      }
    });
  };

  const menu = async (label: string) => {
    await page.getByTestId('side-menu').getByText(label, { exact: true }).click();
  };
  const upload = async (name: string, buf: Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, buf);
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('import-submit').click();
  };

  beforeAll(async () => {
    assertConsolePrerequisites();
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-import-'));
    server = await startDemoServer();
    // Every answer from here on, the spec's own requests and the page's alike, is checked against the document.
    contract = await ContractWatch.start(server);
    const login = await server.api.post('/auth/password', { username: 'admin', password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    token = login.body.token;
    browser = await launchDesktop();
    page = browser.page;
    contract.page(page);
    page.setDefaultTimeout(20000);
  }, 120000);

  afterAll(async () => {
    if (browser?.problems.length) console.log(`browser errors:\n${browser.problems.join('\n')}`);
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step('the admin logs in through the console form and opens the master data page', async () => {
    await loginThroughForm(page, server.url, 'admin');
    await menu('基础数据');
    await page.getByTestId('communities-table').getByText('海月花园').waitFor();
    await page.getByTestId('communities-table').getByText('翠湖苑').waitFor();
  });

  step('imports a community from an Excel file; it appears in the console and the API', async () => {
    expect((await communitiesNamed('青溪苑')).total).toBe(0);
    const good = await workbook(
      [['QX', '青溪苑', '深圳市龙岗区青溪路9号', null]],
      [
        ['QX', '1栋', '1单元', 2, '201', 88.5],
        ['QX', '1栋', '1单元', 2, '202', 90],
        ['QX', '2栋', null, 5, '501', null],
      ],
      [
        ['QX', '1栋', '1单元', '201', '林晓', '13812340001', '业主'],
        ['QX', '2栋', null, '501', '高远', '13812340002', '租户'],
      ],
    );
    await upload('青溪苑.xlsx', good);
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('导入成功');

    const list = await communitiesNamed('青溪苑');
    expect(list.items).toEqual([expect.objectContaining({ code: 'QX', houses: 3, buildings: 2, households: 3 })]);
    // The browse table searches on the server.
    const table = page.getByTestId('communities-table');
    await page.getByPlaceholder('名称或编码').fill('青溪');
    await page.getByPlaceholder('名称或编码').press('Enter');
    await table.getByText('青溪苑').waitFor();
    await table.getByText('海月花园').waitFor({ state: 'detached' });
    await table.getByText('青溪苑').click();
    const houses = page.getByTestId('houses-table');
    await houses.getByText('1栋1单元201').waitFor();
    expect(await houses.textContent()).toContain('88.5');
    await screenshot(page, 'console-master-data-import');
  });

  step('a bad file is refused with the row-level report, and nothing is imported', async () => {
    const before = await houseCount();
    const bad = await workbook(
      [
        ['QX', '重复的小区', '', null],
        ['BD', '', '', null],
      ],
      [
        ['BD', '1栋', null, '三楼', '301', null],
        ['NOPE', '1栋', null, 1, '101', null],
      ],
      [['BD', '1栋', null, '301', '坏数据', '12345', '房东']],
    );
    await upload('bad.xlsx', bad);
    const report = page.getByTestId('import-report');
    await report.waitFor();
    const expected: ImportProblem[] = [
      { sheet: '小区', row: 2, column: '小区编码', problem: '该小区编码已存在' },
      { sheet: '小区', row: 3, column: '小区名称', problem: '必填' },
      { sheet: '房屋', row: 2, column: '楼层', problem: '须为 -10 到 300 的整数' },
      { sheet: '房屋', row: 3, column: '小区编码', problem: '小区不存在（既不在本文件“小区”中，也不在系统中）' },
      { sheet: '住户', row: 2, column: '手机号', problem: '须为 11 位手机号' },
      { sheet: '住户', row: 2, column: '关系', problem: '须为 业主、家属 或 租户' },
    ];
    const rows = await report
      .locator('tbody tr.ant-table-row')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(rows).toEqual(expected.map((p) => [p.sheet, String(p.row), p.column, p.problem]));
    expect(await page.getByText('未导入任何数据').count()).toBeGreaterThan(0);

    // The API agrees: the file's community does not exist and no house was added.
    expect((await communitiesNamed('BD')).total).toBe(0);
    expect(await houseCount()).toBe(before);
    await screenshot(page, 'console-master-data-import-report');
  });

  step("the admin sets the imported community's service phone in its row; a bad number is refused", async () => {
    const qx = (await communitiesNamed('青溪苑')).items[0];
    expect(qx.servicePhone).toBeNull();
    await menu('基础数据');
    await page.getByRole('tab', { name: '小区与房屋' }).click();
    await page.getByPlaceholder('名称或编码').fill('青溪');
    await page.getByPlaceholder('名称或编码').press('Enter');
    const input = page.getByTestId(`service-phone-${qx.id}`);
    const save = page.getByTestId(`service-phone-save-${qx.id}`);

    await input.fill('abc');
    await save.click();
    const error = page.getByTestId(`service-phone-error-${qx.id}`);
    await error.waitFor();
    expect(await error.textContent()).toContain('servicePhone');
    expect((await communitiesNamed('青溪苑')).items[0].servicePhone).toBeNull();

    await input.fill(' 0755-86005678 ');
    await save.click();
    await page.getByText('已保存').waitFor();
    await error.waitFor({ state: 'detached' });
    expect(await input.inputValue()).toBe('0755-86005678');
    // The new column keeps the page within 1280 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1280);
    expect((await communitiesNamed('青溪苑')).items[0].servicePhone).toBe('0755-86005678');
    const options = await api<Array<{ id: number; servicePhone: string | null }>>('/communities');
    expect(options.find((c) => c.id === qx.id)?.servicePhone).toBe('0755-86005678');
    const [entry] = (await api<ApiPage<AuditLogEntryView>>(`/audit-log?entityType=community&entityId=${qx.id}`)).items;
    expect(entry).toMatchObject({
      action: 'update',
      before: { servicePhone: null },
      after: { servicePhone: '0755-86005678' },
    });
  });

  step('the admin edits a routing rule on the Rules page; a new order follows it', async () => {
    const resident = await server.api.post('/auth/wechat', { code: 'resident1' });
    expect(resident.status).toBe(200);
    const [house] = (
      await server.api.get<HouseBindingView[]>('/me/houses', { token: resident.body.token })
    ).body.filter((h) => h.status === 'verified');
    houseId = house.houseId;
    category = (await api<CategoryView[]>('/categories'))[0].code;
    // The most specific scope (community + category + priority): no other rule outranks it.
    const scope = { communityId: house.communityId, category, priority: 'P4' as const };
    const existing = (await api<RoutingRuleView[]>('/routing-rules')).find(
      (r) => r.communityId === scope.communityId && r.category === scope.category && r.priority === scope.priority,
    );
    const created = existing
      ? await server.api.request('PUT', `/routing-rules/${existing.id}`, { token, body: { ...scope, mode: 'auto' } })
      : await server.api.post('/routing-rules', { ...scope, mode: 'auto' }, { token });
    expect([200, 201]).toContain(created.status);
    rule = created.body;

    await menu('派单与时效规则');
    await page.getByTestId(`rule-edit-${rule.id}`).click();
    await pickOption(page, 'rule-mode', '抢单');
    await page.getByTestId('rule-save').click();
    await page.getByText('派单规则已保存').waitFor();
    const row = page.getByTestId('rules-table').locator(`tr[data-row-key="${rule.id}"]`);
    await row.getByText('抢单').waitFor();

    const preview = await api<{ rule: RoutingRuleView | null }>(
      `/routing-rules/preview?communityId=${house.communityId}&category=${category}&priority=P4`,
    );
    expect(preview.rule).toMatchObject({ id: rule.id, mode: 'pool' });

    const order = await server.api.post(
      '/work-orders',
      { category, description: '小区围墙需要重新粉刷', houseId, priority: 'P4' },
      { token: resident.body.token, headers: { 'Idempotency-Key': 'e2e-console-admin-1' } },
    );
    expect(order.status).toBe(201);
    const fresh = await api<WorkOrderView>(`/work-orders/${order.body.id}`);
    expect(fresh).toMatchObject({ status: 'pooled', routingState: 'pooled', assignee: null });
    const decisions = await api<Array<{ mode: string }>>(`/work-orders/${order.body.id}/routing`);
    expect(decisions[0].mode).toBe('pool');
    await screenshot(page, 'console-rules');
  });

  step('every tab of master data, rules and surveys loads at 1280x800 without overflow', async () => {
    const fits = async (where: string) => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect([where, width]).toEqual([where, 1280]);
    };
    await menu('基础数据');
    for (const [tab, table] of [
      ['绑定审核', 'bindings-table'],
      ['员工', 'staff-table'],
    ]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByTestId(table).locator('tbody tr.ant-table-row, tbody tr.ant-table-placeholder').first().waitFor();
      await fits(tab);
    }
    await page.getByTestId('staff-table').getByText('设置').first().click();
    await page.getByText('每周排班').waitFor();
    await fits('staff drawer');
    await page.keyboard.press('Escape');
    for (const tab of ['班组', '请假审批']) {
      await page.getByRole('tab', { name: tab }).click();
      await fits(tab);
    }
    await menu('派单与时效规则');
    for (const tab of ['时效策略', '收费标准', '回访与评价']) {
      await page.getByRole('tab', { name: tab }).click();
      await fits(tab);
    }
    await page.getByTestId('rating-window').waitFor();
  });

  step('survey results show the ACSI index, NPS and response rate the API computes', async () => {
    const surveys = await api<Array<{ id: number; status: string; title: string }>>('/surveys');
    const closed = surveys.find((s) => s.status === 'closed')!;
    const results = await api<{ acsi: number | null; nps: { nps: number | null }; responseRate: number | null }>(
      `/surveys/${closed.id}/results`,
    );
    expect(results.acsi).not.toBeNull();
    await menu('满意度调查');
    await page.getByRole('tab', { name: '全部调查' }).click(); // the first tab is 定期调查
    const row = page.getByTestId('surveys-table').locator(`tr[data-row-key="${closed.id}"]`);
    await row.getByText('结果').click();
    await page.getByTestId('metric-survey-acsi').waitFor();
    const value = async (name: string) => Number(await page.getByTestId(`metric-${name}`).getAttribute('data-value'));
    expect(await value('survey-acsi')).toBe(results.acsi);
    expect(await value('survey-nps')).toBe(results.nps.nps);
    expect(await value('survey-response-rate')).toBe(results.responseRate);
    expect(await page.getByText('服务质量各维度均分（SERVPERF，1-5 分）').count()).toBe(1);
    await screenshot(page, 'console-survey-results');
    await page.keyboard.press('Escape');
  });

  step('a resident binding that the registry cannot verify is approved on the console', async () => {
    const qx = (await communitiesNamed('青溪苑')).items[0];
    const houses = await api<ApiPage<{ id: number; label: string }>>(`/master-data/houses?communityId=${qx.id}`);
    const house = houses.items.find((h) => h.label === '1栋1单元202')!;
    const resident = await server.api.post('/auth/wechat', { code: 'resident2' });
    const request = await server.api.post(
      '/me/houses',
      { houseId: house.id, relation: 'tenant', name: '新租客', phoneCode: server.fake.phoneCode('13812349999') },
      { token: resident.body.token },
    );
    expect([request.status, request.body.status]).toEqual([201, 'pending']);

    await menu('基础数据');
    await page.getByRole('tab', { name: '绑定审核' }).click();
    const row = page.getByTestId('bindings-table').locator(`tr[data-row-key="${request.body.id}"]`);
    await row.getByText('1栋1单元202').waitFor();
    await row.getByRole('button', { name: '通过' }).click();
    await row.waitFor({ state: 'detached' });
    const mine = await server.api.get<HouseBindingView[]>('/me/houses', { token: resident.body.token });
    expect(mine.body.find((b) => b.id === request.body.id)?.status).toBe('verified');
  });

  step('the rating window of a community is set on the Rules page', async () => {
    const community = (await communitiesNamed('青溪苑')).items[0];
    await menu('派单与时效规则');
    await page.getByRole('tab', { name: '回访与评价' }).click();
    const card = page.locator('.ant-card').filter({ hasText: '评价期限（天）' });
    await card.locator('.ant-select').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '青溪苑' }).click();
    const input = page.getByTestId('rating-window');
    await input.fill('3');
    await card.getByRole('button', { name: '保存' }).click();
    await page.getByText('回访与评价设置已保存').waitFor();
    const policy = await api<{ ratingWindowDays: number | null }>(`/communities/${community.id}/follow-up-policy`);
    expect(policy.ratingWindowDays).toBe(3);
  });

  step('the audit log page shows the change with its before and after', async () => {
    const log = await api<ApiPage<AuditLogEntryView>>('/audit-log?entityType=routing_rule&pageSize=5');
    const entry = log.items.find((e) => e.entityId === rule.id && e.action === 'update' && e.after)!;
    expect(entry).toMatchObject({
      before: { mode: 'auto' },
      after: { mode: 'pool' },
      actor: { name: expect.any(String) },
    });

    await menu('审计日志');
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    const first = table.locator(`tr[data-row-key="${entry.id}"]`);
    await first.waitFor();
    expect(await first.textContent()).toContain('派单规则');
    expect(await first.textContent()).toContain('修改');
    await first.locator('.ant-table-row-expand-icon').click();
    const diff = page.getByTestId(`audit-diff-${entry.id}`);
    await diff.waitFor();
    // Chinese field names and labelled values, no raw codes.
    const mode = diff.locator('tr').filter({ has: page.locator('[data-field="mode"]') });
    expect(await mode.locator('td').allTextContents()).toEqual(['派单方式', '自动派单', '抢单']);
    // The import of the first step is in the log too.
    const imports = await api<ApiPage<AuditLogEntryView>>('/audit-log?entityType=master_data_import');
    expect(imports.total).toBe(1);
    const [review] = (await api<ApiPage<AuditLogEntryView>>('/audit-log?entityType=house_binding')).items;
    expect(review).toMatchObject({ action: 'review', after: { status: 'verified' } });
    const [window] = (await api<ApiPage<AuditLogEntryView>>('/audit-log?entityType=follow_up_policy')).items;
    expect(window).toMatchObject({ before: { ratingWindowDays: null }, after: { ratingWindowDays: 3 } });
    await screenshot(page, 'console-audit');
  });

  step('every answer the spec and its page received is one the OpenAPI document describes', async () => {
    expect(await contract.violations()).toEqual([]);
    expect(contract.checked).toBeGreaterThan(10);
  });
});
