import { randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { SmsHasher } from './sms-hasher.js';
import { MOBILE_PHONE, SmsQueue } from './sms-queue.js';
import { SmsCode, SmsCodeQuota } from './sms.entities.js';

export type SmsCodePurpose = 'bind' | 'login';
export const SMS_CODE_PURPOSES: readonly SmsCodePurpose[] = ['bind', 'login'];

/** The rules of verification codes (docs/sms.md). */
export const SMS_CODE_RULES = {
  digits: 6,
  ttlSeconds: 5 * 60,
  maxTries: 5,
  /** One send per phone per this many seconds, whatever the purpose. */
  resendSeconds: 60,
  /** Sends per phone per 24-hour window (the window starts at its first send). */
  perDay: 10,
  windowSeconds: 24 * 3600,
} as const;

/**
 * Verification codes sent by SMS: 6 digits from the CSPRNG, valid 5 minutes, 5 tries, single
 * use, stored only as keyed hashes and compared in constant time. A phone gets one code a minute
 * and 10 a day (SMS_CODE_TOO_SOON, SMS_CODE_DAILY_LIMIT); a new code replaces the phone's
 * earlier one for the same purpose. The text goes out through the SMS queue (never awaited).
 */
@Injectable()
export class SmsCodesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SmsHasher) private readonly hasher: SmsHasher,
    @Inject(SmsQueue) private readonly queue: SmsQueue,
  ) {}

  /** Make a code for the phone and queue its SMS; throws SMS_CODE_TOO_SOON / SMS_CODE_DAILY_LIMIT. */
  async send(phone: string, purpose: SmsCodePurpose): Promise<void> {
    if (!MOBILE_PHONE.test(phone)) {
      throw new AppError('VALIDATION_FAILED', 'phone must be a mainland mobile number', [
        { field: 'phone', problems: ['phone must be a mainland mobile number'] },
      ]);
    }
    if (!SMS_CODE_PURPOSES.includes(purpose)) {
      throw new AppError('VALIDATION_FAILED', 'unknown purpose', [
        { field: 'purpose', problems: ['purpose must be bind or login'] },
      ]);
    }
    if (this.config.notifications.sms === 'off') {
      throw new AppError('SERVICE_UNAVAILABLE', 'SMS is off (LINLI_SMS=off)');
    }
    const now = this.clock.now();
    const phoneHash = this.hasher.phone(phone);
    await this.takeQuota(phoneHash, now);
    const code = String(randomInt(0, 10 ** SMS_CODE_RULES.digits)).padStart(SMS_CODE_RULES.digits, '0');
    await this.ds.transaction(async (em) => {
      // The phone's earlier code for this purpose dies: only the newest one verifies.
      await em
        .createQueryBuilder()
        .update(SmsCode)
        .set({ consumedAt: now })
        .where('phoneHash = :phoneHash AND purpose = :purpose AND consumedAt IS NULL', { phoneHash, purpose })
        .execute();
      await em.insert(SmsCode, {
        phoneHash,
        purpose,
        codeHash: this.hasher.code(phoneHash, purpose, code),
        expiresAt: new Date(now.getTime() + SMS_CODE_RULES.ttlSeconds * 1000),
        attempts: 0,
        consumedAt: null,
        createdAt: now,
      });
      await this.queue.enqueue(em, { kind: 'code', phone, params: { code }, now });
    });
  }

  /**
   * True once for the right code of the phone's newest live code for the purpose (then it is
   * used up). Every call counts a try; after 5 the code is dead. Never throws for a wrong code.
   */
  async verify(phone: string, purpose: SmsCodePurpose, code: string): Promise<boolean> {
    if (typeof phone !== 'string' || typeof code !== 'string') return false;
    const now = this.clock.now();
    const phoneHash = this.hasher.phone(phone);
    const live = await this.ds
      .getRepository(SmsCode)
      .createQueryBuilder('c')
      .where('c.phoneHash = :phoneHash AND c.purpose = :purpose AND c.consumedAt IS NULL', { phoneHash, purpose })
      .andWhere('c.expiresAt > :now AND c.attempts < :max', { now, max: SMS_CODE_RULES.maxTries })
      .orderBy('c.id', 'DESC')
      .getOne();
    if (!live) return false;
    // Count the try first, atomically: concurrent guesses cannot exceed the 5 tries.
    const counted = await this.ds
      .createQueryBuilder()
      .update(SmsCode)
      .set({ attempts: () => 'attempts + 1' })
      .where('id = :id AND consumedAt IS NULL AND attempts < :max', { id: live.id, max: SMS_CODE_RULES.maxTries })
      .execute();
    if ((counted.affected ?? 0) !== 1) return false;
    const given = Buffer.from(this.hasher.code(phoneHash, purpose, code), 'hex');
    const stored = Buffer.from(live.codeHash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return false;
    // Single use: of two right answers at once, one consumes it.
    const used = await this.ds
      .createQueryBuilder()
      .update(SmsCode)
      .set({ consumedAt: now })
      .where('id = :id AND consumedAt IS NULL', { id: live.id })
      .execute();
    return (used.affected ?? 0) === 1;
  }

  /**
   * Count a send against the phone's limits with one conditional UPDATE (atomic on both
   * databases, across processes), or throw the limit that stopped it.
   */
  private async takeQuota(phoneHash: string, now: Date): Promise<void> {
    // Stored rounded up to the second: MariaDB keeps DATETIME to the second (dropping the
    // fraction), which would otherwise let the next send through up to a second early.
    const at = new Date(Math.ceil(now.getTime() / 1000) * 1000);
    const minuteAgo = new Date(now.getTime() - SMS_CODE_RULES.resendSeconds * 1000);
    const windowAgo = new Date(now.getTime() - SMS_CODE_RULES.windowSeconds * 1000);
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(SmsCodeQuota)
      .values({ phoneHash, lastSentAt: new Date(0), windowStart: new Date(0), windowCount: 0 })
      .orIgnore()
      .execute();
    // MariaDB applies SET assignments left to right (later ones see earlier results), so
    // windowCount is computed before windowStart changes; SQLite reads the old row throughout.
    const res = await this.ds
      .createQueryBuilder()
      .update(SmsCodeQuota)
      .set({
        windowCount: () => 'CASE WHEN windowStart <= :windowAgo THEN 1 ELSE windowCount + 1 END',
        windowStart: () => 'CASE WHEN windowStart <= :windowAgo THEN :at ELSE windowStart END',
        lastSentAt: at,
      })
      .where('phoneHash = :phoneHash AND lastSentAt <= :minuteAgo', { phoneHash, minuteAgo })
      .andWhere('(windowStart <= :windowAgo OR windowCount < :perDay)', { perDay: SMS_CODE_RULES.perDay })
      .setParameters({ phoneHash, minuteAgo, windowAgo, at, perDay: SMS_CODE_RULES.perDay })
      .execute();
    if ((res.affected ?? 0) === 1) return;
    const q = await this.ds.getRepository(SmsCodeQuota).findOneByOrFail({ phoneHash });
    const last = new Date(q.lastSentAt).getTime();
    if (last > minuteAgo.getTime()) {
      const wait = Math.max(1, Math.ceil((last + SMS_CODE_RULES.resendSeconds * 1000 - now.getTime()) / 1000));
      throw new AppError('SMS_CODE_TOO_SOON', `a code was sent less than a minute ago, retry in ${wait}s`, undefined, {
        'Retry-After': String(wait),
      });
    }
    const wait = Math.max(
      1,
      Math.ceil((new Date(q.windowStart).getTime() + SMS_CODE_RULES.windowSeconds * 1000 - now.getTime()) / 1000),
    );
    throw new AppError('SMS_CODE_DAILY_LIMIT', `${SMS_CODE_RULES.perDay} codes in 24 hours`, undefined, {
      'Retry-After': String(wait),
    });
  }

  /** For callers inside their own transaction that only need the phone's hash (e.g. to log). */
  phoneHash(phone: string): string {
    return this.hasher.phone(phone);
  }
}
