/**
 * What the built server (`node dist/main.js`) writes in production mode at the default
 * LOG_LEVEL: JSON lines only; at start-up no module or route-mapping chatter, one line naming
 * the URL; per request one line with its request id, route pattern, status, duration and the
 * actor's id, and nothing of the URL's ids, the query, the token or the user's phone number.
 * Needs server/dist (`pnpm test` builds).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../database/data-source.js';
import { Factory, STAFF_PASSWORD } from '../testing/factories.js';
import { TestClient } from '../testing/test-server.js';
import { eventually, freePort } from '../testing/net.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = path.join(SERVER_DIR, 'dist/main.js');

describe('logs in production (default LOG_LEVEL, sqlite)', () => {
  let dir: string;
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let startup = '';
  let api: TestClient;
  let ds: DataSource;

  const lines = () =>
    stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          throw new Error(`not a JSON log line: ${l}`);
        }
      });

  beforeAll(async () => {
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: build the server first (pnpm test builds)`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-reqlog-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LINLI_MODE: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LINLI_DATA_DIR: dir,
      LINLI_DB_URL: `sqlite://${path.join(dir, 'linli.sqlite')}`,
      LINLI_MIGRATE_ON_START: 'true',
      LINLI_JWT_SECRET: 'request-log-test-secret-0123456789abcdef',
      WECHAT_APPID: 'wxlinlireqlog',
      WECHAT_SECRET: 'request-log-test-wechat-secret',
      LINLI_WORKER_INTERVAL_MS: '0',
    };
    delete env.LOG_LEVEL;
    child = spawn(process.execPath, [MAIN_JS], { cwd: SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (stdout += String(d)));
    child.stderr!.on('data', (d) => (stderr += String(d)));
    api = new TestClient(`http://127.0.0.1:${port}/api`);
    await eventually(
      'the server to be healthy',
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${stdout}${stderr}`);
        return (await api.get('/health').catch(() => ({ status: 0 }))).status === 200;
      },
      120_000,
    );
    startup = stdout;
    ds = createDataSource({
      type: 'sqlite',
      file: path.join(dir, 'linli.sqlite'),
      host: '',
      port: 0,
      username: '',
      password: '',
      database: '',
    });
    await ds.initialize();
  }, 150_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    if (ds?.isInitialized) await ds.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('starts with one line naming the URL, and no module or route-mapping lines', () => {
    const startLines = startup.split('\n').filter((l) => l.trim());
    for (const l of startLines) expect(() => JSON.parse(l)).not.toThrow();
    expect(startup).not.toMatch(/Mapped \{|RoutesResolver|RouterExplorer|InstanceLoader|dependencies initialized/);
    const started = startLines.filter((l) => /Linli production server on http:\/\/127\.0\.0\.1:\d+/.test(l));
    expect(started).toHaveLength(1);
    // The start line and the migrations applied on this fresh database; nothing else.
    expect(startLines.length).toBeLessThanOrEqual(3);
    expect(stderr).toBe('');
  });

  it('logs each request as one JSON line: request id, route pattern, status, duration, actor id', async () => {
    const f = new Factory(ds);
    const company = await f.company();
    const community = await f.community(company.id);
    const desk = await f.staff('desk', company.id, [community.id]);
    expect(desk.phone).toMatch(/^1\d{10}$/);

    const login = await api.post('/auth/password', { username: desk.username, password: STAFF_PASSWORD });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const me = await api.get('/me', { token });
    expect(me.status).toBe(200);
    // An id in the path and a phone number in the query: neither may reach the log.
    const missing = await api.get(`/work-orders/987654?phone=${desk.phone}`, {
      token,
      headers: { 'x-request-id': 'reqlog-test-missing-order' },
    });
    expect(missing.status).toBe(404);
    const anonymous = await api.get('/me');
    expect(anonymous.status).toBe(401);

    const byId = (id: string | null) => {
      const found = lines().filter((l) => l.requestId === id);
      return found;
    };
    await eventually('the request lines', () => byId(anonymous.headers.get('x-request-id')).length > 0);

    const loginLines = byId(login.headers.get('x-request-id'));
    expect(loginLines).toHaveLength(1);
    expect(loginLines[0]).toMatchObject({ route: '/api/auth/password', method: 'POST', status: 200, actorId: null });

    const meLines = byId(me.headers.get('x-request-id'));
    expect(meLines).toHaveLength(1);
    expect(meLines[0]).toMatchObject({ level: 30, route: '/api/me', method: 'GET', status: 200, actorId: desk.id });
    expect(typeof meLines[0].durationMs).toBe('number');
    expect(typeof meLines[0].time).toBe('string');

    expect(missing.headers.get('x-request-id')).toBe('reqlog-test-missing-order');
    const missingLines = byId('reqlog-test-missing-order');
    expect(missingLines).toHaveLength(1);
    expect(missingLines[0]).toMatchObject({ route: '/api/work-orders/:id', status: 404, actorId: desk.id });

    expect(byId(anonymous.headers.get('x-request-id'))[0]).toMatchObject({ route: '/api/me', status: 401 });

    // Health probes are not logged (they are polled).
    expect(lines().some((l) => l.route === '/api/health')).toBe(false);

    for (const secret of [token, token.split('.')[2], desk.phone, STAFF_PASSWORD, '987654']) {
      expect(stdout).not.toContain(secret);
    }
    expect(stdout).not.toMatch(/authorization|bearer/i);
    expect(stderr).toBe('');
  }, 60_000);
});
