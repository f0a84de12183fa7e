import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One admin change to rules or master data, written in the same transaction as the change. */
@Entity('audit_log')
@Index(['companyId', 'at'])
@Index(['companyId', 'entityType', 'at'])
export class AuditLog {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', nullable: true }) actorId: number | null;
  @Column({ type: 'datetime' }) at: Date;
  /** create | update | delete | review | open | close | import (shared AUDIT_ACTIONS). */
  @Column({ type: 'varchar', length: 16 }) action: string;
  /** shared AUDIT_ENTITY_TYPES. */
  @Column({ type: 'varchar', length: 32 }) entityType: string;
  @Column({ type: 'int', nullable: true }) entityId: number | null;
  @Column({ type: 'simple-json', nullable: true }) before: object | null;
  @Column({ type: 'simple-json', nullable: true }) after: object | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) requestId: string | null;
}
