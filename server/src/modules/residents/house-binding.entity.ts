import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { House } from '../places/place.entities.js';
import type { User } from '../users/user.entities.js';

/**
 * A resident's claim to a house (docs/households.md): verified at once when a proven phone is the
 * registry owner's, or by an invite; otherwise pending until a verified owner or the desk decides.
 */
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
  /** How the phone was proven: wechat, sms or invite; null for bindings older than the proof. */
  @Column({ type: 'varchar', length: 10, nullable: true }) phoneProof: string | null;
  /** Set by an owner (可审批费用): this member or tenant may approve fees. Owners always may. */
  @Column({ type: 'boolean', default: false }) canApproveFees: boolean;
  /** The invite this binding came from, if any. */
  @Column({ type: 'int', nullable: true }) inviteId: number | null;
  @Column({ type: 'int', nullable: true }) reviewedById: number | null;
  @Column({ type: 'datetime', nullable: true }) reviewedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}

/** An owner's invite to join a house as a household member or tenant: one use, 7 days. */
@Entity('house_invite')
export class HouseInvite {
  @PrimaryGeneratedColumn() id: number;
  @Index('IDX_house_invite_code', { unique: true }) @Column({ type: 'varchar', length: 16 }) code: string;
  @Index('IDX_house_invite_house') @Column({ type: 'int' }) houseId: number;
  @Column({ type: 'varchar', length: 10 }) relation: string;
  @Column({ type: 'boolean', default: false }) canApproveFees: boolean;
  @Column({ type: 'int' }) createdById: number;
  @Column({ type: 'datetime' }) expiresAt: Date;
  @Column({ type: 'int', nullable: true }) usedById: number | null;
  @Column({ type: 'datetime', nullable: true }) usedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) revokedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}
