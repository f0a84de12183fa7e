import { ERROR_CATALOGUE, type ErrorCode } from '@linli/shared';

/** An expected failure with a stable code from the shared catalogue. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? code);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export const notFound = (what = 'record') => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'not allowed') => new AppError('FORBIDDEN', why);
