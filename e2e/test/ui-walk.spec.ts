// The three UIs as their users see them: every page of the resident app, the staff mode and the
// web console, opened on the demo data in Chromium. A page fails when its visible text shows an
// internal code (a snake_case or camelCase word, an enum value such as `waiting_parts`, `null`,
// `undefined`, `NaN`), when an image on it is broken, or when it logs an error. Every page is
// screenshot at 390x844 and 1440x900 into e2e/screenshots/tmp/walk/ on every run, and kept in
// e2e/screenshots/walk/ when missing or with LINLI_E2E_UPDATE_SCREENSHOTS=1 (docs/architecture.md,
// "The UI walk").
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import * as labels from '../../shared/src/labels.js';
import { User } from '../../server/src/modules/users/user.entities.js';
import { JobRunner } from '../../server/src/modules/jobs/job-runner.service.js';
import { RollupDirty } from '../../server/src/modules/satisfaction/satisfaction.entities.js';
import { startTestServer, type TestServer } from '../../server/src/testing/test-server.js';
import {
  assertPrerequisites,
  H5_DIR,
  launchPhone,
  screenshot,
  SCREENSHOTS_TMP_DIR,
  type PhoneBrowser,
} from './support/browser.js';
import {
  assertConsolePrerequisites,
  CONSOLE_DIR,
  DEMO_PASSWORD,
  launchDesktop,
  loginThroughForm,
  type DesktopBrowser,
} from './support/console.js';
import { openRoute } from './support/staff.js';

const WALK_DIR = path.join(SCREENSHOTS_TMP_DIR, 'walk');
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1440, height: 900 },
] as const;

/** Every code a label table translates: none of them may reach a screen as it is. */
const CODES = new Set(
  Object.values(labels as Record<string, unknown>)
    .filter((v): v is Record<string, string> => !!v && typeof v === 'object' && !Array.isArray(v))
    .flatMap((table) => Object.keys(table))
    .filter((k) => /^[a-z][a-z0-9_]{2,}$/.test(k)),
);
/** Data that is latin on purpose: demo login names, units, file types. */
const ALLOWED = new Set(['admin', 'desk1', 'supervisor1', 'tech1', 'tech2', 'tech3', 'tech4', 'tech5', 'tech6']);

/** Lowercase latin that belongs on a Chinese screen: file types and units. */
const LATIN_WORDS = new Set(['xlsx', 'csv', 'kg', 'cm', 'mm', 'km', 'ms']);

/** What is wrong with the visible text of a page (empty when nothing). */
export function codesIn(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b[A-Za-z][A-Za-z0-9_]*\b/g)) {
    const w = m[0];
    if (ALLOWED.has(w)) continue;
    if (/^(null|undefined|NaN)$/.test(w)) found.add(w);
    else if (/^[a-z]+(_[a-z0-9]+)+$/.test(w))
      found.add(w); // snake_case
    else if (/^[a-z]+[A-Z][A-Za-z0-9]*$/.test(w))
      found.add(w); // camelCase field name
    else if (CODES.has(w))
      found.add(w); // an enum value: plumbing, submitted, ...
    else if (/^[a-z]{2,}$/.test(w) && !LATIN_WORDS.has(w)) found.add(w); // an English field name: id, status
  }
  return [...found];
}

interface Visit {
  ui: string;
  page: string;
  codes: string[];
  brokenImages: string[];
  errors: string[];
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Taro slides pages in; the console lazy-loads its pages.
  await page.waitForTimeout(400);
}

