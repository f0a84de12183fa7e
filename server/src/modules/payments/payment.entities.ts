import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A payment of an order's bill (docs/payments.md): by WeChat Pay (pending until WeChat's
 * notification or a query says SUCCESS) or recorded by staff (cash, transfer: paid at once).
 * Changes are conditional updates on `status` (one winner); every change also writes a ledger row.
 */
@Entity('payment')
@Index('IDX_payment_company_status', ['companyId', 'status'])
export class Payment {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Index('IDX_payment_order') @Column({ type: 'int' }) orderId: number;
  @Column({ type: 'int' }) billId: number;
  /** wechat | cash | transfer */
  @Column({ type: 'varchar', length: 10 }) method: string;
  /** pending | paid | closed */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int' }) amountFen: number;
  /** Refunds accepted (processing or done), never above amountFen: raised by one conditional update. */
  @Column({ type: 'int', default: 0 }) refundedFen: number;
  @Index('IDX_payment_out_trade_no', { unique: true }) @Column({ type: 'varchar', length: 32 }) outTradeNo: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) transactionId: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) prepayId: string | null;
  @Column({ type: 'int', nullable: true }) payerUserId: number | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) payerOpenid: string | null;
  /** Staff who recorded a cash or transfer payment. */
  @Column({ type: 'int', nullable: true }) recordedBy: number | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) reference: string | null;
  /** The bill id while a WeChat payment is pending, else null: one open WeChat payment per bill. */
  @Index('IDX_payment_open', { unique: true }) @Column({ type: 'int', nullable: true }) openKey: number | null;
  @Column({ type: 'datetime', nullable: true }) paidAt: Date | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/** A refund of a payment, asked by a supervisor; WeChat ones finish by notification or query. */
@Entity('payment_refund')
export class PaymentRefund {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Column({ type: 'int' }) orderId: number;
  @Index('IDX_payment_refund_payment') @Column({ type: 'int' }) paymentId: number;
  @Index('IDX_payment_refund_no', { unique: true }) @Column({ type: 'varchar', length: 64 }) outRefundNo: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) refundId: string | null;
  @Column({ type: 'int' }) amountFen: number;
  /** processing | success | failed */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'varchar', length: 200 }) reason: string;
  @Column({ type: 'int' }) requestedBy: number;
  @Column({ type: 'datetime', nullable: true }) succeededAt: Date | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/**
 * The money ledger of a company: one row per state change of a payment or refund, never updated
 * or deleted. `amountFen` is the change's effect on money held (+ paid, - refunded, 0 otherwise);
 * `entryKey` is unique, so a change recorded twice (racing notifications) fails the second insert.
 */
@Entity('payment_ledger')
@Index('IDX_payment_ledger_company_at', ['companyId', 'createdAt'])
export class PaymentLedgerEntry {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Column({ type: 'int' }) orderId: number;
  @Column({ type: 'int' }) paymentId: number;
  @Column({ type: 'int', nullable: true }) refundId: number | null;
  /** prepay | paid | closed | refund_requested | refunded | refund_failed */
  @Column({ type: 'varchar', length: 20 }) event: string;
  @Column({ type: 'varchar', length: 10 }) method: string;
  @Column({ type: 'int' }) amountFen: number;
  @Index('IDX_payment_ledger_entry', { unique: true }) @Column({ type: 'varchar', length: 80 }) entryKey: string;
  @Column({ type: 'int', nullable: true }) actorId: number | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) note: string | null;
  @CreateDateColumn() createdAt: Date;
}
