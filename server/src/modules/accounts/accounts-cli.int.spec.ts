/**
 * The account commands of the database CLI (docs/operations.md "Accounts"), run as an operator
 * would: `node dist/database/cli.js operator:create | company:create` against the test server's
 * database, then the printed one-time password signs in over HTTP and must be changed. Needs the
 * built server (server/dist), like the backup suite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI_JS = path.join(SERVER_DIR, 'dist/database/cli.js');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe(`account CLI (${TEST_DB})`, () => {
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.config.db;
    env =
      db.type === 'sqlite'
        ? { LINLI_DB_FILE: db.file, LINLI_DATA_DIR: path.dirname(db.file) }
        : {
            LINLI_DATA_DIR: server.config.dataDir,
            LINLI_DB_TYPE: 'mariadb',
            LINLI_DB_HOST: db.host,
            LINLI_DB_PORT: String(db.port),
            LINLI_DB_USER: db.username,
            LINLI_DB_PASSWORD: db.password,
            LINLI_DB_NAME: db.database,
          };
  });
  afterAll(() => server?.close());

  const password = (output: string) => /one-time password \(must be changed at first login\): (\S+)/.exec(output)?.[1];

  it('creates an operator and a company with its admin, each with a one-time password that must be changed', async () => {
    const op = await cli(['operator:create', '--username', 'cli.op', '--name', '平台运营'], env);
    expect(op).toMatchObject({ code: 0, output: expect.stringContaining('operator created: id ') });
    const opLogin = await server.api.post('/auth/password', { username: 'cli.op', password: password(op.output) });
    expect(opLogin.body.user).toMatchObject({ role: 'operator', companyId: null, mustChangePassword: true });

    const co = await cli(
      ['company:create', '--name', '安居物业服务有限公司', '--admin-username', 'anju.admin', '--admin-name', '陈经理'],
      env,
    );
    expect(co.code).toBe(0);
    const temp = password(co.output)!;
    expect(temp).toMatch(/^[A-Za-z0-9]{12}$/);
    const first = await server.api.post('/auth/password', { username: 'anju.admin', password: temp });
    expect(first.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
    const changed = await server.api.post(
      '/me/password',
      { oldPassword: temp, newPassword: 'anju-2026-admin' },
      { token: first.body.token },
    );
    expect(changed.status).toBe(200);
    const categories = await server.api.get('/categories', { token: changed.body.token });
    expect(categories.body.length).toBeGreaterThan(0);
  });

  it('refuses a taken username, missing options and a weak LINLI_INITIAL_PASSWORD, writing nothing', async () => {
    const taken = await cli(['operator:create', '--username', 'anju.admin', '--name', 'x'], env);
    expect(taken).toMatchObject({ code: 1, output: expect.stringContaining('USERNAME_TAKEN') });
    const missing = await cli(['company:create', '--name', '缺管理员'], env);
    expect(missing).toMatchObject({
      code: 2,
      output: expect.stringContaining('missing --admin-username, --admin-name'),
    });
    const weak = await cli(['operator:create', '--username', 'weak.op', '--name', 'x'], {
      ...env,
      LINLI_INITIAL_PASSWORD: '12345678',
    });
    expect(weak).toMatchObject({ code: 2, output: expect.stringContaining('all_digits') });
    expect((await server.api.post('/auth/password', { username: 'weak.op', password: '12345678' })).status).toBe(401);
    const chosen = await cli(['operator:create', '--username', 'chosen.op', '--name', 'x'], {
      ...env,
      LINLI_INITIAL_PASSWORD: 'chosen-pass-1',
    });
    expect(chosen.code).toBe(0);
    expect(chosen.output).not.toContain('one-time password');
    const login = await server.api.post('/auth/password', { username: 'chosen.op', password: 'chosen-pass-1' });
    expect(login.body.user.mustChangePassword).toBe(true);
  });
});
