import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { NativeLogger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { setupApiDocs } from './common/api-docs.js';
import { serveConsole, serveH5 } from './common/console-static.js';
import { ErrorFilter } from './common/error.filter.js';
import { loggingModule, PINO_LEVELS, pinoLevelOf, QuietStartupLogger } from './common/logging.js';
import { requestIdMiddleware } from './common/request-id.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { ensureDatabaseExists } from './database/data-source.js';
import { seedDemo } from './database/seed/demo-seed.js';
import { Metrics } from './modules/metrics/metrics.js';
import { FakeWechatServer } from './wechat/fake-wechat-server.js';
import { demoFakeSms } from './modules/sms/fake-aliyun-sms-server.js';
import { FILE_STORAGE, type FileStorage } from './modules/uploads/file-storage.js';

/** Outside production an unset JWT secret is generated once and kept in the data dir. */
export function resolveSecrets(config: AppConfig): AppConfig {
  if (config.jwt.secret) return config;
  if (config.mode === 'test') return { ...config, jwt: { ...config.jwt, secret: randomBytes(32).toString('hex') } };
  const file = path.join(config.dataDir, 'jwt-secret');
  mkdirSync(config.dataDir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return { ...config, jwt: { ...config.jwt, secret: readFileSync(file, 'utf8').trim() } };
}

export interface CreatedApp {
  app: NestExpressApplication;
  fakeWechat: FakeWechatServer | null;
}

/** Build the whole server (not listening yet): the one path for main, tests and e2e. */
export async function createApp(input: AppConfig, opts: { logger?: LogLevel[] | false } = {}): Promise<CreatedApp> {
  const config = resolveSecrets(input);
  if (config.db.type === 'sqlite' && config.db.file !== ':memory:') {
    mkdirSync(path.dirname(config.db.file), { recursive: true });
  }
  if (config.migrateOnStart) await ensureDatabaseExists(config.db);
  const root = AppModule.forRoot(config);
  const level = opts.logger === undefined ? PINO_LEVELS[config.logLevel] : pinoLevelOf(opts.logger);
  root.imports = [loggingModule(config, level), ...(root.imports ?? [])];
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bufferLogs: true,
    bodyParser: false,
    rawBody: true,
  });
  app.useLogger(new QuietStartupLogger(app.get(NativeLogger)));
  // The live-updates socket (modules/live) shares the HTTP server and port: `ws`, no socket.io.
  app.useWebSocketAdapter(new WsAdapter(app));
  // Only configured proxies may name the client (X-Forwarded-For): req.ip keys the rate limits.
  app.set('trust proxy', config.trustedProxies.length ? config.trustedProxies : false);
  app.disable('x-powered-by');
  app.use(securityHeaders({ htmlDirs: [config.h5Dir, config.consoleDir] }));
  app.use(requestIdMiddleware);
  app.use(app.get(Metrics).httpMiddleware());
  app.useBodyParser('json', { limit: '256kb' });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, maxAge: 600 });

  let fakeWechat: FakeWechatServer | null = null;
  if (config.embedFakeWechat) {
    fakeWechat = new FakeWechatServer({ appid: config.wechat.appid, secret: config.wechat.secret });
    const fake = fakeWechat;
    app.use(
      '/fake-wechat',
      (req: Parameters<FakeWechatServer['handler']>[0], res: Parameters<FakeWechatServer['handler']>[1]) => {
        void fake.handler(req, res);
      },
    );
  }

  if (config.embedFakeSms) {
    // Demo mode: the fake SMS provider with the demo keys; messages (and codes) in its record.
    const fakeSms = demoFakeSms(config.sms);
    app.use('/fake-sms', (req: Parameters<typeof fakeSms.handler>[0], res: Parameters<typeof fakeSms.handler>[1]) => {
      void fakeSms.handler(req, res);
    });
  }

  // The resident H5 build and the console: precompressed, hashed files immutable (console-static.ts).
  serveH5(app, config.h5Dir);
  serveConsole(app, config);
  // Every route of ours lives under /api; anything else nothing above served is a JSON 404 like
  // the API's own (Express would answer with an HTML page).
  app.use((req: Request & { requestId?: string }, res: Response, next: NextFunction) => {
    if (/^\/api(\/|$)/.test(req.path)) return next();
    res.status(404).json({ code: 'NOT_FOUND', message: 'not found', requestId: req.requestId });
  });

  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());

  setupApiDocs(app, config);

  const ds = app.get(DataSource);
  if (config.migrateOnStart) {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) Logger.log(`applied ${ran.length} migration(s)`, 'Database');
  }
  if (config.seedDemo) {
    const storage = app.get<FileStorage>(FILE_STORAGE);
    const seeded = await seedDemo(ds, { wechatAppid: config.wechat.appid, storage });
    if (seeded) Logger.log(`seeded demo data: ${JSON.stringify(seeded)}`, 'Demo');
  }
  return { app, fakeWechat };
}
