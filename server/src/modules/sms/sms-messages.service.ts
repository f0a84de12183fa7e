import { Inject, Injectable } from '@nestjs/common';
import type { SmsMessagePage, SmsMessageView } from '@linli/shared';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { ListSmsQuery } from './sms.dto.js';
import { SmsMessage } from './sms.entities.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The staff view of the SMS record: the admin's company only, phones masked, no content. */
@Injectable()
export class SmsMessagesService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async list(actor: Actor, q: ListSmsQuery): Promise<SmsMessagePage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const qb = this.ds
      .getRepository(SmsMessage)
      .createQueryBuilder('m')
      .where('m.companyId = :companyId', { companyId: actor.companyId ?? -1 });
    if (q.status) qb.andWhere('m.status = :status', { status: q.status });
    const [rows, total] = await qb
      .orderBy('m.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(toView), total, page, pageSize };
  }
}

export function toView(m: SmsMessage): SmsMessageView {
  return {
    id: m.id,
    kind: m.kind as SmsMessageView['kind'],
    phone: m.phoneMasked,
    templateCode: m.templateCode,
    status: m.status as SmsMessageView['status'],
    attempts: m.attempts,
    errorCode: m.errorCode,
    errorMessage: m.errorMessage,
    bizId: m.bizId,
    nextAttemptAt: m.status === 'pending' ? iso(m.nextAttemptAt) : null,
    sentAt: iso(m.sentAt),
    createdAt: iso(m.createdAt) as string,
  };
}
