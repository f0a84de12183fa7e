import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule, LoggerService, LogLevel } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream, type Level, type LevelWithSilent } from 'pino';
import pinoPretty from 'pino-pretty';
import type { AppConfig } from '../config/config.js';
import type { Actor } from './auth/actor.js';

/**
 * Logs go through pino (`nestjs-pino` + `pino-http`): one JSON object a line in production,
 * pino-pretty lines in demo, development and test. The Nest logger is replaced by
 * `QuietStartupLogger` below, so `new Logger('X')` everywhere keeps working.
 */

/** LOG_LEVEL → pino level (`debug` also lets Nest's `verbose` through, as before). */
export const PINO_LEVELS: Record<AppConfig['logLevel'], Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'trace',
};

/** The least severe pino level a Nest level list lets through (`createApp`'s `logger` option). */
export function pinoLevelOf(levels: LogLevel[] | false): LevelWithSilent {
  if (levels === false || levels.length === 0) return 'silent';
  const order: [LogLevel, Level][] = [
    ['verbose', 'trace'],
    ['debug', 'debug'],
    ['log', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    ['fatal', 'fatal'],
  ];
  return order.find(([nest]) => levels.includes(nest))?.[1] ?? 'silent';
}

type LoggedRequest = IncomingMessage & {
  requestId?: string;
  actor?: Actor;
  route?: { path?: string };
  originalUrl?: string;
};

/**
 * The matched route pattern (`/api/work-orders/:id`), never the URL with its ids and query.
 * No route of ours has a wildcard: one (Nest's catch-all `*path`) means nothing matched.
 */
export function routeOf(req: LoggedRequest): string {
  const pattern = req.route?.path;
  return typeof pattern === 'string' && !pattern.includes('*') ? pattern : '(unmatched)';
}

/** Probes are polled every few seconds: their lines would drown the rest. */
const UNLOGGED = /^\/api\/(health|metrics)(\/|\?|$)/;

/**
 * A request log line: method, route pattern, status, duration and the actor's id (the request
 * id is bound to the request's logger already). Deliberately no URL, headers, query, body or
 * user details: tokens and phone numbers live there.
 */
export function requestLogFields(req: LoggedRequest, res: ServerResponse, durationMs: number) {
  return {
    method: req.method,
    route: routeOf(req),
    status: res.statusCode,
    durationMs,
    actorId: req.actor?.userId ?? null,
  };
}

/** Nest's start-up chatter (a line per module and per route) is debug, not something to operate on. */
const STARTUP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Wraps nestjs-pino's logger: start-up chatter goes to debug, everything else unchanged. */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...rest: unknown[]) {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && STARTUP_CONTEXTS.has(context)) this.inner.debug?.(message, ...rest);
    else this.inner.log(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.inner.error(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.inner.warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.inner.debug?.(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.inner.verbose?.(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.inner.fatal?.(message, ...rest);
  }
}

/** JSON lines on stdout in production; readable lines elsewhere (synchronous, in this process). */
function destination(config: AppConfig): DestinationStream {
  if (config.mode === 'production') return pino.destination({ dest: 1, sync: true });
  return pinoPretty({
    colorize: !!process.stdout.isTTY,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,requestId,method,route,status,durationMs,actorId',
    messageFormat: '{if context}[{context}] {end}{msg}{if requestId} (request {requestId}){end}',
  });
}

export function loggingModule(config: AppConfig, level: LevelWithSilent): DynamicModule {
  // Request lines: info in production and development, debug in the demo (its terminal shows
  // the start banner, warnings and errors), off in tests; 5xx always at error.
  const requestLevel: LevelWithSilent = config.mode === 'test' ? 'silent' : config.mode === 'demo' ? 'debug' : 'info';
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        level,
        timestamp: pino.stdTimeFunctions.isoTime,
        // requestIdMiddleware ran first (X-Request-Id, echoed in error bodies): same id here.
        genReqId: (req) => (req as LoggedRequest).requestId ?? randomUUID(),
        customAttributeKeys: { reqId: 'requestId' },
        // Lines logged while handling a request carry its id only, not the request object.
        quietReqLogger: true,
        quietResLogger: true,
        autoLogging: { ignore: (req) => UNLOGGED.test((req as LoggedRequest).originalUrl ?? req.url ?? '') },
        customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : requestLevel),
        customSuccessObject: (req, res, value) =>
          requestLogFields(req, res, (value as { responseTime: number }).responseTime),
        customErrorObject: (req, res, _err, value) =>
          requestLogFields(req, res, (value as { responseTime: number }).responseTime),
        customSuccessMessage: (req, res, ms) => `${req.method} ${routeOf(req)} ${res.statusCode} ${ms}ms`,
        customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
      },
      destination(config),
    ],
  });
}
