import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorBody, ErrorCode } from '@linli/shared';
import type { Request, Response } from 'express';
import { AppError } from './app-error.js';
import { isConnectionError, isRetryableLockError } from './db-errors.js';

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Body-parser and multer errors carry these; map them to our codes. */
function fromLowLevel(err: unknown): AppError | null {
  const e = err as { type?: string; code?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') {
    return new AppError('PAYLOAD_TOO_LARGE', 'request body or file too large');
  }
  if (e?.type === 'entity.parse.failed') {
    return new AppError('VALIDATION_FAILED', 'request body is not valid JSON');
  }
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_')) {
    return new AppError('VALIDATION_FAILED', `upload rejected: ${e.code}`);
  }
  return null;
}

/** The one place that turns failures into `{ code, message, details?, requestId }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Error');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { requestId?: string }>();
    const requestId = req.requestId;
    let err = exception instanceof AppError ? exception : fromLowLevel(exception);
    if (!err && exception instanceof HttpException) {
      const status = exception.getStatus();
      const inner = fromLowLevel(exception.cause);
      if (inner) err = inner;
      else if (HTTP_CODES[status]) err = new AppError(HTTP_CODES[status], exception.message);
    }
    if (!err && isConnectionError(exception)) {
      // An outage, not a bug: the client should come back (with the same idempotency key).
      this.logger.warn(`request ${requestId ?? '-'} ${req.method} ${req.originalUrl ?? req.url}: database unavailable`);
      err = new AppError('SERVICE_UNAVAILABLE', 'database unavailable, retry shortly', undefined, {
        'Retry-After': '5',
      });
    }
    if (!err && isRetryableLockError(exception)) {
      // A deadlock victim (or lock wait) whose transaction retries are used up: it rolled back,
      // so nothing changed and trying again is right.
      this.logger.warn(`request ${requestId ?? '-'} ${req.method} ${req.originalUrl ?? req.url}: lock contention`);
      err = new AppError('SERVICE_UNAVAILABLE', 'busy, retry shortly', undefined, { 'Retry-After': '1' });
    }
    if (!err) {
      this.logger.error(
        `request ${requestId ?? '-'} ${req.method} ${req.originalUrl ?? req.url} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
      err = new AppError('INTERNAL_ERROR', 'internal error');
    }
    const body: ErrorBody = { code: err.code, message: err.message, requestId };
    if (err.details !== undefined) body.details = err.details;
    if (err.headers) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
    res.status(err.status).json(body);
  }
}
