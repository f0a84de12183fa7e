import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One verification code sent to a phone. Neither the phone nor the code is stored: `phoneHash`
 * and `codeHash` are HMAC-SHA256 under a key derived from the server secret (docs/sms.md).
 */
@Entity('sms_code')
@Index('IDX_sms_code_phone', ['phoneHash', 'purpose', 'id'])
export class SmsCode {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64 }) phoneHash: string;
  /** bind | login */
  @Column({ type: 'varchar', length: 10 }) purpose: string;
  @Column({ type: 'varchar', length: 64 }) codeHash: string;
  @Column({ type: 'datetime' }) expiresAt: Date;
  /** Wrong or right tries so far; at 5 the code is dead. */
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** Set when the code was used, or replaced by a newer one: it never verifies again. */
  @Column({ type: 'datetime', nullable: true }) consumedAt: Date | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}

/** Per phone: the last code sent (60 s spacing) and the current 24-hour window's count (10). */
@Entity('sms_code_quota')
export class SmsCodeQuota {
  @PrimaryColumn({ type: 'varchar', length: 64 }) phoneHash: string;
  @Column({ type: 'datetime' }) lastSentAt: Date;
  @Column({ type: 'datetime' }) windowStart: Date;
  @Column({ type: 'int', default: 0 }) windowCount: number;
}

/**
 * Every SMS the server sends through the provider (verification codes and order notices): the
 * queue the SMS worker drains and the delivery record staff read. `phone` and `params` are kept
 * only while the message may still be sent and cleared once it is final (sent or failed);
 * `phoneMasked` and `phoneHash` stay.
 */
@Entity('sms_message')
@Index('IDX_sms_message_due', ['status', 'nextAttemptAt'])
@Index('IDX_sms_message_created', ['createdAt'])
export class SmsMessage {
  @PrimaryGeneratedColumn() id: number;
  /** code | order */
  @Column({ type: 'varchar', length: 10 }) kind: string;
  @Column({ type: 'int', nullable: true }) companyId: number | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) phone: string | null;
  @Column({ type: 'varchar', length: 20 }) phoneMasked: string;
  @Column({ type: 'varchar', length: 64 }) phoneHash: string;
  @Column({ type: 'varchar', length: 40 }) templateCode: string;
  /** The TemplateParam JSON (holds a verification code until sent). */
  @Column({ type: 'varchar', length: 500, nullable: true }) params: string | null;
  /** pending | sending | sent | failed */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'datetime' }) nextAttemptAt: Date;
  @Column({ type: 'datetime', nullable: true }) leaseUntil: Date | null;
  /** The provider's Code of the last failure (isv.MOBILE_NUMBER_ILLEGAL, network, ...). */
  @Column({ type: 'varchar', length: 60, nullable: true }) errorCode: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) errorMessage: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) bizId: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) requestId: string | null;
  @Column({ type: 'datetime', nullable: true }) sentAt: Date | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}
