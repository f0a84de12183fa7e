import type { QuoteItem } from '@linli/shared';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Community } from '../places/place.entities.js';
import type { User } from '../users/user.entities.js';

@Entity('work_order')
@Index(['companyId', 'communityId', 'status'])
@Index(['assigneeId', 'status'])
@Index(['houseId', 'category'])
// A technician's last completed job (staff/technician-positions.ts) reads a day of completions.
@Index('IDX_work_order_company_completed', ['companyId', 'completedAt'])
export class WorkOrder {
  @PrimaryGeneratedColumn() id: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 40 }) no: string;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @ManyToOne('Community', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'communityId' })
  community?: Community;
  @Column({ type: 'int', nullable: true }) houseId: number | null;
  @Column({ type: 'int', nullable: true }) publicAreaId: number | null;
  @Column({ type: 'varchar', length: 16 }) kind: string;
  @Column({ type: 'varchar', length: 16 }) channel: string;
  @Column({ type: 'varchar', length: 32 }) category: string;
  @Column({ type: 'varchar', length: 4 }) priority: string;
  @Column({ type: 'varchar', length: 16 }) status: string;
  @Column({ type: 'text' }) description: string;
  /** The resident the order is for (null for staff-found or patrol orders). */
  @Index() @Column({ type: 'int', nullable: true }) reporterId: number | null;
  @ManyToOne('User', { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'reporterId' })
  reporter?: User | null;
  @Column({ type: 'int' }) createdById: number;
  @Column({ type: 'int', nullable: true }) assigneeId: number | null;
  @ManyToOne('User', { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'assigneeId' })
  assignee?: User | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) preferredTime: string | null;
  /** The visit window the resident asked for (a repair), as instants; null: no time given. */
  @Column({ type: 'datetime', nullable: true }) visitFrom: Date | null;
  @Column({ type: 'datetime', nullable: true }) visitTo: Date | null;
  /** A complaint about a technician: who (never assigned it). */
  @Column({ type: 'int', nullable: true }) aboutUserId: number | null;
  /** A complaint a bad rating opened: the rated order it is about (docs/closed-loop.md "Complaints"). */
  @Index('IDX_work_order_complaint_of') @Column({ type: 'int', nullable: true }) complaintOfId: number | null;
  /** ... and the rating that opened it: unique, so one rating opens at most one complaint. */
  @Index('IDX_work_order_rating', { unique: true }) @Column({ type: 'int', nullable: true }) ratingId: number | null;
  @Column({ type: 'simple-json' }) photoIds: number[];
  @Column({ type: 'simple-json', nullable: true }) quoteItems: QuoteItem[] | null;
  @Column({ type: 'int', nullable: true }) quoteTotalFen: number | null;
  @Column({ type: 'boolean', nullable: true }) quoteApproved: boolean | null;
  /** Where the quote stands: supervisor | resident | approved | rejected; null without a quote (docs/fees.md). */
  @Column({ type: 'varchar', length: 10, nullable: true }) quoteState: string | null;
  /** The resident's reason for rejecting the last quote, shown to staff. */
  @Column({ type: 'varchar', length: 200, nullable: true }) quoteRejectReason: string | null;
  @Column({ type: 'int', default: 0 }) urgeCount: number;
  @Column({ type: 'int', default: 0 }) reopenCount: number;
  /** Where routing stands: waiting (nobody qualifies), offered, assigned, pooled, manual; null before routing. */
  @Column({ type: 'varchar', length: 10, nullable: true }) routingState: string | null;
  /** Technicians routing must skip for this order (declined, let an offer time out). */
  @Column({ type: 'simple-json', nullable: true }) excludedUserIds: number[] | null;
  @Column({ type: 'int', default: 0 }) refusalCount: number;
  @Column({ type: 'datetime', nullable: true }) offerExpiresAt: Date | null;
  /** The nearest deadline of the order's running SLA clocks (kept by the SLA service), for queues. */
  @Index() @Column({ type: 'datetime', nullable: true }) slaDueAt: Date | null;
  /** The closed order of the same house (or public area) and category this one repeats, within 30 days. */
  @Index() @Column({ type: 'int', nullable: true }) repeatOfId: number | null;
  /** First acceptance, first arrival, first completion: the operational KPI timestamps. */
  @Column({ type: 'datetime', nullable: true }) acceptedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) arrivedAt: Date | null;
  @Index() @Column({ type: 'datetime', nullable: true }) firstCompletedAt: Date | null;
  /** Arrivals on site (first-time fix = completed after one visit and not reopened within 7 days). */
  @Column({ type: 'int', default: 0 }) visits: number;
  /** The technician who completed it (for attribution of the rating). */
  @Column({ type: 'int', nullable: true }) completedById: number | null;
  @Column({ type: 'int', nullable: true }) ratingStars: number | null;
  /** Closed by the rating window without a rating: never counted as satisfied. */
  @Column({ type: 'boolean', default: false }) unrated: boolean;
  /** Optimistic-lock counter: every transition is a conditional update on it. */
  @Column({ type: 'int', default: 1 }) version: number;
  @Column({ type: 'datetime', nullable: true }) completedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) closedAt: Date | null;
  @Index() @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/** One line of an order's timeline: who did what, when, from which status to which. */
@Entity('work_order_event')
export class WorkOrderEvent {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) workOrderId: number;
  @ManyToOne(() => WorkOrder, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workOrderId' })
  workOrder?: WorkOrder;
  @Column({ type: 'varchar', length: 16 }) action: string;
  @Column({ type: 'varchar', length: 16, nullable: true }) fromStatus: string | null;
  @Column({ type: 'varchar', length: 16 }) toStatus: string;
  @Column({ type: 'int', nullable: true }) actorId: number | null;
  @Column({ type: 'varchar', length: 16 }) actorRole: string;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ type: 'simple-json' }) photoIds: number[];
  /** Action-specific facts: assignee, reason, quote, ... */
  @Column({ type: 'simple-json', nullable: true }) data: Record<string, unknown> | null;
  @CreateDateColumn() createdAt: Date;
}

/** Remembers which order an Idempotency-Key of a user created. */
@Entity('idempotency_record')
@Index(['userId', 'key'], { unique: true })
export class IdempotencyRecord {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) userId: number;
  @Column({ type: 'varchar', length: 64 }) key: string;
  @Column({ type: 'varchar', length: 64 }) requestHash: string;
  @Column({ type: 'int' }) workOrderId: number;
  @CreateDateColumn() createdAt: Date;
}

/** The last order number handed out per community and (China) day. */
@Entity('order_sequence')
export class OrderSequence {
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'varchar', length: 8 }) day: string;
  @Column({ type: 'int' }) lastSeq: number;
}
