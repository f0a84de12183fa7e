import type { BusinessCalendar } from '@linli/shared';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** SLA targets for a community x category x priority; null community/category match anything. */
@Entity('sla_policy')
export class SlaPolicy {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', nullable: true }) communityId: number | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) category: string | null;
  @Column({ type: 'varchar', length: 4 }) priority: string;
  @Column({ type: 'int' }) acceptMinutes: number;
  @Column({ type: 'int', nullable: true }) arriveMinutes: number | null;
  @Column({ type: 'int' }) resolveMinutes: number;
  /** Count only business hours (for P3/P4); null = around the clock. */
  @Column({ type: 'simple-json', nullable: true }) calendar: BusinessCalendar | null;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
}

/** One stage clock (accept, arrive, resolve) of one cycle of an order (a reopen starts a new cycle). */
@Entity('sla_clock')
@Index(['workOrderId', 'cycle', 'stage'], { unique: true })
@Index(['status', 'dueAt'])
export class SlaClockRow {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) workOrderId: number;
  @Column({ type: 'int' }) cycle: number;
  @Column({ type: 'varchar', length: 8 }) stage: string;
  @Column({ type: 'datetime' }) startedAt: Date;
  @Column({ type: 'int' }) targetMinutes: number;
  @Column({ type: 'simple-json', nullable: true }) calendar: BusinessCalendar | null;
  @Column({ type: 'int', default: 0 }) pausedSeconds: number;
  @Column({ type: 'datetime', nullable: true }) pausedSince: Date | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) pauseReason: string | null;
  /** The 100% deadline (moves later with pauses). */
  @Column({ type: 'datetime' }) dueAt: Date;
  /** running | paused | met | breached | cancelled */
  @Column({ type: 'varchar', length: 10 }) status: string;
  /** Highest escalation level fired: 0 none, 1 = 50%, 2 = 75%, 3 = breached. */
  @Column({ type: 'int', default: 0 }) level: number;
  @Index() @Column({ type: 'datetime', nullable: true }) stoppedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) breachedAt: Date | null;
}

/** Each escalation fired; the unique index makes a level fire at most once per clock. */
@Entity('sla_escalation')
@Index(['clockId', 'level'], { unique: true })
export class SlaEscalation {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) clockId: number;
  @Index() @Column({ type: 'int' }) workOrderId: number;
  @Column({ type: 'int' }) level: number;
  @Column({ type: 'varchar', length: 12 }) notified: string;
  @CreateDateColumn() createdAt: Date;
}
