import { Module } from '@nestjs/common';
import { OutboxWriter } from './outbox.js';

/** Just the outbox writer, so the work-order module can emit without importing the dispatcher. */
@Module({ providers: [OutboxWriter], exports: [OutboxWriter] })
export class NotificationsCoreModule {}
