import { describe, expect, it, jest } from '@jest/globals';
import { Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error.js';
import { ErrorFilter } from './error.filter.js';

function run(exception: unknown) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
    setHeader(k: string, v: string) {
      sent.headers[k] = v;
    },
  };
  const req = { requestId: 'rid-1', method: 'GET', url: '/x', originalUrl: '/x' };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(exception, host);
  return sent;
}

describe('ErrorFilter', () => {
  it('returns an AppError with its code, status, details and headers', () => {
    const sent = run(new AppError('RATE_LIMITED', 'slow down', { n: 1 }, { 'Retry-After': '3' }));
    expect(sent.status).toBe(429);
    expect(sent.body).toEqual({ code: 'RATE_LIMITED', message: 'slow down', details: { n: 1 }, requestId: 'rid-1' });
    expect(sent.headers['Retry-After']).toBe('3');
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' })],
    [
      'a query on a lost connection',
      new QueryFailedError(
        'SELECT 1',
        [],
        Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }),
      ),
    ],
    ['a command on a closed connection', new Error("Can't add new command when connection is in closed state")],
    ['a server shutting down', Object.assign(new Error('Server shutdown in progress'), { errno: 1053 })],
  ])('answers %s with 503 SERVICE_UNAVAILABLE and Retry-After, so clients retry', (_what, err) => {
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const sent = run(err);
    expect(sent.status).toBe(503);
    expect(sent.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: 'rid-1' });
    expect(sent.headers['Retry-After']).toBe('5');
    spy.mockRestore();
  });

  it.each([
    ['a deadlock victim', 1213],
    ['a lock wait timeout', 1205],
  ])('answers %s (retries used up) with 503 and a short Retry-After: nothing changed, try again', (_what, errno) => {
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const err = new QueryFailedError('UPDATE work_order', [], Object.assign(new Error('Deadlock found'), { errno }));
    const sent = run(err);
    expect(sent.status).toBe(503);
    expect(sent.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(sent.headers['Retry-After']).toBe('1');
    spy.mockRestore();
  });

  it('does not take other database errors for an outage', () => {
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const dup = new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: 'ER_PARSE_ERROR' }));
    expect(run(dup).status).toBe(500);
    spy.mockRestore();
  });

  it('maps framework HTTP errors to catalogue codes', () => {
    expect(run(new NotFoundException()).body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('logs unexpected errors with the request id and hides their internals', () => {
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = run(new Error('ER_ACCESS_DENIED for user root@10.0.0.5 password=hunter2'));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error', requestId: 'rid-1' });
    expect(JSON.stringify(sent.body)).not.toContain('hunter2');
    expect(spy).toHaveBeenCalledWith(expect.stringContaining('rid-1'), expect.any(String));
    spy.mockRestore();
  });
});
