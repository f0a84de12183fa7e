import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A persisted deadline: work to do at `dueAt` (an SLA check, an offer timeout, routing, an
 * auto-close). Jobs are claimed and completed in the same transaction as their effect, so a
 * restart loses none and fires none twice, and several processes fire each once.
 */
@Entity('scheduled_job')
@Index(['status', 'dueAt'])
export class ScheduledJob {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Index() @Column({ type: 'int', nullable: true }) workOrderId: number | null;
  @Column({ type: 'int', nullable: true }) refId: number | null;
  @Column({ type: 'simple-json', nullable: true }) payload: Record<string, unknown> | null;
  @Column({ type: 'datetime' }) dueAt: Date;
  /** pending | done | cancelled | failed */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) doneBy: string | null;
  @Column({ type: 'datetime', nullable: true }) doneAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}
