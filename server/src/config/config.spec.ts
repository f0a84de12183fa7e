import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to SQLite in ./data on port 3000', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.db.type).toBe('sqlite');
    expect(c.db.file).toBe(path.resolve('data/linli.sqlite'));
    expect(c.seedDemo).toBe(false);
    expect(c.migrateOnStart).toBe(true);
  });

  it('demo mode serves the fake WeChat from the same process and seeds', () => {
    const c = loadConfig({ PORT: '4000', LINLI_DATA_DIR: '/tmp/x' }, ['--demo']);
    expect(c.mode).toBe('demo');
    expect(c.embedFakeWechat).toBe(true);
    expect(c.wechat.apiBase).toBe('http://127.0.0.1:4000/fake-wechat');
    expect(c.seedDemo).toBe(true);
    expect(c.db.file).toBe('/tmp/x/linli.sqlite');
  });

  it('reads a MySQL URL', () => {
    const c = loadConfig({ LINLI_DB_URL: 'mysql://linli:p%40ss@db.local:3307/linli_prod' });
    expect(c.db).toMatchObject({
      type: 'mariadb',
      host: 'db.local',
      port: 3307,
      username: 'linli',
      password: 'p@ss',
      database: 'linli_prod',
    });
  });

  it('reads read replicas of a MySQL primary; none with SQLite', () => {
    const primary = { LINLI_DB_URL: 'mysql://linli:pw@db1:3306/linli_prod' };
    expect(loadConfig(primary).db.replicas).toBeUndefined();
    const c = loadConfig({
      ...primary,
      LINLI_DB_REPLICA_URLS: ' mysql://ro:p%40ss@db2:3307/linli_prod , mariadb://ro@db3 ',
      LINLI_DB_REPLICA_MAX_LAG_MS: '2500',
    });
    expect(c.db.replicas).toEqual([
      { host: 'db2', port: 3307, username: 'ro', password: 'p@ss', database: 'linli_prod' },
      { host: 'db3', port: 3306, username: 'ro', password: '', database: 'linli_prod' },
    ]);
    expect(c.db.replicaMaxLagMs).toBe(2500);
    expect(loadConfig({ ...primary, LINLI_DB_REPLICA_URLS: 'mysql://db2/x' }).db.replicaMaxLagMs).toBe(5000);
    expect(() => loadConfig({ LINLI_DB_REPLICA_URLS: 'mysql://db2/linli' })).toThrow(/SQLite has no read replicas/);
    expect(() => loadConfig({ ...primary, LINLI_DB_REPLICA_URLS: 'mysql://db1:3306/linli_prod' })).toThrow(
      /names the primary/,
    );
    expect(() => loadConfig({ ...primary, LINLI_DB_REPLICA_URLS: 'mysql://db2/x,,mysql://db3/x' })).toThrow(
      /empty entry/,
    );
  });

  it('reads host/user/password/database variables', () => {
    const c = loadConfig({
      LINLI_DB_TYPE: 'mysql',
      LINLI_DB_HOST: 'h',
      LINLI_DB_USER: 'u',
      LINLI_DB_PASSWORD: 'p',
      LINLI_DB_NAME: 'n',
    });
    expect(c.db).toMatchObject({ type: 'mariadb', host: 'h', port: 3306, username: 'u', password: 'p', database: 'n' });
  });

  it('trusts no proxy by default in production and development, loopback in demo and test', () => {
    const prod = { LINLI_MODE: 'production', LINLI_JWT_SECRET: 'x'.repeat(32), WECHAT_APPID: 'a', WECHAT_SECRET: 's' };
    expect(loadConfig(prod).trustedProxies).toEqual([]);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({}, ['--demo']).trustedProxies).toEqual(['loopback']);
    expect(loadConfig({ LINLI_MODE: 'test' }).trustedProxies).toEqual(['loopback']);
    expect(loadConfig({ LINLI_MODE: 'test', LINLI_TRUSTED_PROXIES: 'none' }).trustedProxies).toEqual([]);
    expect(loadConfig({ LINLI_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.7 ,fd00::/8,loopback' }).trustedProxies).toEqual(
      ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback'],
    );
  });

  it('serves the API docs publicly outside production only; photo URLs live 15 minutes', () => {
    const prod = { LINLI_MODE: 'production', LINLI_JWT_SECRET: 'x'.repeat(32), WECHAT_APPID: 'a', WECHAT_SECRET: 's' };
    expect(loadConfig(prod).apiDocs).toBe('off');
    expect(loadConfig({ ...prod, LINLI_API_DOCS: 'staff' }).apiDocs).toBe('staff');
    expect(loadConfig({}).apiDocs).toBe('public');
    expect(loadConfig({}, ['--demo']).apiDocs).toBe('public');
    expect(loadConfig({}).uploads.photoUrlTtlSeconds).toBe(900);
  });

  it('serves metrics publicly outside production, off in production, and behind a bearer token once one is set', () => {
    const prod = { LINLI_MODE: 'production', LINLI_JWT_SECRET: 'x'.repeat(32), WECHAT_APPID: 'a', WECHAT_SECRET: 's' };
    const token = 't'.repeat(16);
    expect(loadConfig({}).metrics).toEqual({ access: 'public', token: '' });
    expect(loadConfig(prod).metrics).toEqual({ access: 'off', token: '' });
    expect(loadConfig({ ...prod, LINLI_METRICS: 'public' }).metrics.access).toBe('public');
    expect(loadConfig({ ...prod, LINLI_METRICS_TOKEN: token }).metrics).toEqual({ access: 'token', token });
    expect(loadConfig({ LINLI_METRICS_TOKEN: token }).metrics.access).toBe('token');
    expect(() => loadConfig({ LINLI_METRICS: 'token' })).toThrow(/LINLI_METRICS is token/);
    expect(() => loadConfig({ LINLI_METRICS_TOKEN: 'short' })).toThrow(/LINLI_METRICS_TOKEN must be at least 16/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LINLI_DB_TYPE: 'postgres' }, 'LINLI_DB_TYPE'],
    [{ LINLI_DB_URL: 'postgres://x/y' }, 'LINLI_DB_URL'],
    [{ LINLI_DB_URL: 'mysql://x' }, 'LINLI_DB_URL'],
    [{ LINLI_MODE: 'staging' }, 'LINLI_MODE'],
    [{ WECHAT_API_BASE: 'ftp://x' }, 'WECHAT_API_BASE'],
    [{ LINLI_JWT_SECRET: 'short' }, 'LINLI_JWT_SECRET'],
    [{ LINLI_SEED_DEMO: 'maybe' }, 'LINLI_SEED_DEMO'],
    [{ LINLI_CORS_ORIGINS: 'http://ok.example,not a url' }, 'LINLI_CORS_ORIGINS'],
    [{ LINLI_UPLOAD_MAX_BYTES: '10' }, 'LINLI_UPLOAD_MAX_BYTES'],
    [{ LINLI_REDIS_URL: 'http://cache:6379' }, 'LINLI_REDIS_URL'],
    [{ LINLI_REDIS_URL: 'not a url' }, 'LINLI_REDIS_URL'],
    [{ LINLI_TRUSTED_PROXIES: 'loopback,proxy.example' }, 'LINLI_TRUSTED_PROXIES'],
    [{ LINLI_TRUSTED_PROXIES: '10.0.0.0/33' }, 'LINLI_TRUSTED_PROXIES'],
    [{ LINLI_TRUSTED_PROXIES: '10.0.0.1,,10.0.0.2' }, 'LINLI_TRUSTED_PROXIES'],
    [{ LINLI_TRUSTED_PROXIES: '*' }, 'LINLI_TRUSTED_PROXIES'],
    [{ LINLI_API_DOCS: 'yes' }, 'LINLI_API_DOCS'],
    [{ LINLI_PHOTO_URL_TTL_SECONDS: '0' }, 'LINLI_PHOTO_URL_TTL_SECONDS'],
    [{ LINLI_DB_URL: 'mysql://db/x', LINLI_DB_REPLICA_URLS: 'postgres://db2/x' }, 'LINLI_DB_REPLICA_URLS'],
    [{ LINLI_DB_TYPE: 'mysql', LINLI_DB_REPLICA_URLS: 'not a url' }, 'LINLI_DB_REPLICA_URLS'],
    [{ LINLI_DB_REPLICA_URLS: 'mysql://db2/x', LINLI_DB_FILE: ':memory:' }, 'LINLI_DB_REPLICA_URLS'],
    [{ LINLI_DB_REPLICA_MAX_LAG_MS: '500' }, 'LINLI_DB_REPLICA_MAX_LAG_MS'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as ConfigError).variable).toBe(variable);
      expect((e as Error).message).toContain(variable);
    }
  });

  it('reads an optional Redis URL', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ LINLI_REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(loadConfig({ LINLI_REDIS_URL: 'rediss://:pw@cache.example:6380' }).redisUrl).toBe(
      'rediss://:pw@cache.example:6380',
    );
  });

  it('production requires real secrets and the real WeChat API', () => {
    const ok = {
      LINLI_MODE: 'production',
      LINLI_JWT_SECRET: 'x'.repeat(40),
      WECHAT_APPID: 'wx123',
      WECHAT_SECRET: 's',
      LINLI_DB_URL: 'mysql://u:p@db:3306/linli',
    };
    expect(loadConfig(ok).migrateOnStart).toBe(false);
    expect(() => loadConfig({ ...ok, LINLI_JWT_SECRET: '' })).toThrow(/LINLI_JWT_SECRET/);
    expect(() => loadConfig({ ...ok, WECHAT_APPID: '' })).toThrow(/WECHAT_APPID/);
    expect(() => loadConfig({ ...ok, WECHAT_API_BASE: 'http://127.0.0.1:3100' })).toThrow(/WECHAT_API_BASE/);
  });
  it('LINLI_SMS=aliyun: demo mode uses the embedded fake with demo keys; elsewhere every key is required and checked', () => {
    const demo = loadConfig({ PORT: '4000' }, ['--demo']);
    expect(demo.notifications.sms).toBe('aliyun');
    expect(demo.embedFakeSms).toBe(true);
    expect(demo.sms.endpoint).toBe('http://127.0.0.1:4000/fake-sms');
    expect(loadConfig({}).notifications.sms).toBe('off');
    expect(loadConfig({}).embedFakeSms).toBe(false);

    const keys = {
      LINLI_SMS: 'aliyun',
      SMS_ACCESS_KEY_ID: 'LTAI5tAbc123',
      SMS_ACCESS_KEY_SECRET: 'real-secret',
      SMS_SIGN_NAME: '海月物业',
      SMS_TEMPLATE_CODE: 'SMS_123456789',
      SMS_TEMPLATE_ORDER: 'SMS_987654321',
    };
    const c = loadConfig(keys);
    expect(c.sms).toMatchObject({
      endpoint: 'https://dysmsapi.aliyuncs.com',
      accessKeyId: 'LTAI5tAbc123',
      signName: '海月物业',
      templates: { code: 'SMS_123456789', order: 'SMS_987654321' },
      timeoutMs: 5000,
    });
    for (const name of Object.keys(keys).filter((k) => k !== 'LINLI_SMS')) {
      expect(() => loadConfig({ ...keys, [name]: '' })).toThrow(new RegExp(name));
    }
    expect(() => loadConfig({ ...keys, SMS_TEMPLATE_CODE: '123' })).toThrow(/SMS_TEMPLATE_CODE/);
    expect(() => loadConfig({ ...keys, SMS_SIGN_NAME: '邻' })).toThrow(/SMS_SIGN_NAME/);
    expect(() => loadConfig({ ...keys, SMS_ACCESS_KEY_ID: 'a b' })).toThrow(/SMS_ACCESS_KEY_ID/);
    expect(() => loadConfig({ ...keys, SMS_ENDPOINT: 'ftp://x' })).toThrow(/SMS_ENDPOINT/);
    expect(() => loadConfig({ ...keys, LINLI_SMS: 'tencent' })).toThrow(/LINLI_SMS/);
    // In demo mode a configured endpoint means a real (or separately run fake) provider: keys required.
    expect(() => loadConfig({ SMS_ENDPOINT: 'http://127.0.0.1:3200' }, ['--demo'])).toThrow(/SMS_ACCESS_KEY_ID/);

    const prod = {
      LINLI_MODE: 'production',
      LINLI_JWT_SECRET: 'x'.repeat(40),
      WECHAT_APPID: 'wx123',
      WECHAT_SECRET: 's',
      LINLI_DB_URL: 'mysql://u:p@db:3306/linli',
      ...keys,
    };
    expect(loadConfig(prod).notifications.sms).toBe('aliyun');
    expect(() => loadConfig({ ...prod, SMS_ENDPOINT: 'http://127.0.0.1:3200' })).toThrow(/SMS_ENDPOINT/);
    expect(() => loadConfig({ ...prod, SMS_ACCESS_KEY_SECRET: 'linli-demo-sms-secret' })).toThrow(
      /SMS_ACCESS_KEY_SECRET/,
    );
  });
});
