import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A repair category of one company, e.g. plumbing / 水电维修. */
@Entity('category')
@Index(['companyId', 'code'], { unique: true })
export class Category {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'varchar', length: 32 }) code: string;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ type: 'int', default: 0 }) sortOrder: number;
}
