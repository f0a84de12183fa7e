import type { BillLine } from '@linli/shared';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * The bill of a repair order (docs/fees.md): what was actually used, capped at the approved
 * quote. One per order. Writers change it with a conditional update on `version`
 * (`... SET version = version + 1 WHERE id = ? AND version = ?`) inside their transaction:
 * billing writes lines, totals, 'free' and 'waived'; payments add to paidFen and set 'paid'.
 */
@Entity('order_bill')
@Index('IDX_order_bill_company_status', ['companyId', 'status'])
export class OrderBill {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Index('IDX_order_bill_order', { unique: true }) @Column({ type: 'int' }) orderId: number;
  /** unpaid | paid | waived | free (shared/src/billing.ts BILL_STATUSES). */
  @Column({ type: 'varchar', length: 8 }) status: string;
  /** What the resident owes, in fen (0.01 CNY): the sum of the lines' amounts. */
  @Column({ type: 'int' }) totalFen: number;
  @Column({ type: 'int', default: 0 }) paidFen: number;
  /** What was used: price item (or null off the list), name, kind, unit, unit price, quantity, amount. */
  @Column({ type: 'simple-json' }) lines: BillLine[];
  /** The approved quote's total when the bill was made (0 for a free repair without a quote). */
  @Column({ type: 'int' }) approvedQuoteFen: number;
  @Column({ type: 'varchar', length: 200, nullable: true }) waivedReason: string | null;
  @Column({ type: 'int', nullable: true }) waivedBy: number | null;
  @Column({ type: 'datetime', nullable: true }) waivedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
  @Column({ type: 'int', default: 1 }) version: number;
}

/** A community's fee settings: the quote total above which a supervisor approves first. */
@Entity('fee_setting')
export class FeeSetting {
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @Index('IDX_fee_setting_company') @Column({ type: 'int' }) companyId: number;
  /** In fen; null = no ceiling (every quote goes straight to the resident). */
  @Column({ type: 'int', nullable: true }) quoteCeilingFen: number | null;
  @UpdateDateColumn() updatedAt: Date;
}
