import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

/** The audit log's read API. Writers call `recordAudit(em, …)` inside their own transaction. */
@Module({
  controllers: [AuditController],
  providers: [AuditService],
})
export class AuditModule {}
