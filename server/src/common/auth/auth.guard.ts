import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '@linli/shared';
import { AppError } from '../app-error.js';
import type { Actor } from './actor.js';
import { IS_PUBLIC, ROLES } from './decorators.js';
import { UsersRepository } from '../../modules/users/users.repository.js';

export interface TokenPayload {
  sub: number;
  role: Role;
  /** Set by the signer (JwtModule's expiresIn); a token without it is refused. */
  exp?: number;
}

/**
 * The actor of a bearer Authorization header, or UNAUTHENTICATED: HS256 only, exp required,
 * an active user whose role is still the token's. Also used outside Nest's guards (API docs).
 */
export async function actorOfBearer(
  jwt: JwtService,
  users: UsersRepository,
  header: string | undefined,
): Promise<Actor> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header ?? '');
  if (!match) throw new AppError('UNAUTHENTICATED', 'missing bearer token');
  let payload: TokenPayload;
  try {
    payload = await jwt.verifyAsync<TokenPayload>(match[1], { algorithms: ['HS256'] });
  } catch {
    throw new AppError('UNAUTHENTICATED', 'invalid or expired token');
  }
  // jsonwebtoken checks exp only when present: a token without one would never expire.
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new AppError('UNAUTHENTICATED', 'token has no expiry');
  }
  const actor = await users.loadActor(Number(payload.sub));
  if (!actor || actor.role !== payload.role) throw new AppError('UNAUTHENTICATED', 'user is not active');
  return actor;
}

/** Global guard: a valid bearer token for an active user, and the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(UsersRepository) private readonly users: UsersRepository,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string>; actor?: Actor; requestId?: string }>();
    const actor = await actorOfBearer(this.jwt, this.users, req.headers.authorization);
    req.actor = { ...actor, requestId: req.requestId };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(actor.role)) throw new AppError('FORBIDDEN', `role ${actor.role} may not do this`);
    return true;
  }
}
