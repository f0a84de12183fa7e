import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_MERCHANT_PRIVATE_KEY, DEMO_PAY, DEMO_PLATFORM_PUBLIC_KEY } from '../wechat/wechat-pay.demo-keys.js';

/** server/ (this file is server/src/config or server/dist/config). */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Linli's configuration, parsed and validated once at start-up from the environment.
 * Nothing else in the server reads process.env. A bad value throws a ConfigError that
 * names the variable, and start-up stops. The README's configuration table lists every
 * variable read here, and readme-config.spec.ts fails when the two differ.
 */
export type Mode = 'demo' | 'development' | 'production' | 'test';
export type DbType = 'sqlite' | 'mariadb';

export interface DatabaseConfig {
  type: DbType;
  /** SQLite file path (sqlite only); ':memory:' for throwaway tests. */
  file: string;
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  /**
   * Read replicas of a MariaDB/MySQL primary (LINLI_DB_REPLICA_URLS): dashboards, breakdowns,
   * hotspots and exports read from them (database/replica-reader.ts, docs/scaling.md).
   * Absent or empty: everything reads from the primary.
   */
  replicas?: ReplicaTarget[];
  /** A replica further behind than this is not read from (LINLI_DB_REPLICA_MAX_LAG_MS). */
  replicaMaxLagMs?: number;
}

/** One read replica's connection. */
export interface ReplicaTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

