// The orders export applies the work-order list's filters, keyword (q) and SLA state included:
// over real HTTP on the demo data, an Excel export holds exactly the orders the list answers.
import { chinaDay, dayKeyToDate } from '@linli/shared';
import ExcelJS from 'exceljs';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

describe('orders export: the list filters', () => {
  let server: TestServer;
  let token: string;
  const now = Date.now();
  const day = (ms: number) => dayKeyToDate(chinaDay(new Date(ms)));
  // The demo history is the last 90 days: this period covers every order.
  const period = `from=${day(now - 120 * 86400_000)}&to=${day(now)}`;

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SEED_DEMO: 'true' } });
    const login = await server.api.post('/auth/password', { username: 'supervisor1', password: 'linli-demo' });
    expect(login.status).toBe(200);
    token = login.body.token;
  }, 120000);
  afterAll(() => server?.close());

  /** Order numbers of the list (every page) and of the Excel export, for the same filters. */
  const both = async (filters: string) => {
    const listed: string[] = [];
    for (let page = 1; ; page++) {
      const res = await server.api.get(`/work-orders?${filters}&pageSize=100&page=${page}`, { token });
      expect([filters, res.status]).toEqual([filters, 200]);
      listed.push(...res.body.items.map((o: { no: string }) => o.no));
      if (listed.length >= res.body.total || res.body.items.length === 0) break;
    }
    const res = await fetch(`${server.url}/api/exports/orders.xlsx?${period}&${filters}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect([filters, res.status]).toEqual([filters, 200]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.getWorksheet('工单')!;
    const exported: string[] = [];
    sheet.eachRow((row, i) => {
      if (i > 1) exported.push(row.getCell(1).text);
    });
    return { listed: listed.sort(), exported: exported.sort() };
  };

  it('exports the orders the list shows for a keyword', async () => {
    const { listed, exported } = await both(`q=${encodeURIComponent('漏水')}`);
    expect(listed.length).toBeGreaterThan(0);
    expect(exported).toEqual(listed);
    // An order number as the keyword: that one order.
    const one = await both(`q=${encodeURIComponent(listed[0])}`);
    expect(one.exported).toEqual([listed[0]]);
  });

  it('exports the orders the list shows for SLA states, combined with other filters', async () => {
    const late = await both('slaState=warning,critical,breached');
    expect(late.exported).toEqual(late.listed);
    const ok = await both('slaState=ok&status=closed');
    expect(ok.listed.length).toBeGreaterThan(0);
    expect(ok.exported).toEqual(ok.listed);
    const all = await both('status=closed');
    expect(ok.exported.length).toBeLessThanOrEqual(all.exported.length);
  });

  it('refuses an unknown SLA state', async () => {
    const res = await fetch(`${server.url}/api/exports/orders.xlsx?${period}&slaState=late`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(400);
  });
});
