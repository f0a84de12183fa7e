// Scan to report in Chromium (docs/notices.md): a public area's QR code holds the H5 URL of the
// scan page with the area's scene. A resident who is not signed in opens it, signs in and lands
// back on the report sheet with the place filled in; one tap files the order. A neighbour then
// scans the same code, sees that open order first and taps 我也遇到了: no second order, one
// more reporter.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { qrH5Url, qrScene } from '@linli/shared';
import { Factory, loginStaff } from '../../server/src/testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../server/src/testing/test-server.js';
import { PublicArea } from '../../server/src/modules/places/place.entities.js';
import { WorkOrderReporter } from '../../server/src/modules/work-orders/shared-fault.entities.js';
import { WorkOrder } from '../../server/src/modules/work-orders/work-order.entities.js';
import { assertPrerequisites, H5_DIR, pageShown, tap, visible, visibleText } from './support/browser.js';
import { Devices, type Device } from './support/journey.js';
import { openRoute } from './support/staff.js';

const FIRST = 'e2e-scan-first';
const SECOND = 'e2e-scan-second';
const ORDER_PAGE = '/subpackages/orders/detail/index';
const SCAN_PAGE = '/subpackages/orders/scan/index';

describe(`scan a QR code to report (${TEST_DB})`, () => {
  let server: TestServer;
  let devices: Devices;
  let first: Device;
  let second: Device;
  let area: PublicArea;
  let deskToken: string;
  let sheetUrl: string;

  beforeAll(async () => {
    assertPrerequisites();
    server = await startTestServer({ env: { LINLI_H5_DIR: H5_DIR } });
    const f = new Factory(server.ds);
    const company = await f.company('邻里物业');
    const community = await f.community(company.id, 'SCAN');
    const houseA = await f.house(community.id);
    const houseB = await f.house(community.id);
    area = await server.ds
      .getRepository(PublicArea)
      .save({ communityId: community.id, name: '2号楼电梯厅', buildingId: null });
    const desk = await f.staff('desk', company.id, [community.id]);
    await f.resident(server, FIRST, [{ id: houseA.id }]);
    await f.resident(server, SECOND, [{ id: houseB.id }]);
    deskToken = await loginStaff(server, desk);
    // What the printed code holds: the desk's sheet for the community.
    const sheet = await server.api.get(`/qr/communities/${community.id}/sheet`, { token: deskToken });
    expect(sheet.status).toBe(200);
    const item = sheet.body.items.find((i: { id: number }) => i.id === area.id);
    expect(item.url).toBe(qrH5Url(`${server.url}/h5/`, qrScene({ kind: 'area', id: area.id })));
    sheetUrl = item.url;
    devices = await Devices.launch();
    first = await devices.phone('first resident');
    second = await devices.phone('second resident');
  }, 60_000);

  afterAll(async () => {
    for (const d of devices?.all ?? []) {
      if (d.problems.length) console.log(`${d.name}: browser problems:\n${d.problems.join('\n')}`);
    }
    await devices?.close();
    await server?.close();
  });

  it('opens the sheet with the place filled in after signing in; one tap reports', async () => {
    const page = first.page;
    // Not signed in: the code's URL leads to the login page and back.
    await page.goto(sheetUrl);
    await pageShown(page, '/pages/login/index');
    await visible(page, '.login input').fill(FIRST);
    await tap(visibleText(page, '登录'));
    await pageShown(page, SCAN_PAGE);
    await visibleText(page, `${area.name}`, false).waitFor();
    await visibleText(page, '报修位置').waitFor();
    // Nothing reported here yet: no 我也遇到了.
    expect(await page.getByText('我也遇到了').count()).toBe(0);
    await tap(visibleText(page, '提交报修'));
    await pageShown(page, ORDER_PAGE);
    const orders = await server.ds.getRepository(WorkOrder).findBy({ publicAreaId: area.id });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ kind: 'repair', channel: 'miniprogram', houseId: null });
    expect(orders[0].description).toContain(area.name);
  });

  it('a neighbour scanning the same code sees the open order and taps 我也遇到了 instead', async () => {
    const page = second.page;
    await openRoute(page, server.url, '/pages/login/index');
    await visible(page, '.login input').fill(SECOND);
    await tap(visibleText(page, '登录'));
    await visibleText(page, '选择要报修的问题').waitFor();
    await page.goto('about:blank');
    await page.goto(sheetUrl);
    await pageShown(page, SCAN_PAGE);
    await visibleText(page, '这里已有人报修').waitFor();
    await tap(visibleText(page, '我也遇到了'));
    await pageShown(page, ORDER_PAGE);
    const orders = await server.ds.getRepository(WorkOrder).findBy({ publicAreaId: area.id });
    expect(orders).toHaveLength(1);
    const reporters = await server.ds.getRepository(WorkOrderReporter).findBy({ workOrderId: orders[0].id });
    expect(reporters).toHaveLength(1);
    expect(reporters[0].source).toBe('join');
    // The joined resident's order list shows it.
    const mine = await server.api.get(`/work-orders/${orders[0].id}`, { token: deskToken });
    expect(mine.status).toBe(200);
  });
});
