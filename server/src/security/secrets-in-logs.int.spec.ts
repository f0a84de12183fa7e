/**
 * Secrets never reach the logs. Starts the built server (`node dist/main.js`) with
 * LOG_LEVEL=debug and demo data, runs what handles secrets (password logins, a wrong password,
 * WeChat logins, subscribe messages with access tokens, SMS through the logging sender, refused
 * tokens), then scans everything the process wrote to stdout and stderr for: the JWT secret,
 * the WeChat app secret, every JWT handed out, every WeChat access token and session_key the
 * (fake) WeChat answered with, the passwords, and the full phone numbers of the users involved.
 *
 * The fake WeChat sits behind a recording proxy in this process, so the test knows the
 * session_keys and access tokens the server received. Needs server/dist (`pnpm test` builds).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../database/data-source.js';
import { DEMO_PASSWORD } from '../database/seed/demo-seed.js';
import { User } from '../modules/users/user.entities.js';
import { TestClient } from '../testing/test-server.js';
import { FakeWechatServer } from '../wechat/fake-wechat-server.js';
import { eventually, freePort, sleep } from '../testing/net.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = path.join(SERVER_DIR, 'dist/main.js');
const JWT_SECRET = 'jwt-secret-that-must-not-be-logged-5f2c9a7e1b';
const APPID = 'wxlinlilogtest';
const WECHAT_SECRET = 'wechat-app-secret-never-logged-8d41';
const TEMPLATE = 'linli-order-status';
const WRONG_PASSWORD = 'Wrong-Password-Never-Logged-73';

describe('secrets never appear in the logs (LOG_LEVEL=debug, sqlite)', () => {
  let dir: string;
  let fake: FakeWechatServer;
  let proxy: Server;
  let child: ChildProcess;
  let output = '';
  let api: TestClient;
  let ds: DataSource;
  /** Every JSON answer the fake WeChat gave the server. */
  const wechatAnswers: string[] = [];
  const jwts: string[] = [];
  const phones: string[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: build the server first (pnpm test builds)`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-logs-'));
    fake = new FakeWechatServer({ appid: APPID, secret: WECHAT_SECRET });
    proxy = createServer((req, res) => {
      const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) wechatAnswers.push(chunk.toString());
        return end(chunk, ...rest);
      }) as typeof res.end;
      fake.handler(req, res);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const wechatUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const port = await freePort();
    child = spawn(process.execPath, [MAIN_JS], {
      cwd: SERVER_DIR,
      env: {
        ...process.env,
        LINLI_MODE: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        LINLI_DATA_DIR: dir,
        LINLI_DB_URL: `sqlite://${path.join(dir, 'linli.sqlite')}`,
        LINLI_SEED_DEMO: 'true',
        LINLI_JWT_SECRET: JWT_SECRET,
        WECHAT_API_BASE: wechatUrl,
        WECHAT_APPID: APPID,
        WECHAT_SECRET,
        WECHAT_TEMPLATE_ORDER: TEMPLATE,
        LINLI_SMS: 'log',
        LINLI_WORKER_INTERVAL_MS: '200',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    api = new TestClient(`http://127.0.0.1:${port}/api`);
    await eventually(
      'the server to be healthy',
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${output}`);
        return (await api.get('/health').catch(() => ({ status: 0 }))).status === 200;
      },
      120_000,
    );
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
    await new Promise((r) => proxy?.close(r));
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const password = async (username: string, pw = DEMO_PASSWORD) => {
    const res = await api.post('/auth/password', { username, password: pw });
    if (res.status === 200) jwts.push(res.body.token);
    return res;
  };

  it('logs none of them after logins, WeChat sends, SMS and refused tokens', async () => {
    // Staff: right and wrong passwords.
    expect((await password('desk1')).status).toBe(200);
    expect((await password('desk1', WRONG_PASSWORD)).status).toBe(401);
    const techs = new Map<number, string>();
    for (let i = 1; i <= 6; i++) {
      const res = await password(`tech${i}`);
      expect(res.status).toBe(200);
      techs.set(res.body.user?.id ?? (await api.get('/me', { token: res.body.token })).body.id, res.body.token);
    }
    // Residents: WeChat logins (the fake answers with a session_key each time).
    const login = await api.post('/auth/wechat', { code: 'resident1' });
    expect(login.status).toBe(200);
    const resident = login.body.token as string;
    jwts.push(resident);
    expect((await api.post('/auth/wechat', { code: 'resident2' })).status).toBe(200);
    jwts.push((await api.post('/auth/wechat', { code: 'resident3' })).body.token);
    expect((await api.post('/auth/wechat', { code: '' })).status).toBeGreaterThanOrEqual(400);

    // Refused tokens: a forged one and one signed with another secret.
    const [h, p] = resident.split('.');
    expect((await api.get('/me', { token: `${h}.${p}.forged-signature-value` })).status).toBe(401);
    expect((await api.get('/me', { token: 'not-a-jwt-at-all' })).status).toBe(401);

    // A WeChat subscribe message to resident1 (needs an access token) and SMS to the technician.
    const openid = fake.openidFor('resident1');
    fake.grantSubscription(openid, TEMPLATE, 3);
    for (let i = 0; i < 3; i++) {
      await api.post('/me/subscriptions', { results: { [TEMPLATE]: 'accept' } }, { token: resident });
    }
    const houses = await api.get('/me/houses', { token: resident });
    const houseId = (houses.body.items ?? houses.body)[0].houseId ?? (houses.body.items ?? houses.body)[0].id;
    const created = await api.post(
      '/work-orders',
      { category: 'plumbing', description: '日志安全测试：厨房漏水', houseId },
      { token: resident, headers: { 'idempotency-key': 'secrets-in-logs-1' } },
    );
    expect(created.status).toBe(201);
    let order = created.body as { id: number; no: string; assignee: { id: number } | null };
    const desk = jwts[0];
    if (!order.assignee) {
      for (const id of techs.keys()) {
        const r = await api.post(
          `/work-orders/${order.id}/transitions`,
          { action: 'assign', assigneeId: id },
          { token: desk },
        );
        if (r.status === 200) {
          order = r.body;
          break;
        }
      }
    }
    expect(order.assignee).not.toBeNull();
    const accepted = await api.post(
      `/work-orders/${order.id}/transitions`,
      { action: 'accept' },
      { token: techs.get(order.assignee!.id)! },
    );
    expect(accepted.status).toBe(200);
    await eventually('the subscribe message to be sent', () =>
      fake.sentMessages().some((m) => m.touser === openid && m.data.character_string1?.value === order.no),
    );
    await eventually('an SMS to be logged', () => /SMS to \d{3}\*{4}\d{4}/.test(output));
    await sleep(500);

    // What to look for.
    const sessionKeys = wechatAnswers.flatMap((a) => [...a.matchAll(/"session_key":"([^"]+)"/g)].map((m) => m[1]));
    const accessTokens = wechatAnswers.flatMap((a) => [...a.matchAll(/"access_token":"([^"]+)"/g)].map((m) => m[1]));
    expect(sessionKeys.length).toBeGreaterThanOrEqual(3);
    expect(accessTokens.length).toBeGreaterThanOrEqual(1);
    const involved = await ds
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.username IN (:...names) OR u.wechatOpenid IN (:...openids)', {
        names: ['desk1', 'tech1', 'tech2', 'tech3', 'tech4', 'tech5', 'tech6'],
        openids: ['resident1', 'resident2', 'resident3'].map((c) => fake.openidFor(c)),
      })
      .getMany();
    phones.push(...involved.map((u) => u.phone).filter((x): x is string => !!x));
    expect(phones.length).toBeGreaterThanOrEqual(8);

    const secrets: Record<string, string[]> = {
      'JWT secret': [JWT_SECRET],
      'WeChat app secret': [WECHAT_SECRET],
      'issued JWT': jwts,
      'JWT signature': jwts.map((t) => t.split('.')[2]),
      'WeChat access token': accessTokens,
      'WeChat session_key': sessionKeys,
      password: [DEMO_PASSWORD, WRONG_PASSWORD],
      'full phone number': phones,
    };
    // The capture works and is verbose: debug output, the SMS line, the masked phone.
    expect(output).toMatch(/Mapped \{\/api\/work-orders, POST\} route/);
    expect(output).toMatch(/SMS to \d{3}\*{4}\d{4}/);
    const leaks = Object.entries(secrets).flatMap(([what, values]) =>
      values.filter((v) => v.length >= 8 && output.includes(v)).map((v) => `${what}: ${v.slice(0, 6)}…`),
    );
    expect(leaks).toEqual([]);
    console.log(
      `[secrets] scanned ${output.length} characters of debug output for ${Object.values(secrets).flat().length} ` +
        `secret values (${sessionKeys.length} session_keys, ${accessTokens.length} access tokens, ${jwts.length} JWTs, ` +
        `${phones.length} phones): none found`,
    );
  }, 120_000);
});
