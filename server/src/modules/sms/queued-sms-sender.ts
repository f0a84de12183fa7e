import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import type { SmsNotice, SmsSender } from '../notifications/sms-sender.js';
import { SmsQueue } from './sms-queue.js';

/** Template variables are short at the provider: clip each (title 20, content 35 characters). */
const clip = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n - 1).join('')}…` : s);

/**
 * LINLI_SMS=aliyun: a notification's SMS becomes a row of the SMS queue (order template, the
 * notification's title and body as `title` and `content`); the SMS worker sends it with retries
 * and records the provider's answer. Handing it over never waits for the provider.
 */
@Injectable()
export class QueuedSmsSender implements SmsSender {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SmsQueue) private readonly queue: SmsQueue,
  ) {}

  async send(phone: string, text: string, notice?: SmsNotice): Promise<void> {
    const title = notice?.title ?? text;
    const content = notice?.body ?? '';
    await this.queue.enqueue(this.ds.manager, {
      kind: 'order',
      phone,
      params: { title: clip(title, 20), content: clip(content || title, 35) },
      now: this.clock.now(),
      companyId: notice?.companyId ?? null,
    });
  }
}
