import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '@linli/shared';
import { AppError } from '../app-error.js';
import type { Actor } from './actor.js';
import { ALLOW_PASSWORD_CHANGE_PENDING, IS_PUBLIC, ROLES } from './decorators.js';
import { UsersRepository } from '../../modules/users/users.repository.js';

export interface TokenPayload {
  sub: number;
  role: Role;
  /** The user's token version when it was signed; a token without one counts as version 0. */
  ver?: number;
  /** Set by the signer (JwtModule's expiresIn); a token without it is refused. */
  exp?: number;
}

/**
 * The actor of a bearer Authorization header, or UNAUTHENTICATED: HS256 only, exp required,
 * an active user (of an active company) whose role and token version are still the token's.
 * Also used outside Nest's guards (API docs, the live gateway), where an account that must still
 * set its password is refused too (PASSWORD_CHANGE_REQUIRED).
 */
export async function actorOfBearer(
  jwt: JwtService,
  users: UsersRepository,
  header: string | undefined,
): Promise<Actor> {
  const { actor, mustChangePassword } = await sessionOfBearer(jwt, users, header);
  if (mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED', 'set a new password first');
  return actor;
}

/** actorOfBearer with the token state the guard also needs (must the user change their password). */
export async function sessionOfBearer(
  jwt: JwtService,
  users: UsersRepository,
  header: string | undefined,
): Promise<{ actor: Actor; mustChangePassword: boolean }> {
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
  // Cached per user (LINLI_ACTOR_CACHE_MS): no query on a hit; writes forget the entry.
  const state = await users.loadActorState(Number(payload.sub));
  if (!state || state.actor.role !== payload.role) throw new AppError('UNAUTHENTICATED', 'user is not active');
  if ((payload.ver ?? 0) !== state.tokenVersion) throw new AppError('UNAUTHENTICATED', 'token was revoked');
  return {
    actor: { ...state.actor, communityIds: [...state.actor.communityIds] },
    mustChangePassword: state.mustChangePassword,
  };
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
    const { actor, mustChangePassword } = await sessionOfBearer(this.jwt, this.users, req.headers.authorization);
    req.actor = { ...actor, requestId: req.requestId };
    if (mustChangePassword && !this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING, targets)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 'set a new password first (POST /api/me/password)');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    // The platform operator reaches only the routes that name it; every other role only the
    // routes that do not exclude it.
    if (actor.role === 'operator' ? !roles?.includes('operator') : roles && !roles.includes(actor.role))
      throw new AppError('FORBIDDEN', `role ${actor.role} may not do this`);
    return true;
  }
}
