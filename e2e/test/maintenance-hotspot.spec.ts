// Planned maintenance from the hotspot map (docs/inspections.md): on the demo data the admin
// opens the dashboard, picks a hot cell (category x building) under the map, creates a monthly
// maintenance plan for it in one step, and sees the plan's start marked on the cell's trend.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import {
  assertConsolePrerequisites,
  DEMO_PASSWORD,
  launchDesktop,
  loginThroughForm,
  startDemoServer,
  type DesktopBrowser,
} from './support/console.js';

describe(`planned maintenance from the hotspot map (${TEST_DB})`, () => {
  let server: TestServer;
  let desktop: DesktopBrowser;

  beforeAll(async () => {
    assertConsolePrerequisites();
    server = await startDemoServer();
    desktop = await launchDesktop();
    desktop.page.setDefaultTimeout(20000);
  }, 180_000);

  afterAll(async () => {
    if (desktop?.problems.length) console.log(`browser errors:\n${desktop.problems.join('\n')}`);
    await desktop?.close();
    await server?.close();
  });

  it('creates a monthly maintenance plan for a hot cell and marks its start on the trend', async () => {
    const page = desktop.page;
    await loginThroughForm(page, server.url, 'admin');
    await page.getByTestId('side-menu').getByText('满意度看板').click();
    const table = page.locator('.ant-table').filter({ hasText: '热点保养' });
    const row = table.locator('.ant-table-row').first();
    await row.waitFor();
    const building = (await row.locator('td').nth(0).textContent())!.trim();
    const category = (await row.locator('td').nth(1).textContent())!.trim();
    await row.getByRole('button', { name: '保养计划' }).click();
    const modal = page.locator('.ant-modal').filter({ hasText: '月度保养计划' });
    await modal.waitFor();
    // The building's own public area, else any of the community: pick the first offered.
    const area = modal.locator('.ant-select').first();
    if (!(await area.locator('.ant-select-selection-item').count())) {
      await area.click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    }
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await row.getByText(/起）/).waitFor();

    const login = await server.api.post('/auth/password', { username: 'admin', password: DEMO_PASSWORD });
    const plans = (await server.api.get('/inspection-plans?kind=maintenance', { token: login.body.token })).body;
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ kind: 'maintenance', frequency: 'monthly', active: true });
    expect(plans[0].name).toContain(building);
    expect(plans[0].name).toContain(category);

    await row.getByRole('button', { name: '趋势' }).click();
    const chart = page.getByTestId('chart-hotspot-cell-trend');
    await chart.locator('canvas').first().waitFor();
    const points = JSON.parse((await chart.getAttribute('data-points')) ?? '[]') as number[];
    expect(points).toHaveLength(6);
    await expect(page.getByText('该位置还没有保养计划').count()).resolves.toBe(0);
  });
});
