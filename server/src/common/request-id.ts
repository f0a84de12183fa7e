import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Give every request an id (or keep a sane incoming X-Request-Id) for logs and error bodies. */
export function requestIdMiddleware(req: Request & { requestId?: string }, res: Response, next: NextFunction) {
  const incoming = req.header('x-request-id');
  req.requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  next();
}