export interface AppConfig {
  mode: Mode;
  host: string;
  port: number;
  dataDir: string;
  db: DatabaseConfig;
  jwt: { secret: string; ttlSeconds: number };
  wechat: { apiBase: string; appid: string; secret: string; timeoutMs: number };
  /** Serve the fake WeChat API from this process under /fake-wechat (demo mode). */
  embedFakeWechat: boolean;
  seedDemo: boolean;
  /** Run pending migrations at start (off in production: run the migrate command once per deploy). */
  migrateOnStart: boolean;
  /** photoUrlTtlSeconds: how long a signed photo URL (bound to its viewer) stays valid. */
  uploads: { maxBytes: number; maxPixels: number; photoUrlTtlSeconds: number };
  /** Origins allowed by CORS (the mini-program's H5 preview on another port). */
  corsOrigins: string[];
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Background work (timers, outbox, deliveries) polls this often; 0 turns it off (tests tick by hand). */
  /** intervalMs: the worker loop's period; batchSize: due jobs (of a batched kind) and outbox events per transaction. */
  workers: { intervalMs: number; batchSize: number };
  /** How long configuration rows every order reads stay cached in a process (0: not cached). */
  configCacheMs: number;
  /** How long a process keeps a signed-in user's row (role, token version, communities); 0: off. */
  actorCacheMs: number;
  /** How long a process keeps a company's routing quality grades (read from the rollups; 0: not cached). */
  qualityCacheMs: number;
  /**
   * WeChat Pay API v3 (docs/payments.md). Off in production until WECHAT_PAY_MCHID is set; demo and
   * tests use the fake inside the fake WeChat server with the demo keys (wechat-pay.demo-keys.ts).
   * queryAfterSeconds: how long after a prepay (and again after each miss) the payment is queried.
   */
  wechatPay: {
    enabled: boolean;
    apiBase: string;
    mchid: string;
    merchantSerial: string;
    privateKeyPem: string;
    apiV3Key: string;
    platformSerial: string;
    platformPublicKeyPem: string;
    notifyUrl: string;
    queryAfterSeconds: number;
  };
  notifications: {
    /** The subscribe-message template for order updates; empty = no WeChat pushes. */
    orderTemplateId: string;
    /** The subscribe-message template for survey openings and reminders; empty = none (docs/surveys.md). */
    surveyTemplateId: string;
    /** 'aliyun' sends SMS through Alibaba Cloud SMS (`sms`); 'log' writes them to the log; 'off' sends none. */
    sms: 'off' | 'log' | 'aliyun';
    miniprogramState: 'developer' | 'trial' | 'formal';
  };
  /**
   * The SMS provider (LINLI_SMS=aliyun): Alibaba Cloud SMS SendSms at `endpoint`, signed with the
   * key pair; one template code per kind of message. Demo mode without SMS_ENDPOINT uses the
   * in-process fake (`embedFakeSms`) with fixed demo keys. docs/sms.md.
   */
  sms: {
    endpoint: string;
    accessKeyId: string;
    accessKeySecret: string;
    signName: string;
    templates: { code: string; order: string };
    timeoutMs: number;
  };
  /** Serve the fake SMS provider from this process under /fake-sms (demo mode). */
  embedFakeSms: boolean;
  /** Completed orders without a rating close as "unrated" after this many days. */
  ratingWindowDays: number;
  /** The mini-program's H5 build, served at /h5/ when the folder exists. */
  h5Dir: string;
  /** The web console's build (server/console/dist), served at / when the folder has an index.html. */
  consoleDir: string;
  /** Redis for state shared between processes (rate-limit counters); null = per process. */
  redisUrl: string | null;
  /**
   * Peers whose X-Forwarded-For is believed (Express `trust proxy`): addresses, CIDRs or the
   * names loopback / linklocal / uniquelocal. Empty: the client address is the TCP peer.
   */
  trustedProxies: string[];
  /** Swagger UI and /api/docs/openapi.json: for anyone, for staff admins and supervisors, or not served. */
  apiDocs: 'public' | 'staff' | 'off';
  /**
   * GET /api/metrics (Prometheus): `public` for anyone, `token` only with
   * `Authorization: Bearer <LINLI_METRICS_TOKEN>`, `off` not served (404).
   */
  metrics: { access: 'public' | 'token' | 'off'; token: string };
  /**
   * The live-updates socket (modules/live): heartbeatMs, how often the server pings each socket
   * (one unanswered ping closes it) and re-checks its user; maxSocketsPerUser, per process.
   */
  live: { heartbeatMs: number; maxSocketsPerUser: number };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const DEMO_WECHAT = { appid: 'wxlinlidemo', secret: 'linli-demo-secret' };

/** The fixed key pair and templates of the demo's in-process fake SMS provider. */
export const DEMO_SMS = {
  accessKeyId: 'LTAIlinlidemo',
  accessKeySecret: 'linli-demo-sms-secret',
  signName: '邻里物业',
  templates: { code: 'SMS_100000001', order: 'SMS_100000002' },
};

const TEMPLATE_CODE = /^SMS_\d{3,20}$/;

/** LINLI_SMS and its provider settings; aliyun needs every key outside demo mode. */
function smsConfig(env: Env, mode: Mode, port: number) {
  const production = mode === 'production';
  const channel = oneOf(env, 'LINLI_SMS', ['off', 'log', 'aliyun'] as const, mode === 'demo' ? 'aliyun' : 'off');
  const embedFakeSms = mode === 'demo' && channel === 'aliyun' && !env.SMS_ENDPOINT;
  const demoDefaults = embedFakeSms;
  const need = channel === 'aliyun' && !demoDefaults;
  // Demo defaults only for the embedded fake; a configured provider needs its own keys.
  const fallback = (demo: string) => (need ? undefined : demo);
  const sms = {
    endpoint: embedFakeSms
      ? `http://127.0.0.1:${port}/fake-sms`
      : url(env, 'SMS_ENDPOINT', 'https://dysmsapi.aliyuncs.com'),
    accessKeyId: str(env, 'SMS_ACCESS_KEY_ID', fallback(DEMO_SMS.accessKeyId)),
    accessKeySecret: str(env, 'SMS_ACCESS_KEY_SECRET', fallback(DEMO_SMS.accessKeySecret)),
    signName: str(env, 'SMS_SIGN_NAME', fallback(DEMO_SMS.signName)),
    templates: {
      code: str(env, 'SMS_TEMPLATE_CODE', fallback(DEMO_SMS.templates.code)),
      order: str(env, 'SMS_TEMPLATE_ORDER', fallback(DEMO_SMS.templates.order)),
    },
    timeoutMs: int(env, 'SMS_TIMEOUT_MS', 5000, 100, 60000),
  };
  for (const [name, v] of [
    ['SMS_TEMPLATE_CODE', sms.templates.code],
    ['SMS_TEMPLATE_ORDER', sms.templates.order],
  ] as const) {
    if (!TEMPLATE_CODE.test(v)) throw new ConfigError(name, `must be a template code like SMS_123456789, got "${v}"`);
  }
  if (!/^[A-Za-z0-9]{1,64}$/.test(sms.accessKeyId)) {
    throw new ConfigError('SMS_ACCESS_KEY_ID', 'must be letters and digits (an AccessKey ID)');
  }
  if ([...sms.signName].length < 2 || [...sms.signName].length > 12) {
    throw new ConfigError('SMS_SIGN_NAME', 'must be 2 to 12 characters (the approved signature)');
  }
  if (production && channel === 'aliyun' && /^https?:\/\/(127\.|localhost)/.test(sms.endpoint)) {
    throw new ConfigError('SMS_ENDPOINT', 'must be the real SMS API in production mode');
  }
  if (production && channel === 'aliyun' && sms.accessKeySecret === DEMO_SMS.accessKeySecret) {
    throw new ConfigError('SMS_ACCESS_KEY_SECRET', 'must not be the demo secret in production mode');
  }
  return { channel, sms, embedFakeSms };
}

function str(env: Env, name: string, fallback?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new ConfigError(name, 'is required');
    return fallback;
  }
  return v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, fallback: string): string {
  const raw = str(env, name, fallback);
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function redisUrl(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  try {
    const u = new URL(raw);
    if ((u.protocol !== 'redis:' && u.protocol !== 'rediss:') || !u.hostname) throw new Error();
  } catch {
    throw new ConfigError(name, 'must be a redis:// or rediss:// URL like redis://host:6379/0');
  }
  return raw;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Comma-separated addresses, CIDRs (`10.0.0.0/8`, `fd00::/8`) or Express's names; `none` = trust nobody. */
function trustedProxies(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (raw.trim() === 'none') return [];
  const entries = raw.split(',').map((s) => s.trim());
  for (const entry of entries) {
    if (PROXY_NAMES.includes(entry)) continue;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (!family || !prefixOk || extra !== undefined) {
      throw new ConfigError(
        name,
        `has "${entry}": use IP addresses, CIDRs (10.0.0.0/8), loopback, linklocal, uniquelocal, or none`,
      );
    }
  }
  return entries;
}

/** A token, when set, is required (`token`); without one, metrics are public outside production and off in it. */
function metricsConfig(env: Env, production: boolean): AppConfig['metrics'] {
  const token = env.LINLI_METRICS_TOKEN ?? '';
  if (token && token.length < 16) throw new ConfigError('LINLI_METRICS_TOKEN', 'must be at least 16 characters');
  const access = oneOf(
    env,
    'LINLI_METRICS',
    ['public', 'token', 'off'] as const,
    token ? 'token' : production ? 'off' : 'public',
  );
  if (access === 'token' && !token) {
    throw new ConfigError('LINLI_METRICS', 'is token, but LINLI_METRICS_TOKEN is not set');
  }
  return { access, token };
}

/** A mysql:// or mariadb:// URL's connection parts (`variable` names it in errors). */
function mysqlUrl(variable: string, raw: string): Omit<ReplicaTarget, 'database'> & { database: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'must be a URL like mysql://user:password@host:3306/linli');
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
    throw new ConfigError(variable, `must use mysql: or mariadb:, got "${u.protocol}"`);
  }
  if (!u.hostname) throw new ConfigError(variable, 'must name a host');
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

/**
 * LINLI_DB_REPLICA_URLS: comma-separated mysql:// URLs of read replicas (a URL without a database
 * reads the primary's database name). SQLite has no replicas: setting them with it is an error.
 */
function withReplicas(env: Env, db: DatabaseConfig): DatabaseConfig {
  const raw = env.LINLI_DB_REPLICA_URLS ?? '';
  const maxLagMs = int(env, 'LINLI_DB_REPLICA_MAX_LAG_MS', 5000, 1000, 3_600_000);
  const entries = raw.split(',').map((s) => s.trim());
  if (raw.trim() === '') return db;
  if (db.type !== 'mariadb') {
    throw new ConfigError(
      'LINLI_DB_REPLICA_URLS',
      'needs a MySQL/MariaDB primary (LINLI_DB_URL=mysql://...): SQLite has no read replicas',
    );
  }
  if (entries.some((e) => e === '')) throw new ConfigError('LINLI_DB_REPLICA_URLS', 'has an empty entry');
  const replicas = entries.map((entry) => {
    const r = mysqlUrl('LINLI_DB_REPLICA_URLS', entry);
    return { ...r, database: r.database || db.database };
  });
  const primary = `${db.host}:${db.port}`;
  if (replicas.some((r) => `${r.host}:${r.port}` === primary)) {
    throw new ConfigError('LINLI_DB_REPLICA_URLS', `names the primary (${primary}) as a replica`);
  }
  return { ...db, replicas, replicaMaxLagMs: maxLagMs };
}

function parseDb(env: Env, dataDir: string, mode: Mode): DatabaseConfig {
  return withReplicas(env, parsePrimaryDb(env, dataDir, mode));
}

function parsePrimaryDb(env: Env, dataDir: string, mode: Mode): DatabaseConfig {
  const dbUrl = env.LINLI_DB_URL;
  let type = oneOf(env, 'LINLI_DB_TYPE', ['sqlite', 'mariadb', 'mysql'] as const, 'sqlite');
  const base: DatabaseConfig = {
    type: 'sqlite',
    file: path.resolve(dataDir, 'linli.sqlite'),
    host: '127.0.0.1',
    port: 3306,
    username: 'root',
    password: '',
    database: 'linli',
  };
  if (dbUrl) {
    let u: URL;
    try {
      u = new URL(dbUrl);
    } catch {
      throw new ConfigError('LINLI_DB_URL', 'must be a URL like mysql://user:password@host:3306/linli');
    }
    if (u.protocol === 'sqlite:') {
      return { ...base, file: path.resolve(decodeURIComponent(u.pathname)) };
    }
    if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
      throw new ConfigError('LINLI_DB_URL', `must use mysql:, mariadb: or sqlite:, got "${u.protocol}"`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!database) throw new ConfigError('LINLI_DB_URL', 'must name a database');
    return {
      ...base,
      type: 'mariadb',
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      username: decodeURIComponent(u.username) || 'root',
      password: decodeURIComponent(u.password),
      database,
    };
  }
  if (type === 'mysql') type = 'mariadb';
  if (type === 'sqlite') {
    const file = env.LINLI_DB_FILE;
    return { ...base, file: file === ':memory:' ? file : path.resolve(file || base.file) };
  }
  return {
    ...base,
    type: 'mariadb',
    host: str(env, 'LINLI_DB_HOST', '127.0.0.1'),
    port: int(env, 'LINLI_DB_PORT', 3306, 1, 65535),
    username: str(env, 'LINLI_DB_USER', 'root'),
    password: env.LINLI_DB_PASSWORD ?? '',
    database: mode === 'production' ? str(env, 'LINLI_DB_NAME') : str(env, 'LINLI_DB_NAME', 'linli'),
  };
}

/** A PEM inline (`NAME`, `\\n` for line breaks) or from a file (`NAME_FILE`). */
function pem(name: string, inline: string | undefined, file: string | undefined, fallback: string | undefined): string {
  let text = inline ? inline.replace(/\\n/g, '\n') : undefined;
  if (!text && file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file}`);
    }
  }
  text ??= fallback;
  if (!text) throw new ConfigError(name, `is required (or ${name}_FILE)`);
  if (!/-----BEGIN [A-Z ]*KEY-----/.test(text)) throw new ConfigError(name, 'must be a PEM key');
  return text;
}

/** WeChat Pay: demo keys and the fake outside production; every value required in production once a mchid is set. */
function wechatPayConfig(env: Env, mode: Mode, port: number, wechatApiBase: string, embedFake: boolean) {
  const production = mode === 'production';
  const enabled = !production || Boolean(env.WECHAT_PAY_MCHID);
  const fallback = (demo: string) => (production ? undefined : demo);
  const fakeBase = embedFake || (!production && env.WECHAT_API_BASE) ? wechatApiBase : 'https://api.mch.weixin.qq.com';
  if (!enabled) {
    return {
      enabled,
      apiBase: 'https://api.mch.weixin.qq.com',
      mchid: '',
      merchantSerial: '',
      privateKeyPem: '',
      apiV3Key: '',
      platformSerial: '',
      platformPublicKeyPem: '',
      notifyUrl: '',
      queryAfterSeconds: 60,
    };
  }
  const pay = {
    enabled,
    apiBase: url(env, 'WECHAT_PAY_API_BASE', fakeBase),
    mchid: str(env, 'WECHAT_PAY_MCHID', fallback(DEMO_PAY.mchid)),
    merchantSerial: str(env, 'WECHAT_PAY_SERIAL', fallback(DEMO_PAY.merchantSerial)),
    privateKeyPem: pem(
      'WECHAT_PAY_PRIVATE_KEY',
      env.WECHAT_PAY_PRIVATE_KEY,
      env.WECHAT_PAY_PRIVATE_KEY_FILE,
      fallback(DEMO_MERCHANT_PRIVATE_KEY),
    ),
    apiV3Key: str(env, 'WECHAT_PAY_APIV3_KEY', fallback(DEMO_PAY.apiV3Key)),
    platformSerial: str(env, 'WECHAT_PAY_PLATFORM_SERIAL', fallback(DEMO_PAY.platformSerial)),
    platformPublicKeyPem: pem(
      'WECHAT_PAY_PLATFORM_PUBLIC_KEY',
      env.WECHAT_PAY_PLATFORM_PUBLIC_KEY,
      env.WECHAT_PAY_PLATFORM_PUBLIC_KEY_FILE,
      fallback(DEMO_PLATFORM_PUBLIC_KEY),
    ),
    notifyUrl: url(
      env,
      'WECHAT_PAY_NOTIFY_URL',
      production ? '' : `http://127.0.0.1:${port}/api/payments/wechat/notify`,
    ),
    queryAfterSeconds: int(env, 'WECHAT_PAY_QUERY_AFTER_SECONDS', 60, 1, 3600),
  };
  if (!/^\d{1,32}$/.test(pay.mchid)) throw new ConfigError('WECHAT_PAY_MCHID', 'must be the merchant number (digits)');
  if (Buffer.byteLength(pay.apiV3Key, 'utf8') !== 32) throw new ConfigError('WECHAT_PAY_APIV3_KEY', 'must be 32 bytes');
  if (production) {
    if (/^https?:\/\/(127\.|localhost)/.test(pay.apiBase)) {
      throw new ConfigError('WECHAT_PAY_API_BASE', 'must be the real WeChat Pay API in production mode');
    }
    if (pay.apiV3Key === DEMO_PAY.apiV3Key || pay.privateKeyPem === DEMO_MERCHANT_PRIVATE_KEY) {
      throw new ConfigError('WECHAT_PAY_APIV3_KEY', 'must not be the demo keys in production mode');
    }
    if (!pay.notifyUrl.startsWith('https://')) throw new ConfigError('WECHAT_PAY_NOTIFY_URL', 'must be an https URL');
  }
  return pay;
}

