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
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header);
    if (!match) throw new AppError('UNAUTHENTICATED', 'missing bearer token');
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(match[1], { algorithms: ['HS256'] });
    } catch {
      throw new AppError('UNAUTHENTICATED', 'invalid or expired token');
    }
    const actor = await this.users.loadActor(Number(payload.sub));
    if (!actor || actor.role !== payload.role) throw new AppError('UNAUTHENTICATED', 'user is not active');
    req.actor = { ...actor, requestId: req.requestId };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(actor.role)) throw new AppError('FORBIDDEN', `role ${actor.role} may not do this`);
    return true;
  }
}