async function inspect(page: Page, ui: string, name: string, problems: string[]): Promise<Visit> {
  await settle(page);
  const text = await page.evaluate(() => document.body.innerText);
  const brokenImages = await page.evaluate(() =>
    [...document.querySelectorAll('img')]
      .filter((img) => img.getClientRects().length > 0 && img.complete && img.naturalWidth === 0 && !!img.src)
      .map((img) => img.src.replace(/[?#].*$/, '')),
  );
  const errors = problems.splice(0).filter((p) => p.startsWith('pageerror') || p.startsWith('console'));
  const original = page.viewportSize();
  for (const s of SIZES) {
    await page.setViewportSize({ width: s.width, height: s.height });
    await page.waitForTimeout(150);
    await screenshot(page, `walk/${ui}-${name}-${s.width}x${s.height}`, { keep: true });
  }
  if (original) await page.setViewportSize(original);
  return { ui, page: name, codes: codesIn(text), brokenImages, errors };
}

describe('every page of the three UIs speaks Chinese, shows its images and logs no error (sqlite)', () => {
  let server: TestServer;
  let phone: PhoneBrowser;
  let desktop: DesktopBrowser;
  const visits: Visit[] = [];

  beforeAll(async () => {
    assertPrerequisites();
    assertConsolePrerequisites();
    server = await startTestServer({
      env: { LINLI_SEED_DEMO: 'true', LINLI_CONSOLE_DIR: CONSOLE_DIR, LINLI_H5_DIR: H5_DIR },
    });
    const runner = server.app.get(JobRunner);
    for (let i = 0; i < 50; i++) {
      if ((await runner.tick()) === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) break;
    }
    await pausedScene(runner);
    phone = await launchPhone();
    desktop = await launchDesktop();
  }, 120000);

  /**
   * Beyond the demo: resident1's new order, urged twice and paused by its technician waiting for
   * parts, and an admin change in the audit log, so the pages show a pause reason, urges and an
   * audit entry.
   */
  async function pausedScene(runner: JobRunner): Promise<void> {
    const resident = (await server.api.post('/auth/wechat', { code: 'resident1' })).body.token as string;
    const mine = await server.api.get('/work-orders?pageSize=1', { token: resident });
    const houseId = (mine.body.items as Array<{ houseId: number | null }>)[0]!.houseId;
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房水管接头漏水', houseId },
      { token: resident },
    );
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    for (let i = 0; i < 5; i++) await runner.tick();
    const order = (await server.api.get(`/work-orders/${id}`, { token: resident })).body as {
      assignee: { id: number } | null;
    };
    expect(order.assignee).not.toBeNull();
    const tech = await server.ds.getRepository(User).findOneByOrFail({ id: order.assignee!.id });
    const techToken = (await server.api.post('/auth/password', { username: tech.username, password: DEMO_PASSWORD }))
      .body.token as string;
    for (const body of [
      { action: 'accept' },
      { action: 'depart' },
      { action: 'arrive' },
      { action: 'pause', reason: '等阀门到货', pauseReason: 'waiting_parts' },
    ]) {
      const res = await server.api.post(`/work-orders/${id}/transitions`, body, { token: techToken });
      expect([body.action, res.status]).toEqual([body.action, 200]);
    }
    const urge = await server.api.post(`/work-orders/${id}/transitions`, { action: 'urge' }, { token: resident });
    expect(urge.status).toBe(200);
    const admin = (await server.api.post('/auth/password', { username: 'admin', password: DEMO_PASSWORD })).body
      .token as string;
    const item = await server.api.post(
      '/price-items',
      { category: 'plumbing', kind: 'labour', name: '更换角阀', unit: '个', priceFen: 6000 },
      { token: admin },
    );
    expect(item.status).toBe(201);
    const changed = await server.api.request('PUT', `/price-items/${item.body.id}`, {
      body: { category: 'plumbing', kind: 'labour', name: '更换角阀', unit: '个', priceFen: 6500 },
      token: admin,
    });
    expect(changed.status).toBe(200);
  }

  afterAll(async () => {
    await phone?.close();
    await desktop?.close();
    await server?.close();
  });

  /** Log in on the phone by putting the API's session where the app keeps it. */
  async function phoneSession(token: string, user: unknown): Promise<void> {
    await openRoute(phone.page, server.url, '/pages/login/index');
    await phone.page.evaluate(
      ([t, u]) => {
        localStorage.clear();
        // Taro's H5 storage keeps `{ data }` under each key (services/storage.ts reads it back).
        localStorage.setItem('linli.token', JSON.stringify({ data: t }));
        localStorage.setItem('linli.user', JSON.stringify({ data: u }));
      },
      [token, user] as const,
    );
  }

  async function walkPhone(ui: string, routes: Record<string, string>): Promise<void> {
    for (const [name, route] of Object.entries(routes)) {
      await openRoute(phone.page, server.url, route);
      visits.push(await inspect(phone.page, ui, name, phone.problems));
    }
  }

  it('the resident app', async () => {
    const login = await server.api.post('/auth/wechat', { code: 'resident1' });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    await phoneSession(token, login.body.user);
    const orders = (await server.api.get('/work-orders?pageSize=50', { token })).body.items as Array<{
      id: number;
      status: string;
    }>;
    expect(orders.length).toBeGreaterThan(0);
    const surveys = (await server.api.get('/surveys', { token })).body as Array<{ id: number }>;
    const done = orders.find((o) => o.status === 'completed') ?? orders[0];
    await walkPhone('resident', {
      home: '/pages/home/index',
      orders: '/subpackages/orders/list/index',
      ...Object.fromEntries(
        [...new Set(orders.map((o) => o.status))].map((s) => {
          const o = orders.find((x) => x.status === s)!;
          return [`order-${s}`, `/subpackages/orders/detail/index?id=${o.id}`];
        }),
      ),
      rate: `/subpackages/orders/rate/index?id=${done.id}`,
      complaint: '/subpackages/orders/feedback/index?kind=complaint',
      suggestion: '/subpackages/orders/feedback/index?kind=suggestion',
      bind: '/subpackages/account/bind/index',
      messages: '/subpackages/account/messages/index',
      settings: '/subpackages/account/settings/index',
      prices: '/subpackages/account/prices/index',
      ...(surveys[0] ? { survey: `/subpackages/account/survey/index?id=${surveys[0].id}` } : {}),
    });
  }, 240000);

  it('the staff mode: technician, desk and supervisor', async () => {
    for (const [username, ui] of [
      ['tech1', 'technician'],
      ['desk1', 'desk'],
      ['supervisor1', 'supervisor'],
    ] as const) {
      const login = await server.api.post('/auth/password', { username, password: DEMO_PASSWORD });
      expect(login.status).toBe(200);
      const token = login.body.token as string;
      await phoneSession(token, login.body.user);
      const list = await server.api.get('/work-orders?pageSize=20', { token });
      const id = (list.body.items as Array<{ id: number }>)[0]?.id;
      const routes: Record<string, string> =
        ui === 'technician'
          ? {
              queue: '/subpackages/staff/queue/index',
              ...(id ? { order: `/subpackages/staff/order/index?id=${id}` } : {}),
              settings: '/subpackages/staff/settings/index',
            }
          : {
              [ui === 'desk' ? 'desk' : 'board']:
                ui === 'desk' ? '/subpackages/office/desk/index' : '/subpackages/office/board/index',
              newOrder: '/subpackages/office/new-order/index',
              followUps: '/subpackages/office/follow-ups/index',
              complaints: '/subpackages/office/complaints/index',
              ...(ui === 'supervisor' ? { leave: '/subpackages/office/leave/index' } : {}),
              ...(id ? { order: `/subpackages/office/order/index?id=${id}` } : {}),
            };
      await walkPhone(ui, routes);
    }
  }, 240000);

  it('the web console, for each role', async () => {
    const page = desktop.page;
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const username of ['admin', 'supervisor1', 'desk1']) {
      await page.goto(`${server.url}/`);
      await page.evaluate(() => localStorage.clear());
      await loginThroughForm(page, server.url, username);
      const menu = page.getByTestId('side-menu');
      const entries = (await menu.locator('.ant-menu-item').allTextContents()).map((t) => t.trim());
      expect(entries.length).toBeGreaterThan(1);
      for (const entry of entries) {
        await menu.getByText(entry, { exact: true }).click();
        const name = new URL(page.url()).pathname.slice(1) || 'home';
        // The audit log shows its before/after values in an expanded row: open the first.
        if (name === 'audit') await page.locator('.ant-table-row-expand-icon').first().click({ timeout: 5000 });
        visits.push(await inspect(page, `console-${username}`, name, desktop.problems));
      }
      if (username === 'admin') {
        const login = await server.api.post('/auth/password', { username, password: DEMO_PASSWORD });
        const list = await server.api.get('/work-orders?pageSize=5&status=closed', { token: login.body.token });
        const id = (list.body.items as Array<{ id: number }>)[0]?.id;
        if (id) {
          await page.goto(`${server.url}/work-orders/${id}`);
          visits.push(await inspect(page, 'console-admin', 'work-order', desktop.problems));
        }
      }
    }
  }, 240000);

  it('the detector finds what it must (and leaves Chinese, numbers and login names alone)', () => {
    expect(codesIn('暂停原因 waiting_parts · 状态 in_progress · null 次 · NaN 元 · createdAt')).toEqual([
      'waiting_parts',
      'in_progress',
      'null',
      'NaN',
      'createdAt',
    ]);
    expect(codesIn('水管漏水 plumbing 已派单 assigned')).toEqual(['plumbing', 'assigned']);
    expect(codesIn('李师傅 tech1 · 3 次 · 12-03 19:41 · HY-20261203-0007 · 98.5% · SLA · NPS · 模板.xlsx')).toEqual([]);
    expect(codesIn('变更字段 类别、id、名称')).toEqual(['id']);
  });

  it('no page shows a code, a broken image or an error', () => {
    console.log(`[ui walk] ${visits.length} pages, screenshots in ${WALK_DIR}`);
    const bad = visits.filter((v) => v.codes.length || v.brokenImages.length || v.errors.length);
    expect(bad).toEqual([]);
    expect(visits.length).toBeGreaterThan(25);
  });
});
