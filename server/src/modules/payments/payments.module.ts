import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsReportsService } from './payments-reports.service.js';
import { PAY_QUERY_JOB, PaymentsService, REFUND_QUERY_JOB } from './payments.service.js';

/**
 * Payments (docs/payments.md): WeChat Pay v3 JSAPI, cash/transfer, refunds, the ledger and its
 * reconciliation. The pay_query and refund_query jobs ask WeChat when no notification came.
 */
@Module({
  imports: [JobsModule, WorkOrdersModule, ResidentsModule, UsersModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentsReportsService],
  exports: [PaymentsService],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(PaymentsService) private readonly payments: PaymentsService,
  ) {}

  onModuleInit(): void {
    if (!this.payments.client) return;
    this.runner.register(PAY_QUERY_JOB, (em, job) => this.payments.onPayQueryJob(em, job.refId!));
    this.runner.register(REFUND_QUERY_JOB, (em, job) => this.payments.onRefundQueryJob(em, job.refId!));
  }
}
