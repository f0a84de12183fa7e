import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { serveConsole } from './common/console-static.js';
import { ErrorFilter } from './common/error.filter.js';
import { requestIdMiddleware } from './common/request-id.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { ensureDatabaseExists } from './database/data-source.js';
import { seedDemo } from './database/seed/demo-seed.js';
import { FakeWechatServer } from './wechat/fake-wechat-server.js';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

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
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: opts.logger ?? LEVELS[config.logLevel],
    bodyParser: false,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(securityHeaders({ htmlDirs: [config.h5Dir, config.consoleDir] }));
  app.use(requestIdMiddleware);
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

  if (existsSync(path.join(config.h5Dir, 'index.html'))) {
    app.useStaticAssets(config.h5Dir, { prefix: '/h5/', index: 'index.html', maxAge: '1h' });
  }
  serveConsole(app, config);

  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Linli API')
      .setDescription(
        '邻里 property repair desk: work orders, residents, staff. Errors are { code, message, details? }.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json' });

  const ds = app.get(DataSource);
  if (config.migrateOnStart) {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) Logger.log(`applied ${ran.length} migration(s)`, 'Database');
  }
  if (config.seedDemo) {
    const seeded = await seedDemo(ds, { wechatAppid: config.wechat.appid });
    if (seeded) Logger.log(`seeded demo data: ${JSON.stringify(seeded)}`, 'Demo');
  }
  return { app, fakeWechat };
}
