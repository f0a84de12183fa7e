import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from '../metrics/metrics.js';
import { SMS_CODE_RULES } from './sms-codes.service.js';
import { SMS_PROVIDER, type SmsProvider, SmsProviderError } from './sms-provider.js';
import { SmsMessage } from './sms.entities.js';

/** Attempts before a retriable failure becomes final. */
export const SMS_MAX_ATTEMPTS = 6;
/** Backoff after the n-th failed attempt: 5 s · 2^(n-1), at most 1 h. */
export const smsBackoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
const LEASE_MS = 60_000;

/**
 * Drains the SMS queue (`sms_message`) on every JobRunner tick: leases each due message with a
 * conditional UPDATE (one worker wins), calls the provider outside any transaction, and records
 * the outcome under the lease. Retriable failures back off exponentially; permanent ones and
 * codes past their expiry fail at once. Final rows lose their phone and parameters.
 */
@Injectable()
export class SmsWorker {
  private readonly logger = new Logger('Sms');

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
  ) {}

  /** Send the due messages (up to `limit`); returns how many were attempted. */
  async deliver(now: Date, limit = 100): Promise<number> {
    const due = await this.ds
      .getRepository(SmsMessage)
      .createQueryBuilder('m')
      .select('m.id', 'id')
      .where('(m.status = :pending AND m.nextAttemptAt <= :now) OR (m.status = :sending AND m.leaseUntil <= :now)', {
        pending: 'pending',
        sending: 'sending',
        now,
      })
      .orderBy('m.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number | string }>();
    let attempted = 0;
    for (const { id } of due) if (await this.attempt(Number(id), now)) attempted++;
    return attempted;
  }

  private async attempt(id: number, now: Date): Promise<boolean> {
    const lease = new Date(Math.ceil((now.getTime() + LEASE_MS) / 1000) * 1000);
    const taken = await this.ds
      .createQueryBuilder()
      .update(SmsMessage)
      .set({ status: 'sending', leaseUntil: lease })
      .where('id = :id', { id })
      .andWhere('((status = :pending AND nextAttemptAt <= :now) OR (status = :sending AND leaseUntil <= :now))', {
        pending: 'pending',
        sending: 'sending',
        now,
      })
      .execute();
    if ((taken.affected ?? 0) !== 1) return false;
    const m = await this.ds.getRepository(SmsMessage).findOneByOrFail({ id });
    const attempts = m.attempts + 1;
    // A verification code nobody can use any more is not worth sending.
    if (m.kind === 'code' && now.getTime() - new Date(m.createdAt).getTime() > SMS_CODE_RULES.ttlSeconds * 1000) {
      await this.finish(id, lease, { status: 'failed', errorCode: 'expired', errorMessage: 'code expired unsent' });
      return true;
    }
    if (!m.phone || !m.params) {
      await this.finish(id, lease, { status: 'failed', errorCode: 'no_content', errorMessage: null });
      return true;
    }
    try {
      const ok = await this.provider.send({
        phone: m.phone,
        templateCode: m.templateCode,
        params: JSON.parse(m.params) as Record<string, string>,
        outId: String(m.id),
      });
      await this.finish(id, lease, {
        status: 'sent',
        attempts,
        bizId: ok.bizId.slice(0, 64),
        requestId: ok.requestId.slice(0, 64),
        sentAt: now,
        errorCode: null,
        errorMessage: null,
      });
    } catch (e) {
      const err =
        e instanceof SmsProviderError
          ? e
          : new SmsProviderError('error', e instanceof Error ? e.message : String(e), true);
      this.metrics?.externalCallFailed('sms', 'send', err.retriable ? 'retriable' : 'refused');
      const final = !err.retriable || attempts >= SMS_MAX_ATTEMPTS;
      if (final) this.logger.warn(`SMS ${id} failed for good after ${attempts} attempt(s): ${err.code}`);
      await this.finish(id, lease, {
        status: final ? 'failed' : 'pending',
        attempts,
        errorCode: err.code.slice(0, 60),
        errorMessage: err.message.slice(0, 200),
        requestId: err.requestId?.slice(0, 64) ?? null,
        nextAttemptAt: final ? m.nextAttemptAt : new Date(now.getTime() + smsBackoffMs(attempts)),
      });
    }
    return true;
  }

  /** Write the attempt's outcome if our lease still holds; a final row forgets phone and params. */
  private async finish(id: number, lease: Date, outcome: Partial<SmsMessage>): Promise<void> {
    const final = outcome.status === 'sent' || outcome.status === 'failed';
    await this.ds
      .createQueryBuilder()
      .update(SmsMessage)
      .set({ ...outcome, leaseUntil: null, ...(final ? { phone: null, params: null } : {}) })
      .where('id = :id AND status = :sending AND leaseUntil = :lease', { id, sending: 'sending', lease })
      .execute();
  }
}
