// The admin console in headless Chromium against the real server with the demo data: the admin
// logs in through the form, the dashboard's figures and charts equal the API's answers, the
// work-order table filters on the server, an order's detail shows its timeline, SLA, routing
// and rating, an office action goes through the state machine, and an Excel export opens with
// the rows the API lists. Steps share one server and one browser and run in order.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import type {
  BreakdownView,
  DriversView,
  HotspotsView,
  Page as ApiPage,
  RoutingExplanationView,
  SummaryView,
  WorkOrderDetailView,
  WorkOrderView,
} from '@linli/shared';
import { TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { eventually, screenshot } from './support/browser.js';
import { leakPhotoPng } from './support/png.js';
import {
  assertConsolePrerequisites,
  chartPoints,
  DEMO_PASSWORD,
  drawnPixels,
  launchDesktop,
  loginThroughForm,
  metricValue,
  pickOption,
  startDemoServer,
  type DesktopBrowser,
} from './support/console.js';
import { ContractWatch } from './support/contract.js';
import { withCompletionPhoto } from '../../server/src/testing/photos.js';

describe(`admin console (${TEST_DB})`, () => {
  let server: TestServer;
  let browser: DesktopBrowser;
  let page: Page;
  let contract: ContractWatch;
  let token: string;
  let routedOrderId: number;

  const api = async <T>(path: string): Promise<T> => {
    const res = await server.api.get<T>(path, { token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  let stepNo = 0;
  const step = (title: string, body: () => Promise<void>) => {
    const n = ++stepNo;
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `console-failed-step-${n}`).catch(() => null);
        if (err instanceof Error) err.message += `\n(screenshot: ${file ?? 'none'}, page: ${page.url()})`;
        throw err;
      }
    });
  };

  beforeAll(async () => {
    assertConsolePrerequisites();
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
  });

  step('serves the console at / and falls back to it for client routes; the API stays JSON', async () => {
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root">');
    const deep = await fetch(`${server.url}/work-orders/1`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    const apiMiss = await fetch(`${server.url}/api/nope`, { headers: { accept: 'text/html' } });
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.headers.get('content-type')).toContain('application/json');
  });

  step('the admin logs in through the form and sees every page of the admin menu', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').waitFor();
    await screenshot(page, 'console-login');
    await loginThroughForm(page, server.url, 'admin');
    await expect(page.getByTestId('current-user').textContent()).resolves.toContain('管理员');
    const menu = await page.getByTestId('side-menu').locator('.ant-menu-item').allTextContents();
    expect(menu).toEqual([
      '满意度看板',
      '工单管理',
      '基础数据',
      '派单与时效规则',
      '满意度调查',
      '通知与二维码',
      '巡检与保养',
      '费用收款',
      '审计日志',
      '短信记录',
    ]);
  });

  step('the dashboard shows every figure and chart of the demo data, equal to the API', async () => {
    await page.getByTestId('side-menu').getByText('满意度看板').click();
    const dashboard = page.getByTestId('dashboard');
    await dashboard.waitFor();
    const from = (await dashboard.getAttribute('data-from'))!;
    const to = (await dashboard.getAttribute('data-to'))!;
    const q = `from=${from}&to=${to}`;
    const [summary, months, categories, technicians, drivers, hotspots] = await Promise.all([
      api<SummaryView>(`/satisfaction/summary?${q}`),
      api<BreakdownView>(`/satisfaction/breakdown?${q}&by=month`),
      api<BreakdownView>(`/satisfaction/breakdown?${q}&by=category`),
      api<BreakdownView>(`/satisfaction/breakdown?${q}&by=technician`),
      api<DriversView>(`/satisfaction/drivers?${q}`),
      api<HotspotsView>(`/satisfaction/hotspots?${q}&limit=200`),
    ]);
    expect(summary.counts.rated).toBeGreaterThan(0);

    // Headline figures: the DOM keeps the API's raw number.
    await page.getByTestId('metric-index').and(page.locator(':not([data-value="null"])')).waitFor();
    const expected: Record<string, number | null> = {
      index: summary.index.value,
      csat: summary.csat.value,
      'response-rate': summary.responseRate,
      'sla-overall': summary.sla.overall.compliance,
      'first-time-fix-rate': summary.firstTimeFixRate,
      'repeat-rate': summary.repeatRate,
      'reopen-rate': summary.reopenRate,
      'complaints-per-1000': summary.complaintsPer1000Households,
    };
    for (const [name, value] of Object.entries(expected)) {
      expect([name, await metricValue(page, name)]).toEqual([name, value]);
      expect([name, value]).not.toEqual([name, null]);
    }
    // What the figures show on screen is the same number, formatted.
    await expect(page.getByTestId('metric-index').textContent()).resolves.toBe(summary.index.value.toFixed(1));
    await expect(page.getByTestId('metric-csat').textContent()).resolves.toBe(
      `${(summary.csat.value! * 100).toFixed(1)}%`,
    );

    // Charts: the plotted numbers are the API's, and the canvas is drawn.
    const charts: Record<string, unknown[]> = {
      'index-trend': months.rows.map((r) => r.index),
      sla: (['accept', 'arrive', 'resolve'] as const)
        .filter((st) => summary.sla[st].total > 0)
        .map((st) => summary.sla[st].compliance),
      durations: (['accept', 'arrive', 'resolve'] as const)
        .filter((st) => summary.durations[st].n > 0)
        .flatMap((st) => [summary.durations[st].medianMinutes, summary.durations[st].p90Minutes]),
      drivers: drivers.drivers.filter((d) => d.impact !== null).map((d) => d.impact),
      categories: categories.rows.map((r) => r.index),
      hotspots: hotspots.rows.map((r) => r.trend.current),
    };
    for (const [name, values] of Object.entries(charts)) {
      expect([name, values.length > 0]).toEqual([name, true]);
      await page.getByTestId(`chart-${name}`).locator('canvas').first().waitFor();
      expect([name, await chartPoints(page, name)]).toEqual([name, values]);
      expect([name, (await drawnPixels(page, name)) > 500]).toEqual([name, true]);
    }
    // The trend has the index interval of every month.
    for (const r of months.rows) expect(r.indexInterval === null || r.indexInterval.low <= r.index).toBe(true);

    // Technician ranking: ranks as the API gives them, 'not enough data' where it gives none.
    const table = page.getByTestId('table-technicians');
    for (const row of technicians.rows.slice(0, 10)) {
      const tr = table.getByTestId(`technician-${row.key}`);
      await expect(tr.getByTestId('technician-index').getAttribute('data-value')).resolves.toBe(String(row.index));
      const rank = await tr.getByTestId('technician-rank').getAttribute('data-value');
      expect(rank).toBe(row.enoughData ? String(row.rank) : 'null');
      if (!row.enoughData) await expect(tr.textContent()).resolves.toContain('数据不足');
    }

    // Each figure explains itself on hover.
    await page.getByTestId('dashboard').getByText('满意率（CSAT）').first().hover();
    await page.locator('.ant-tooltip').filter({ hasText: 'Wilson' }).first().waitFor();
    await page.mouse.move(0, 0);
    await page
      .locator('.ant-tooltip:visible')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);

    // At-risk orders: the API's open orders past 50% of an SLA target, nearest deadline first.
    const atRisk = await api<ApiPage<WorkOrderView>>(
      `/work-orders?status=submitted,pooled,assigned,accepted,on_the_way,in_progress,paused,quoted,reopened&atRisk=50&sort=sla&pageSize=10`,
    );
    const shown = await page.getByTestId('table-at-risk').locator('tbody tr.ant-table-row').count();
    expect(shown).toBe(atRisk.items.length);

    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-dashboard', { keep: true });
    await screenshot(page, 'console-dashboard-full', { fullPage: true });
  });

  step('the work-order table filters on the server', async () => {
    await page.getByTestId('side-menu').getByText('工单管理').click();
    await page.getByTestId('order-table').waitFor();
    const all = await api<ApiPage<WorkOrderView>>('/work-orders?pageSize=20');
    await expect(page.getByTestId('order-total').getAttribute('data-value')).resolves.toBe(String(all.total));

    await pickOption(page, 'filter-status', '已关闭');
    await page.waitForURL(/status=closed/);
    const closed = await api<ApiPage<WorkOrderView>>('/work-orders?status=closed&pageSize=20');
    await page
      .getByTestId('order-total')
      .and(page.locator(`[data-value="${closed.total}"]`))
      .waitFor();
    expect(closed.total).toBeGreaterThan(0);
    expect(closed.total).toBeLessThan(all.total);
    const firstRow = page.getByTestId(`order-row-${closed.items[0].id}`);
    await expect(firstRow.textContent()).resolves.toContain(closed.items[0].no);
    await screenshot(page, 'console-orders');
  });

  step('a resident reports with a photo; routing assigns it; the work is done and rated (API)', async () => {
    const resident = await server.api.post('/auth/wechat', { code: 'resident1' });
    expect(resident.status).toBe(200);
    const residentToken: string = resident.body.token;
    const houses = await server.api.get('/me/houses', { token: residentToken });
    const house = (houses.body as Array<{ houseId: number; status: string }>).find((h) => h.status === 'verified')!;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(leakPhotoPng(160, 120))], { type: 'image/png' }), 'leak.png');
    const upload = await server.api.post('/uploads', form, { token: residentToken });
    expect(upload.status).toBe(201);
    const created = await server.api.post(
      '/work-orders',
      {
        category: 'plumbing',
        description: '卫生间地漏返水，地面有积水',
        houseId: house.houseId,
        photoIds: [upload.body.id],
      },
      { token: residentToken, headers: { 'Idempotency-Key': 'console-e2e-order-1' } },
    );
    expect(created.status).toBe(201);
    routedOrderId = created.body.id;

    // The technicians' tokens by user id (the demo technicians are tech1 … tech6).
    const techTokens = new Map<number, string>();
    for (let i = 1; i <= 6; i++) {
      const login = await server.api.post('/auth/password', { username: `tech${i}`, password: DEMO_PASSWORD });
      techTokens.set(login.body.user.id, login.body.token);
    }
    let order = await api<WorkOrderDetailView>(`/work-orders/${routedOrderId}`);
    const routing = await api<unknown[]>(`/work-orders/${routedOrderId}/routing`);
    expect(routing.length).toBeGreaterThan(0);
    if (!order.assignee) {
      const staff = await api<Array<{ id: number; communityIds: number[] }>>('/staff?role=technician');
      const tech = staff.find((t) => t.communityIds.includes(order.communityId))!;
      const assigned = await server.api.post(
        `/work-orders/${routedOrderId}/transitions`,
        { action: 'assign', assigneeId: tech.id },
        { token },
      );
      expect(assigned.status).toBe(200);
      order = assigned.body;
    }
    const techToken = techTokens.get(order.assignee!.id)!;
    for (const action of ['accept', 'arrive', 'complete']) {
      const body = await withCompletionPhoto(server, techToken, { action });
      const res = await server.api.post(`/work-orders/${routedOrderId}/transitions`, body, { token: techToken });
      expect([action, res.status]).toEqual([action, 200]);
    }
    const rated = await server.api.post(
      `/work-orders/${routedOrderId}/rating`,
      {
        stars: 5,
        dimensions: { speed: 5, workmanship: 5, attitude: 4, communication: 5 },
        fixed: true,
        tags: ['准时', '专业'],
        comment: '师傅来得很快，修得很好',
      },
      { token: residentToken },
    );
    expect(rated.status).toBe(201);
  });

  step('an order shows its timeline, photos, SLA, routing explanation and rating', async () => {
    const detail = await api<WorkOrderDetailView>(`/work-orders/${routedOrderId}`);
    const routing = await api<unknown[]>(`/work-orders/${routedOrderId}/routing`);
    expect(detail.status).toBe('closed');

    // From the table: search the order number, open it.
    await page.goto(`${server.url}/work-orders`);
    await page.getByTestId('filter-q').locator('input').fill(detail.no);
    await page.getByTestId('filter-q').locator('input').press('Enter');
    await page.getByTestId(`order-row-${detail.id}`).getByText(detail.no).click();
    await page.getByTestId('order-detail').waitFor();
    await expect(page.getByTestId('order-no').textContent()).resolves.toBe(detail.no);
    await expect(page.getByTestId('order-timeline').locator('.ant-timeline-item').count()).resolves.toBe(
      detail.timeline.length,
    );
    // The photo loads through its signed URL (no token).
    const photo = page.getByTestId('order-photos').locator('img').first();
    await photo.waitFor();
    await eventually('the photo to load', async () =>
      photo.evaluate((img) => (img as HTMLImageElement).naturalWidth === 160),
    );
    await expect(page.getByTestId('routing-decision').count()).resolves.toBe(routing.length);
    // Decisions keep the top candidates and the counts; the full list is recomputed on request.
    const full = await api<RoutingExplanationView>(`/work-orders/${routedOrderId}/routing/explain`);
    await page.getByTestId('routing-explain-button').click();
    const result = page.getByTestId('routing-explain-result');
    await result.waitFor();
    await expect(result.getAttribute('data-ranked')).resolves.toBe(String(full.ranked.length));
    await expect(result.textContent()).resolves.toContain('重新计算');
    await screenshot(page, 'console-order-routing-explain', { fullPage: true });
    if (full.ranked.length > 0) {
      await expect(page.getByTestId('routing-explain-ranked').locator('tbody tr.ant-table-row').count()).resolves.toBe(
        Math.min(20, full.ranked.length),
      );
    }
    await expect(page.getByTestId('order-rating-stars').getAttribute('data-value')).resolves.toBe('5');
    await page.getByTestId('order-sla').locator('tbody tr.ant-table-row').first().waitFor();
    // A closed order offers the office only what the state machine allows: reopen.
    await expect(page.getByTestId('order-actions').locator('button').allTextContents()).resolves.toEqual(['返修']);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-order-detail', { keep: true });
  });

  step('the admin reassigns and cancels with a reason through the state machine', async () => {
    const open = await api<ApiPage<WorkOrderView>>('/work-orders?status=assigned,accepted&pageSize=1');
    expect(open.items.length).toBe(1);
    const order = open.items[0];
    await page.goto(`${server.url}/work-orders/${order.id}`);
    await page.getByTestId('order-detail').waitFor();

    // Reassign: 改派 to another technician serving the community.
    await page.getByTestId('action-assign').click();
    await expect(page.getByTestId('action-assign').textContent()).resolves.toContain('改派');
    await page.getByTestId('action-assignee').click();
    const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').first();
    const label = (await option.textContent())!;
    await option.click();
    await page.getByTestId('action-confirm').click();
    const newName = label.split('（')[0];
    await page
      .getByTestId('order-assignee')
      .and(page.locator(`:text-is("${newName}")`))
      .waitFor();
    const reassigned = await api<WorkOrderDetailView>(`/work-orders/${order.id}`);
    expect(reassigned.assignee?.name).toBe(newName);
    expect(reassigned.status).toBe('assigned');

    // Cancel needs a reason: the form refuses to send without one.
    await page.getByTestId('action-cancel').click();
    await page.getByTestId('action-confirm').click();
    await page.getByText('请填写原因').waitFor();
    await page.getByTestId('action-reason').fill('住户已自行修好');
    await page.getByTestId('action-confirm').click();
    await page.getByTestId('order-status').and(page.locator('[data-value="cancelled"]')).waitFor();
    const cancelled = await api<WorkOrderDetailView>(`/work-orders/${order.id}`);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.timeline.at(-1)).toMatchObject({ action: 'cancel', note: '住户已自行修好' });
  });

  step('exports the filtered orders to Excel, and the file opens with the expected rows', async () => {
    const communities = await api<Array<{ id: number; name: string }>>('/communities');
    const community = communities[0];
    await page.goto(`${server.url}/work-orders`);
    await page.getByTestId('order-table').waitFor();
    await pickOption(page, 'filter-community', community.name);
    await pickOption(page, 'filter-status', '已关闭');
    await page.waitForURL(/communityId=.*status=closed|status=closed.*communityId=/);
    const filtered = await api<ApiPage<WorkOrderView>>(`/work-orders?communityId=${community.id}&status=closed`);
    await page
      .getByTestId('order-total')
      .and(page.locator(`[data-value="${filtered.total}"]`))
      .waitFor();

    const requested = page.waitForRequest((r) => r.url().includes('/api/exports/orders.xlsx'));
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-xlsx').click();
    const exportUrl = new URL((await requested).url());
    expect(exportUrl.searchParams.get('communityId')).toBe(String(community.id));
    expect(exportUrl.searchParams.get('status')).toBe('closed');
    const download = await downloading;
    const file = await download.path();
    expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}-c\d+\.xlsx$/);

    // The export covers the last 30 China days (no date filter); the list API takes instants.
    const [, fromDay, toDay] = /^orders-(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})/.exec(download.suggestedFilename())!;
    const fromIso = new Date(`${fromDay}T00:00:00+08:00`).toISOString();
    const toIso = new Date(new Date(`${toDay}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();
    const expectedNos: string[] = [];
    for (let p = 1; ; p++) {
      const chunk = await api<ApiPage<WorkOrderView>>(
        `/work-orders?communityId=${community.id}&status=closed&from=${fromIso}&to=${toIso}&pageSize=100&page=${p}`,
      );
      expectedNos.push(...chunk.items.map((o) => o.no));
      if (p * 100 >= chunk.total) break;
    }
    expect(expectedNos.length).toBeGreaterThan(0);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.getWorksheet('工单')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['工单号', '小区', '楼栋']);
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows.map((r) => r[0]).sort()).toEqual([...expectedNos].sort());
    const statusCol = header.indexOf('状态');
    const communityCol = header.indexOf('小区');
    for (const r of rows) {
      expect(r[statusCol]).toBe('已关闭');
      expect(r[communityCol]).toBe(community.name);
    }
  });

  step('menus follow the role: the desk sees the dashboard, work orders, notices and fees, and no export', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await loginThroughForm(page, server.url, 'desk1');
    const menu = await page.getByTestId('side-menu').locator('.ant-menu-item').allTextContents();
    expect(menu).toEqual(['满意度看板', '工单管理', '通知与二维码', '费用收款']);
    await page.getByTestId('side-menu').getByText('工单管理').click();
    await page.getByTestId('order-table').waitFor();
    await expect(page.getByTestId('export-xlsx').count()).resolves.toBe(0);
    // A technician is refused at the console's door.
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByTestId('login-username').fill('tech1');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('控制台仅供客服、主管和管理员使用');
  });

  step('no uncaught error in the page along the way', async () => {
    expect(browser.problems.filter((p) => p.startsWith('pageerror'))).toEqual([]);
  });

  step('every answer the spec and its page received is one the OpenAPI document describes', async () => {
    expect(await contract.violations()).toEqual([]);
    expect(contract.checked).toBeGreaterThan(10);
  });
});
