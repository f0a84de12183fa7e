import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@linli/shared';
import type { Actor } from './actor.js';

export const IS_PUBLIC = 'linli:public';
export const ROLES = 'linli:roles';
export const ALLOW_PASSWORD_CHANGE_PENDING = 'linli:allow-password-change-pending';

/** The route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The route answers users who must still change their password (the change itself); every
 * other route refuses them with PASSWORD_CHANGE_REQUIRED.
 */
export const AllowPasswordChangePending = () => SetMetadata(ALLOW_PASSWORD_CHANGE_PENDING, true);

/**
 * Only these roles may call the route (checked after authentication). The platform operator
 * passes only routes that name it (no @Roles: every role but the operator).
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export const CurrentActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest<{ actor: Actor }>().actor,
);
