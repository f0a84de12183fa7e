import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { House } from '../places/place.entities.js';
import type { User } from '../users/user.entities.js';

/** A resident's claim to a house; verified automatically when name+phone match the registry. */
@Entity('house_binding')
@Index(['userId', 'houseId'], { unique: true })
export class HouseBinding {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) userId: number;
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
  @Index() @Column({ type: 'int' }) houseId: number;
  @ManyToOne('House', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'houseId' })
  house?: House;
  @Column({ type: 'varchar', length: 10 }) relation: string;
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ type: 'varchar', length: 20 }) phone: string;
  @Column({ type: 'int', nullable: true }) reviewedById: number | null;
  @Column({ type: 'datetime', nullable: true }) reviewedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}
