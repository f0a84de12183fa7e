import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { SmsController } from './sms.controller.js';
import { SmsCodesService } from './sms-codes.service.js';
import { SmsHasher } from './sms-hasher.js';
import { SmsMessagesService } from './sms-messages.service.js';
import { SmsQueue } from './sms-queue.js';
import { QueuedSmsSender } from './queued-sms-sender.js';
import { SMS_PROVIDER, smsProviderFactory } from './sms-provider.js';
import { SmsWorker } from './sms-worker.service.js';
import { APP_CONFIG } from '../../config/config.module.js';

/**
 * SMS: verification codes (SmsCodesService), the queue every SMS goes through (SmsQueue) and the
 * worker that sends it through the provider (Alibaba Cloud SMS, or the log) with retries.
 * docs/sms.md.
 */
@Module({
  imports: [JobsModule],
  controllers: [SmsController],
  providers: [
    SmsHasher,
    SmsQueue,
    SmsCodesService,
    SmsMessagesService,
    SmsWorker,
    QueuedSmsSender,
    { provide: SMS_PROVIDER, inject: [APP_CONFIG], useFactory: smsProviderFactory },
  ],
  exports: [SmsCodesService, SmsQueue, SmsHasher, QueuedSmsSender],
})
export class SmsModule implements OnModuleInit {
  constructor(
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(SmsWorker) private readonly worker: SmsWorker,
  ) {}

  onModuleInit(): void {
    this.runner.addTickTask('sms', (now) => this.worker.deliver(now));
  }
}