/** Parse the environment (and the `--demo` flag) into an AppConfig, or throw ConfigError. */
export function loadConfig(env: Env, argv: readonly string[] = []): AppConfig {
  const mode: Mode = argv.includes('--demo')
    ? 'demo'
    : oneOf(env, 'LINLI_MODE', ['demo', 'development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(str(env, 'LINLI_DATA_DIR', './data'));
  const port = int(env, 'PORT', 3000, 0, 65535);
  const production = mode === 'production';

  const jwtSecret = production ? str(env, 'LINLI_JWT_SECRET') : (env.LINLI_JWT_SECRET ?? '');
  if (jwtSecret && jwtSecret.length < 32) {
    throw new ConfigError('LINLI_JWT_SECRET', 'must be at least 32 characters');
  }

  const embedFakeWechat = mode === 'demo' && !env.WECHAT_API_BASE;
  const wechat = {
    apiBase: embedFakeWechat
      ? `http://127.0.0.1:${port}/fake-wechat`
      : url(env, 'WECHAT_API_BASE', 'https://api.weixin.qq.com'),
    appid: production ? str(env, 'WECHAT_APPID') : str(env, 'WECHAT_APPID', DEMO_WECHAT.appid),
    secret: production ? str(env, 'WECHAT_SECRET') : str(env, 'WECHAT_SECRET', DEMO_WECHAT.secret),
    timeoutMs: int(env, 'WECHAT_TIMEOUT_MS', 5000, 100, 60000),
  };
  if (production && /^https?:\/\/(127\.|localhost)/.test(wechat.apiBase)) {
    throw new ConfigError('WECHAT_API_BASE', 'must be the real WeChat API in production mode');
  }

  const sms = smsConfig(env, mode, port);
  const wechatPay = wechatPayConfig(env, mode, port, wechat.apiBase, embedFakeWechat);

  const corsRaw = env.LINLI_CORS_ORIGINS ?? '';
  const corsOrigins = corsRaw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError('LINLI_CORS_ORIGINS', `has an invalid origin "${origin}"`);
    }
  }

  return {
    mode,
    host: str(env, 'HOST', '0.0.0.0'),
    port,
    dataDir,
    db: parseDb(env, dataDir, mode),
    // Empty outside production: the server then keeps a generated secret in the data dir.
    jwt: { secret: jwtSecret, ttlSeconds: int(env, 'LINLI_JWT_TTL_SECONDS', 7 * 24 * 3600, 60, 90 * 24 * 3600) },
    wechat,
    wechatPay,
    embedFakeWechat,
    seedDemo: bool(env, 'LINLI_SEED_DEMO', mode === 'demo'),
    migrateOnStart: bool(env, 'LINLI_MIGRATE_ON_START', !production),
    uploads: {
      maxBytes: int(env, 'LINLI_UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxPixels: int(env, 'LINLI_UPLOAD_MAX_PIXELS', 40_000_000, 1, 400_000_000),
      photoUrlTtlSeconds: int(env, 'LINLI_PHOTO_URL_TTL_SECONDS', 15 * 60, 10, 24 * 3600),
    },
    corsOrigins,
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log'),
    workers: {
      intervalMs: int(env, 'LINLI_WORKER_INTERVAL_MS', mode === 'test' ? 0 : 1000, 0, 600_000),
      batchSize: int(env, 'LINLI_WORKER_BATCH_SIZE', 25, 1, 500),
    },
    // Off in test mode: tests write configuration rows straight into the database.
    configCacheMs: int(env, 'LINLI_CONFIG_CACHE_MS', mode === 'test' ? 0 : 10_000, 0, 600_000),
    // Off in test mode: tests deactivate users straight in the database. Writes through the app
    // forget the entry at once; other processes see them within this time (docs/security.md).
    actorCacheMs: int(env, 'LINLI_ACTOR_CACHE_MS', mode === 'test' ? 0 : 3000, 0, 60_000),
    // Off in test mode: tests rate orders and expect the next routing decision to see it.
    qualityCacheMs: int(env, 'LINLI_QUALITY_CACHE_MS', mode === 'test' ? 0 : 300_000, 0, 3_600_000),
    notifications: {
      orderTemplateId: env.WECHAT_TEMPLATE_ORDER ?? (production ? '' : 'linli-order-status'),
      surveyTemplateId: env.WECHAT_TEMPLATE_SURVEY ?? (production ? '' : 'linli-survey'),
      sms: sms.channel,
      miniprogramState: oneOf(
        env,
        'WECHAT_MINIPROGRAM_STATE',
        ['developer', 'trial', 'formal'] as const,
        production ? 'formal' : 'developer',
      ),
    },
    sms: sms.sms,
    embedFakeSms: sms.embedFakeSms,
    ratingWindowDays: int(env, 'LINLI_RATING_WINDOW_DAYS', 7, 1, 90),
    h5Dir: path.resolve(str(env, 'LINLI_H5_DIR', path.join(PACKAGE_ROOT, '../miniprogram/dist/h5'))),
    consoleDir: path.resolve(str(env, 'LINLI_CONSOLE_DIR', path.join(PACKAGE_ROOT, 'console/dist'))),
    redisUrl: redisUrl(env, 'LINLI_REDIS_URL'),
    // Demo and tests run behind nothing or a local proxy; production and development trust no one
    // unless told, so a client cannot pick its own address (and rate-limit bucket) with a header.
    trustedProxies: trustedProxies(
      env,
      'LINLI_TRUSTED_PROXIES',
      mode === 'demo' || mode === 'test' ? ['loopback'] : [],
    ),
    apiDocs: oneOf(env, 'LINLI_API_DOCS', ['public', 'staff', 'off'] as const, production ? 'off' : 'public'),
    metrics: metricsConfig(env, production),
    live: {
      heartbeatMs: int(env, 'LINLI_LIVE_HEARTBEAT_MS', 25_000, 100, 300_000),
      maxSocketsPerUser: int(env, 'LINLI_LIVE_MAX_SOCKETS', 5, 1, 100),
    },
  };
}
