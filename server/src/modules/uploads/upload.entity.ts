import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A stored photo. Its bytes live behind the FileStorage interface under `storageKey`. */
@Entity('upload')
export class Upload {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) ownerId: number;
  @Column({ type: 'varchar', length: 200 }) storageKey: string;
  @Column({ type: 'varchar', length: 50 }) mime: string;
  @Column({ type: 'int' }) size: number;
  @Column({ type: 'int', nullable: true }) width: number | null;
  @Column({ type: 'int', nullable: true }) height: number | null;
  @Column({ type: 'varchar', length: 64 }) sha256: string;
  @CreateDateColumn() createdAt: Date;
}
