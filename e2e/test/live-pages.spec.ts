// Live pages in Chromium: two phones on the real server and H5 build. The technician works an
// order in the staff pages (接单, 出发); the resident's order page, opened before and never
// reloaded, follows each step over the live socket (/api/live). The page proves it heard the
// server's notice (a WebSocket frame) and changed without a reload or a poll.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { RESIDENT_STATUS_LABELS, STATUS_LABELS } from '@linli/shared';
import { Factory, loginResident, loginStaff, STAFF_PASSWORD } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { TechnicianSkill } from '../../server/src/modules/staff/staff.entities.js';
import { assertPrerequisites, eventually, H5_DIR, pageShown, tap, visible, visibleText } from './support/browser.js';
import { CONSOLE_DIR, loginThroughForm } from './support/console.js';
import { Devices, type Device } from './support/journey.js';
import { openRoute, staffLogin } from './support/staff.js';

const RESIDENT_CODE = 'e2e-live-resident';
const ORDER_PAGE = '/subpackages/orders/detail/index';
const STAFF_ORDER = '/subpackages/staff/order/index';
const QUEUE = '/subpackages/staff/queue/index';

/** The notices a page's live socket received, and whether it authenticated. */
function watchLive(page: Page): { frames: string[]; sockets: PageSocket[] } {
  const seen = { frames: [] as string[], sockets: [] as PageSocket[] };
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/api/live')) return;
    seen.sockets.push(ws);
    ws.on('framereceived', (f) => seen.frames.push(String(f.payload)));
  });
  return seen;
}

describe(`live pages in Chromium (${TEST_DB})`, () => {
  let server: TestServer;
  let devices: Devices;
  let resident: Device;
  let tech: Device;
  let orderId: number;
  let techUser: { id: number; username: string | null };
  let desk: { id: number; username: string | null };

  beforeAll(async () => {
    assertPrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR, LINLI_CONSOLE_DIR: CONSOLE_DIR } });
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'LIVE');
    const house = await f.house(community.id);
    techUser = await f.staff('technician', company.id, [community.id]);
    await server.ds.getRepository(TechnicianSkill).save({ userId: techUser.id, category: 'plumbing', level: 4 });
    desk = await f.staff('desk', company.id, [community.id]);
    await f.resident(server, RESIDENT_CODE, [{ id: house.id }]);

    // The order exists and is assigned before either page opens.
    const residentToken = await loginResident(server, RESIDENT_CODE);
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '卫生间漏水（实时）', houseId: house.id },
      { token: residentToken },
    );
    expect(created.status).toBe(201);
    orderId = created.body.id;
    const deskToken = await loginStaff(server, desk);
    const current = await server.api.get(`/work-orders/${orderId}`, { token: deskToken });
    if (current.body.status !== 'assigned') {
      const assigned = await server.api.post(
        `/work-orders/${orderId}/transitions`,
        { action: 'assign', assigneeId: techUser.id },
        { token: deskToken },
      );
      expect(assigned.status).toBe(200);
    }

    devices = await Devices.launch();
    resident = await devices.phone('resident');
    tech = await devices.phone('technician');
  }, 60_000);

  afterAll(async () => {
    for (const d of devices?.all ?? []) {
      if (d.problems.length) console.log(`${d.name}: browser problems:\n${d.problems.join('\n')}`);
    }
    await devices?.close();
    await server?.close();
  });

  it('the resident’s order page follows the technician’s 接单 and 出发 without a reload', async () => {
    const page = resident.page;
    const live = watchLive(page);
    // The resident logs in (H5: a login code) and opens the order.
    await openRoute(page, server.url, '/pages/login/index');
    await visible(page, '.login input').fill(RESIDENT_CODE);
    await tap(visibleText(page, '登录'));
    await visibleText(page, '选择要报修的问题').waitFor();
    await openRoute(page, server.url, `${ORDER_PAGE}?id=${orderId}`);
    await pageShown(page, ORDER_PAGE);
    await visibleText(page, RESIDENT_STATUS_LABELS.assigned).waitFor();
    // Signed in on the socket before anything happens.
    await eventually('the live socket to be ready', () =>
      Promise.resolve(live.frames.some((f) => f.includes('"ready"'))),
    );
    // A mark that a reload would wipe, and the page's order GETs from now on.
    await page.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 1));
    const gets: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && r.url().includes(`/api/work-orders/${orderId}`)) gets.push(r.url());
    });

    // The technician, on the other phone, opens the order from the queue and accepts it.
    await staffLogin(tech.page, server.url, techUser.username!, QUEUE);
    await openRoute(tech.page, server.url, `${STAFF_ORDER}?id=${orderId}`);
    await pageShown(tech.page, STAFF_ORDER);
    const steps: Array<[string, keyof typeof RESIDENT_STATUS_LABELS]> = [
      ['接单', 'accepted'],
      ['出发', 'on_the_way'],
    ];
    for (const [button, status] of steps) {
      const before = gets.length;
      const started = Date.now();
      await tap(visibleText(tech.page, button));
      // Well under the 15 s poll: only the socket can bring it this soon.
      await visibleText(page, RESIDENT_STATUS_LABELS[status]).waitFor({ timeout: 10_000 });
      console.log(`resident page showed ${status} ${Date.now() - started} ms after the technician tapped ${button}`);
      expect(live.frames.some((f) => f.includes('"order.changed"') && f.includes(`"status":"${status}"`))).toBe(true);
      // Refetched over REST because of the notice.
      expect(gets.length).toBeGreaterThan(before);
    }
    expect(await page.evaluate(() => (window as unknown as { liveMark?: number }).liveMark)).toBe(1);
    // One socket for the whole app, never closed meanwhile.
    expect(live.sockets).toHaveLength(1);
    expect(live.sockets[0].isClosed()).toBe(false);
    expect(resident.problems.filter((p) => /Content Security Policy|WebSocket/i.test(p))).toEqual([]);
  });

  it('the console’s order page follows a change made by the technician’s app', async () => {
    const office = await devices.desktop('desk');
    const live = watchLive(office.page);
    await loginThroughForm(office.page, server.url, desk.username!, STAFF_PASSWORD);
    await office.page.goto(`${server.url}/work-orders/${orderId}`);
    await visibleText(office.page, STATUS_LABELS.on_the_way).waitFor();
    await eventually('the console socket to be ready', () =>
      Promise.resolve(live.frames.some((f) => f.includes('"ready"'))),
    );
    await office.page.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 1));
    // The technician's phone (signed in above) taps 到达.
    await tap(visibleText(tech.page, '到达'));
    await visibleText(office.page, STATUS_LABELS.in_progress).waitFor({ timeout: 10_000 });
    expect(live.frames.some((f) => f.includes('"status":"in_progress"'))).toBe(true);
    expect(await office.page.evaluate(() => (window as unknown as { liveMark?: number }).liveMark)).toBe(1);
  });
});
