// The console dashboard on a server with a read replica (docs/scaling.md "Read replicas"): a
// MariaDB primary and replica of the test's own on loopback (server/src/testing/
// mariadb-replication.ts; the shared MariaDB has no binary log). While the replica is caught up
// the summary comes from it and the page notes 数据可能延迟 1 秒, with the replica's own value on
// the page (a household count changed on the replica only); with replication stopped the primary
// answers and the note is gone. Skipped, with a message, where no mariadbd is installed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { buildWorld, loginStaff, STAFF_PASSWORD, type World } from '../../server/src/testing/factories.js';
import { ReplicatedPair, replicationUnavailable } from '../../server/src/testing/mariadb-replication.js';
import { startTestServer, type TestServer } from '../../server/src/testing/test-server.js';
import { screenshot } from './support/browser.js';
import {
  assertConsolePrerequisites,
  CONSOLE_DIR,
  launchDesktop,
  loginThroughForm,
  type DesktopBrowser,
} from './support/console.js';

const unavailable = replicationUnavailable();
if (unavailable) console.log(`console replica note skipped: ${unavailable}`);

(unavailable ? describe.skip : describe)('console dashboard read from a replica (own MariaDB pair)', () => {
  const database = 'linli_e2e_replica';
  let pair: ReplicatedPair;
  let server: TestServer;
  let w: World;
  let browser: DesktopBrowser;
  let page: Page;

  beforeAll(async () => {
    assertConsolePrerequisites();
    pair = new ReplicatedPair();
    try {
      await pair.start();
      server = await startTestServer({ db: pair.config(database, 5000), env: { LINLI_CONSOLE_DIR: CONSOLE_DIR } });
      w = await buildWorld(server);
      await pair.waitCaughtUp();
    } catch (e) {
      await server?.close();
      await pair.destroy();
      throw e;
    }
    browser = await launchDesktop();
    page = browser.page;
    page.setDefaultTimeout(20000);
  }, 120_000);

  afterAll(async () => {
    if (browser?.problems.length) console.log(`browser errors:\n${browser.problems.join('\n')}`);
    await browser?.close();
    await server?.close();
    await pair?.destroy();
  }, 30_000);

  const openDashboard = async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId('dashboard').waitFor();
    await page.getByText(/新建 \d+ 单/).waitFor();
  };

  it('a replica read shows 数据可能延迟 1 秒; the primary answering shows no note', async () => {
    try {
      await pair.replica.query(`UPDATE \`${database}\`.community SET households = 4321 WHERE companyId = ?`, [
        w.companyA.id,
      ]);
      await loginThroughForm(page, server.url, w.staff.adminA.username!, STAFF_PASSWORD);
      await openDashboard();
      await expect(page.getByTestId('dashboard-stale').textContent()).resolves.toBe('数据可能延迟 1 秒');
      // The page's numbers came from the replica: its households, not the primary's.
      const token = await loginStaff(server, w.staff.adminA);
      const summary = await server.api.get('/satisfaction/summary?from=2026-01-01&to=2026-01-31', { token });
      expect(summary.status).toBe(200);
      expect(summary.body.households).toBe(8642);
      expect(summary.body.freshness).toEqual({ readFrom: 'replica', staleMs: 1000, fallback: null });

      await pair.replica.query('STOP SLAVE');
      await openDashboard();
      await page.getByTestId('metric-csat').waitFor();
      expect(await page.getByTestId('dashboard-stale').count()).toBe(0);
    } catch (err) {
      const file = await screenshot(page, 'console-replica-failed').catch(() => null);
      if (err instanceof Error) err.message += `\n(screenshot: ${file ?? 'none'})`;
      throw err;
    } finally {
      await pair.replica.query('START SLAVE').catch(() => undefined);
    }
  });
});
