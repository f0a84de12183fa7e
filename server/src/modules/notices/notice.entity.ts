import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A notice to residents (停水/停电/电梯维保) of a community or some of its buildings, for a time window. */
@Entity('notice')
@Index('IDX_notice_community_ends', ['companyId', 'communityId', 'endsAt'])
export class Notice {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  /** null: the whole community. */
  @Column({ type: 'simple-json', nullable: true }) buildingIds: number[] | null;
  /** water | power | elevator | other */
  @Column({ type: 'varchar', length: 10 }) kind: string;
  @Column({ type: 'varchar', length: 60 }) title: string;
  @Column({ type: 'varchar', length: 500 }) body: string;
  @Column({ type: 'datetime' }) startsAt: Date;
  @Column({ type: 'datetime' }) endsAt: Date;
  /** Ended early by staff; null: runs to endsAt. */
  @Column({ type: 'datetime', nullable: true }) endedAt: Date | null;
  @Column({ type: 'int', default: 0 }) recipients: number;
  @Column({ type: 'int' }) createdById: number;
  @CreateDateColumn() createdAt: Date;
}
