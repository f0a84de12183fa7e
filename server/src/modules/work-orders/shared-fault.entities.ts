import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A resident who met the same public-area fault and joined an open order ("我也遇到了"), or
 * whose duplicate order the desk merged into it. The order's own reporterId is not repeated here.
 */
@Entity('work_order_reporter')
@Index('IDX_work_order_reporter_order_user', ['workOrderId', 'userId'], { unique: true })
@Index('IDX_work_order_reporter_user', ['userId'])
export class WorkOrderReporter {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) workOrderId: number;
  @Column({ type: 'int' }) userId: number;
  /** join | merge */
  @Column({ type: 'varchar', length: 8 }) source: string;
  @CreateDateColumn() createdAt: Date;
}

/** The desk merged a duplicate into a surviving order; unique on the duplicate: one merge wins. */
@Entity('work_order_merge')
@Index('IDX_work_order_merge_duplicate', ['duplicateId'], { unique: true })
@Index('IDX_work_order_merge_survivor', ['survivorId'])
export class WorkOrderMerge {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) duplicateId: number;
  @Column({ type: 'int' }) survivorId: number;
  @Column({ type: 'int' }) mergedById: number;
  @CreateDateColumn() createdAt: Date;
}
