import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ChecklistItem, PlanFrequency } from '@linli/shared';

/**
 * A place a round visits (a lift, a pump room, a fire door, a roof drain) with its checklist.
 * `code` is random and stable: it is what the point's QR code carries, so a technician proves
 * presence by scanning it (docs/inspections.md).
 */
@Entity('inspection_point')
@Index('IDX_inspection_point_community', ['companyId', 'communityId'])
export class InspectionPoint {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Column({ type: 'int', nullable: true }) buildingId: number | null;
  /** The public area an abnormal item's repair order is filed on. */
  @Column({ type: 'int' }) publicAreaId: number;
  @Column({ type: 'varchar', length: 60 }) name: string;
  @Index('IDX_inspection_point_code', { unique: true }) @Column({ type: 'varchar', length: 32 }) code: string;
  @Column({ type: 'simple-json' }) checklist: ChecklistItem[];
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn() createdAt: Date;
}

/**
 * A schedule: `inspection` plans generate rounds for a team over their points in order;
 * `maintenance` plans generate planned P4 orders (保养) on a public area.
 */
@Entity('inspection_plan')
@Index('IDX_inspection_plan_community', ['companyId', 'communityId'])
export class InspectionPlan {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  /** inspection | maintenance */
  @Column({ type: 'varchar', length: 12 }) kind: string;
  @Column({ type: 'varchar', length: 60 }) name: string;
  @Column({ type: 'varchar', length: 8 }) frequency: PlanFrequency;
  /** Weekly: 1 (Monday) .. 7; monthly: day 1..28; daily: null. */
  @Column({ type: 'int', nullable: true }) dayOf: number | null;
  /** China time, minutes after midnight. */
  @Column({ type: 'int' }) windowStart: number;
  @Column({ type: 'int' }) windowEnd: number;
  @Column({ type: 'int', nullable: true }) teamId: number | null;
  /** Inspection: the points in visiting order. */
  @Column({ type: 'simple-json' }) pointIds: number[];
  /** Maintenance: what the generated order is about. */
  @Column({ type: 'int', nullable: true }) publicAreaId: number | null;
  @Column({ type: 'int', nullable: true }) buildingId: number | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) category: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) description: string | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  /** The China day (YYYY-MM-DD) the plan started: marked on the hotspot trend. */
  @Column({ type: 'varchar', length: 10 }) startsOn: string;
  @Column({ type: 'int' }) createdById: number;
  @CreateDateColumn() createdAt: Date;
}

/** One occurrence of an inspection plan; (planId, periodKey) is unique so a period has one round. */
@Entity('inspection_round')
@Index('IDX_inspection_round_period', ['planId', 'periodKey'], { unique: true })
@Index('IDX_inspection_round_company', ['companyId', 'windowStart'])
export class InspectionRound {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Column({ type: 'int' }) planId: number;
  @Column({ type: 'int', nullable: true }) teamId: number | null;
  @Column({ type: 'varchar', length: 10 }) periodKey: string;
  @Column({ type: 'datetime' }) windowStart: Date;
  @Column({ type: 'datetime' }) windowEnd: Date;
  /** pending | in_progress | completed | missed */
  @Column({ type: 'varchar', length: 12 }) status: string;
  /** Completed after its window ended (or still open when it did). */
  @Column({ type: 'boolean', default: false }) late: boolean;
  @Column({ type: 'int', nullable: true }) technicianId: number | null;
  @Column({ type: 'datetime', nullable: true }) startedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) completedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) escalatedAt: Date | null;
  /** Maintenance: the planned order the occurrence filed. */
  @Column({ type: 'int', nullable: true }) workOrderId: number | null;
  @Column({ type: 'int', default: 0 }) version: number;
  @CreateDateColumn() createdAt: Date;
}

/** A point of a round, in order: the scan that proved presence (the phone's time and ours). */
@Entity('inspection_visit')
@Index('IDX_inspection_visit_point', ['roundId', 'pointId'], { unique: true })
export class InspectionVisit {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) roundId: number;
  @Column({ type: 'int' }) pointId: number;
  @Column({ type: 'int' }) seq: number;
  @Column({ type: 'datetime', nullable: true }) scannedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) scanReceivedAt: Date | null;
  @Column({ type: 'int', nullable: true }) scannedById: number | null;
}

/** One checklist item's result at a point of a round; one per item, one per client key. */
@Entity('inspection_check')
@Index('IDX_inspection_check_item', ['roundId', 'pointId', 'itemKey'], { unique: true })
@Index('IDX_inspection_check_key', ['roundId', 'clientKey'], { unique: true })
@Index('IDX_inspection_check_company', ['companyId', 'result', 'checkedAt'])
export class InspectionCheck {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) roundId: number;
  @Column({ type: 'int' }) pointId: number;
  @Column({ type: 'varchar', length: 32 }) itemKey: string;
  /** ok | abnormal */
  @Column({ type: 'varchar', length: 8 }) result: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) note: string | null;
  @Column({ type: 'int', nullable: true }) uploadId: number | null;
  /** The phone's time of the tick (offline rounds send it later). */
  @Column({ type: 'datetime' }) checkedAt: Date;
  @Column({ type: 'datetime' }) receivedAt: Date;
  @Column({ type: 'varchar', length: 64 }) clientKey: string;
  @Column({ type: 'int' }) checkedById: number;
  /** The repair order an abnormal item filed. */
  @Column({ type: 'int', nullable: true }) workOrderId: number | null;
}
