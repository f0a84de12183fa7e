import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The reporting resident's rating of a completed order: one per order. */
@Entity('rating')
export class Rating {
  @PrimaryGeneratedColumn() id: number;
  @Index({ unique: true }) @Column({ type: 'int' }) workOrderId: number;
  @Column({ type: 'int' }) raterId: number;
  @Index() @Column({ type: 'int' }) companyId: number;
  /** Overall 1..5 (required). */
  @Column({ type: 'int' }) stars: number;
  /** Optional 1..5 per dimension. */
  @Column({ type: 'int', nullable: true }) speed: number | null;
  @Column({ type: 'int', nullable: true }) workmanship: number | null;
  @Column({ type: 'int', nullable: true }) attitude: number | null;
  @Column({ type: 'int', nullable: true }) communication: number | null;
  /** "Was it fixed?" */
  @Column({ type: 'boolean', nullable: true }) fixed: boolean | null;
  @Column({ type: 'simple-json' }) tags: string[];
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @Index() @CreateDateColumn() createdAt: Date;
}

/** A desk task after completion: a follow-up call (回访) or a look at a low rating. */
@Entity('follow_up')
@Index(['companyId', 'status', 'dueAt'])
export class FollowUp {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) workOrderId: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  /** low_rating | not_fixed | unrated | policy | complaint */
  @Column({ type: 'varchar', length: 12 }) reason: string;
  /** open | done | cancelled */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int', nullable: true }) assigneeId: number | null;
  @Column({ type: 'datetime' }) dueAt: Date;
  /** phone | visit | wechat */
  @Column({ type: 'varchar', length: 8, nullable: true }) channel: string | null;
  @Column({ type: 'boolean', nullable: true }) reached: boolean | null;
  @Column({ type: 'text', nullable: true }) outcome: string | null;
  @Column({ type: 'int', nullable: true }) stars: number | null;
  @Column({ type: 'int', nullable: true }) speed: number | null;
  @Column({ type: 'int', nullable: true }) workmanship: number | null;
  @Column({ type: 'int', nullable: true }) attitude: number | null;
  @Column({ type: 'int', nullable: true }) communication: number | null;
  @Column({ type: 'boolean', nullable: true }) fixed: boolean | null;
  @Column({ type: 'int', nullable: true }) doneById: number | null;
  @Column({ type: 'datetime', nullable: true }) doneAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}

/**
 * Daily rollup of one community x building x category x technician x kind: the dashboards read
 * these instead of raw rows. A partition (community, day) is recomputed from raw rows by a job
 * queued with every event that touches it, so rollups and raw rows agree exactly.
 * buildingId / technicianId 0 = none (public areas, unassigned).
 */
@Entity('satisfaction_daily')
@Index(['companyId', 'day'])
export class SatisfactionDaily {
  @PrimaryColumn({ type: 'varchar', length: 8 }) day: string;
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'int' }) buildingId: number;
  @PrimaryColumn({ type: 'varchar', length: 32 }) category: string;
  @PrimaryColumn({ type: 'int' }) technicianId: number;
  @PrimaryColumn({ type: 'varchar', length: 16 }) kind: string;
  @Column({ type: 'int' }) companyId: number;
  /** Orders reported that day. */
  @Column({ type: 'int', default: 0 }) created: number;
  /** Of those, repeats of a recent closed order. */
  @Column({ type: 'int', default: 0 }) repeats: number;
  /** Orders first completed that day (the rest of the columns count these, or ratings given that day). */
  @Column({ type: 'int', default: 0 }) completed: number;
  @Column({ type: 'int', default: 0 }) firstTimeFixed: number;
  @Column({ type: 'int', default: 0 }) reopened: number;
  @Column({ type: 'int', default: 0 }) closedUnrated: number;
  @Column({ type: 'int', default: 0 }) rated: number;
  @Column({ type: 'int', default: 0 }) satisfied: number;
  @Column({ type: 'int', default: 0 }) sumStars: number;
  @Column({ type: 'int', default: 0 }) sumStarsSq: number;
  @Column({ type: 'int', default: 0 }) fixedYes: number;
  @Column({ type: 'int', default: 0 }) fixedNo: number;
  @Column({ type: 'simple-json' }) dimensions: Record<string, { n: number; sum: number }>;
  @Column({ type: 'int', default: 0 }) followUpsDue: number;
  @Column({ type: 'int', default: 0 }) followUpsDone: number;
  @Column({ type: 'int', default: 0 }) slaAcceptMet: number;
  @Column({ type: 'int', default: 0 }) slaAcceptTotal: number;
  @Column({ type: 'int', default: 0 }) slaArriveMet: number;
  @Column({ type: 'int', default: 0 }) slaArriveTotal: number;
  @Column({ type: 'int', default: 0 }) slaResolveMet: number;
  @Column({ type: 'int', default: 0 }) slaResolveTotal: number;
}

/** A (community, day) rollup partition to recompute from raw rows. */
@Entity('rollup_dirty')
export class RollupDirty {
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'varchar', length: 8 }) day: string;
}
