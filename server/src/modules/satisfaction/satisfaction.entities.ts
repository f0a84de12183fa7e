import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A reporting resident's rating of a completed order: one per order and reporter (the first
 * reporter's closes the order; each resident who joined it rates too: docs/notices.md).
 */
@Entity('rating')
@Index('IDX_rating_order_rater', ['workOrderId', 'raterId'], { unique: true })
export class Rating {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) workOrderId: number;
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

/**
 * The dashboards' cube: counters per month x community x category x technician (no building, no
 * kind), cumulative within the month. Row (month, dom) holds the sums of days 1..dom, for every
 * day from the combination's first event to the month's last day, so any period is a few point
 * reads per combination: C(to) - C(from - 1) inside a month, whole months as C(last day).
 * Maintained with satisfaction_daily by the partition recompute (docs/scores.md).
 */
@Entity('satisfaction_cube')
export class SatisfactionCube {
  @PrimaryColumn({ type: 'varchar', length: 6 }) month: string;
  @PrimaryColumn({ type: 'int' }) dom: number;
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'varchar', length: 32 }) category: string;
  @PrimaryColumn({ type: 'int' }) technicianId: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', default: 0 }) created: number;
  @Column({ type: 'int', default: 0 }) repeats: number;
  @Column({ type: 'int', default: 0 }) complaints: number;
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
  @Column({ type: 'int', default: 0 }) followUpsDue: number;
  @Column({ type: 'int', default: 0 }) followUpsDone: number;
  @Column({ type: 'int', default: 0 }) slaAcceptMet: number;
  @Column({ type: 'int', default: 0 }) slaAcceptTotal: number;
  @Column({ type: 'int', default: 0 }) slaArriveMet: number;
  @Column({ type: 'int', default: 0 }) slaArriveTotal: number;
  @Column({ type: 'int', default: 0 }) slaResolveMet: number;
  @Column({ type: 'int', default: 0 }) slaResolveTotal: number;
  @Column({ type: 'int', default: 0 }) d_speed_n: number;
  @Column({ type: 'int', default: 0 }) d_speed_sum: number;
  @Column({ type: 'int', default: 0 }) d_workmanship_n: number;
  @Column({ type: 'int', default: 0 }) d_workmanship_sum: number;
  @Column({ type: 'int', default: 0 }) d_attitude_n: number;
  @Column({ type: 'int', default: 0 }) d_attitude_sum: number;
  @Column({ type: 'int', default: 0 }) d_communication_n: number;
  @Column({ type: 'int', default: 0 }) d_communication_sum: number;
}

/**
 * Every counter per month x community, cumulative within the month like satisfaction_cube: what
 * the company's and communities' summaries read (a few rows per community and month).
 */
@Entity('satisfaction_community')
export class SatisfactionCommunity {
  @PrimaryColumn({ type: 'varchar', length: 6 }) month: string;
  @PrimaryColumn({ type: 'int' }) dom: number;
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', default: 0 }) created: number;
  @Column({ type: 'int', default: 0 }) repeats: number;
  @Column({ type: 'int', default: 0 }) complaints: number;
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
  @Column({ type: 'int', default: 0 }) followUpsDue: number;
  @Column({ type: 'int', default: 0 }) followUpsDone: number;
  @Column({ type: 'int', default: 0 }) slaAcceptMet: number;
  @Column({ type: 'int', default: 0 }) slaAcceptTotal: number;
  @Column({ type: 'int', default: 0 }) slaArriveMet: number;
  @Column({ type: 'int', default: 0 }) slaArriveTotal: number;
  @Column({ type: 'int', default: 0 }) slaResolveMet: number;
  @Column({ type: 'int', default: 0 }) slaResolveTotal: number;
  @Column({ type: 'int', default: 0 }) d_speed_n: number;
  @Column({ type: 'int', default: 0 }) d_speed_sum: number;
  @Column({ type: 'int', default: 0 }) d_workmanship_n: number;
  @Column({ type: 'int', default: 0 }) d_workmanship_sum: number;
  @Column({ type: 'int', default: 0 }) d_attitude_n: number;
  @Column({ type: 'int', default: 0 }) d_attitude_sum: number;
  @Column({ type: 'int', default: 0 }) d_communication_n: number;
  @Column({ type: 'int', default: 0 }) d_communication_sum: number;
}

/**
 * The hotspots' cube: orders created, complaints and repeats per month x community x category x
 * building, cumulative within the month like satisfaction_cube.
 */
@Entity('satisfaction_hotspot')
export class SatisfactionHotspot {
  @PrimaryColumn({ type: 'varchar', length: 6 }) month: string;
  @PrimaryColumn({ type: 'int' }) dom: number;
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'varchar', length: 32 }) category: string;
  @PrimaryColumn({ type: 'int' }) buildingId: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', default: 0 }) created: number;
  @Column({ type: 'int', default: 0 }) complaints: number;
  @Column({ type: 'int', default: 0 }) repeats: number;
}

/**
 * Duration sketches (fixed log buckets, rollup-sketch.ts) of the orders created in a period, per
 * community and technician (the completer, 0 = none; -1 = the whole community). grain 'd' = one
 * China day (period yyyymmdd), 'm' = one month (period yyyymm); a whole community's rows use
 * 'c' (day) and 'n' (month), so a range of them is contiguous in the primary key.
 */
@Entity('satisfaction_sketch')
export class SatisfactionSketch {
  @PrimaryColumn({ type: 'varchar', length: 1 }) grain: string;
  @PrimaryColumn({ type: 'varchar', length: 8 }) period: string;
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'int' }) technicianId: number;
  @Column({ type: 'int' }) companyId: number;
  /** Orders in the sketch (accepted ones: every duration starts there). */
  @Column({ type: 'int' }) n: number;
  @Column({ type: 'blob' }) sketch: Buffer;
}

/** A (community, day) rollup partition to recompute from raw rows. */
@Entity('rollup_dirty')
export class RollupDirty {
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @PrimaryColumn({ type: 'varchar', length: 8 }) day: string;
}
