import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@linli/shared';
import type { Actor } from './actor.js';

export const IS_PUBLIC = 'linli:public';
export const ROLES = 'linli:roles';

/** The route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (checked after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export const CurrentActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest<{ actor: Actor }>().actor,
);
