import { Inject, Injectable } from '@nestjs/common';
import { maskPhone } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { SmsHasher } from './sms-hasher.js';
import { SmsMessage } from './sms.entities.js';

/** What an SMS is for; each kind has its own template code (SMS_TEMPLATE_CODE, SMS_TEMPLATE_ORDER). */
export type SmsKind = 'code' | 'order';

/** A mainland mobile number: 11 digits starting 13-19 (the provider refuses anything else). */
export const MOBILE_PHONE = /^1[3-9]\d{9}$/;

/**
 * Puts an SMS on the queue (`sms_message`, status `pending`); the SMS worker sends it through
 * the provider on its next tick, with retries. Writing the row is all a request waits for.
 */
@Injectable()
export class SmsQueue {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SmsHasher) private readonly hasher: SmsHasher,
  ) {}

  templateFor(kind: SmsKind): string {
    return kind === 'code' ? this.config.sms.templates.code : this.config.sms.templates.order;
  }

  async enqueue(
    em: EntityManager,
    m: { kind: SmsKind; phone: string; params: Record<string, string>; now: Date; companyId?: number | null },
  ): Promise<number> {
    const row = em.create(SmsMessage, {
      kind: m.kind,
      companyId: m.companyId ?? null,
      phone: m.phone,
      phoneMasked: maskPhone(m.phone) ?? '',
      phoneHash: this.hasher.phone(m.phone),
      templateCode: this.templateFor(m.kind),
      params: JSON.stringify(m.params),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: m.now,
      leaseUntil: null,
      errorCode: null,
      errorMessage: null,
      bizId: null,
      requestId: null,
      sentAt: null,
      createdAt: m.now,
    });
    await em.insert(SmsMessage, row);
    return row.id;
  }
}
