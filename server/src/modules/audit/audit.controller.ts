import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { AuditLogQuery } from './audit.dto.js';
import { AuditService } from './audit.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-log')
@Roles('admin')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  /** Who changed which rule or master data, when, with before and after; newest first. */
  @Get()
  @ApiView('AuditLogPage', 'The audit log, newest first')
  list(@CurrentActor() actor: Actor, @Query() query: AuditLogQuery) {
    return this.audit.list(actor, query);
  }
}
