import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../app.js';
import type { Answer } from './api-contract.js';
import { loadConfig, type AppConfig, type DatabaseConfig } from '../config/config.js';
import { dropDatabase } from '../database/data-source.js';
import { FakeWechatServer } from '../wechat/fake-wechat-server.js';
import { FakeAliyunSmsServer } from '../modules/sms/fake-aliyun-sms-server.js';

/** Which database the suites run on: LINLI_TEST_DB=sqlite (default) or mariadb. */
export const TEST_DB: 'sqlite' | 'mariadb' = process.env.LINLI_TEST_DB === 'mariadb' ? 'mariadb' : 'sqlite';

export const TEST_APPID = 'wxlinlitest';
export const TEST_SECRET = 'linli-test-secret';
/** The fake SMS provider's keys and templates in tests (LINLI_SMS=aliyun turns SMS on). */
export const TEST_SMS = {
  accessKeyId: 'LTAItest',
  accessKeySecret: 'linli-test-sms-secret',
  signName: '邻里物业',
  templates: { code: 'SMS_200000001', order: 'SMS_200000002' },
};

/** A fresh, empty database of the selected kind for one test file. */
export function freshDatabase(dir: string): DatabaseConfig {
  const env = process.env;
  return {
    type: TEST_DB,
    file: path.join(dir, 'test.sqlite'),
    host: env.LINLI_TEST_DB_HOST ?? '127.0.0.1',
    port: Number(env.LINLI_TEST_DB_PORT ?? 3306),
    username: env.LINLI_TEST_DB_USER ?? 'root',
    password: env.LINLI_TEST_DB_PASSWORD ?? '',
    database: `linli_test_${process.pid}_${randomBytes(4).toString('hex')}`,
  };
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A tiny client over real HTTP, as the mini-program and console talk to the server. */
export class TestClient {
  /** Sees every answer (the contract check of api-contract.ts: `contract.check`); may throw. */
  onAnswer?: (answer: Answer) => void;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, urlPath: string, opts: RequestOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: RequestInit['body'];
    if (opts.body instanceof FormData) body = opts.body;
    else if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(`${this.baseUrl}${urlPath}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    this.onAnswer?.({
      method,
      url: `${this.baseUrl}${urlPath}`,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: parsed,
    });
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(p: string, opts?: RequestOptions) {
    return this.request<T>('GET', p, opts);
  }
  post<T = any>(p: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', p, { ...opts, body });
  }
}

export interface TestServer {
  config: AppConfig;
  app: INestApplication;
  ds: DataSource;
  fake: FakeWechatServer;
  /** The fake Alibaba Cloud SMS provider (used when the test sets LINLI_SMS=aliyun). */
  sms: FakeAliyunSmsServer;
  api: TestClient;
  url: string;
  close(): Promise<void>;
}

/**
 * The real server on a fresh database (migrations applied, no demo data), listening on a
 * loopback port, with a fake WeChat server on its own port.
 */
export async function startTestServer(
  opts: { env?: Record<string, string>; fake?: FakeWechatServer; db?: DatabaseConfig } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-test-'));
  const fake = opts.fake ?? new FakeWechatServer({ appid: TEST_APPID, secret: TEST_SECRET });
  const fakeUrl = opts.fake ? undefined : (await fake.listen(0)).url;
  const db = opts.db ?? freshDatabase(dir);
  const sms = new FakeAliyunSmsServer({
    ...TEST_SMS,
    templates: { [TEST_SMS.templates.code]: ['code'], [TEST_SMS.templates.order]: ['title', 'content'] },
  });
  const smsUrl = (await sms.listen(0)).url;
  const base = loadConfig({
    LINLI_MODE: 'test',
    LINLI_DATA_DIR: dir,
    WECHAT_APPID: TEST_APPID,
    WECHAT_SECRET: TEST_SECRET,
    WECHAT_API_BASE: fakeUrl ?? 'http://127.0.0.1:1',
    WECHAT_TIMEOUT_MS: '2000',
    LINLI_MIGRATE_ON_START: 'true',
    LOG_LEVEL: 'error',
    SMS_ENDPOINT: smsUrl,
    SMS_ACCESS_KEY_ID: TEST_SMS.accessKeyId,
    SMS_ACCESS_KEY_SECRET: TEST_SMS.accessKeySecret,
    SMS_SIGN_NAME: TEST_SMS.signName,
    SMS_TEMPLATE_CODE: TEST_SMS.templates.code,
    SMS_TEMPLATE_ORDER: TEST_SMS.templates.order,
    SMS_TIMEOUT_MS: '2000',
    ...opts.env,
  });
  const config: AppConfig = { ...base, db };
  const { app } = await createApp(config, { logger: ['fatal', 'error'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    config,
    app,
    ds: app.get(DataSource),
    fake,
    sms,
    api: new TestClient(`${url}/api`),
    url,
    async close() {
      await app.close();
      if (!opts.fake) await fake.close();
      await sms.close();
      if (!opts.db) await dropDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
