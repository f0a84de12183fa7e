import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Community, Company } from '../places/place.entities.js';

/**
 * Everyone who logs in. Residents come from WeChat (openid) and have no company;
 * staff belong to one company and log in by password or a linked WeChat identity.
 */
@Entity('user')
export class User {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) role: string;
  @Column({ type: 'int', nullable: true }) companyId: number | null;
  @ManyToOne('Company', { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'companyId' })
  company?: Company | null;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ type: 'varchar', length: 20, nullable: true }) phone: string | null;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 50, nullable: true }) username: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) passwordHash: string | null;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 64, nullable: true }) wechatOpenid: string | null;
  /** Seeded demo account: refused in production mode. */
  @Column({ type: 'boolean', default: false }) isDemo: boolean;
  @Column({ type: 'boolean', default: true }) active: boolean;
  /**
   * Signed into every token as `ver`; bumped by deactivation, a role change and a password change
   * or reset, so older tokens stop working on the next request (docs/security.md).
   */
  @Column({ type: 'int', default: 0 }) tokenVersion: number;
  /** Set when an admin or the CLI chose the password: the user must set their own first. */
  @Column({ type: 'boolean', default: false }) mustChangePassword: boolean;
  @CreateDateColumn() createdAt: Date;
}

/** The communities a staff member serves. */
@Entity('staff_community')
export class StaffCommunity {
  @PrimaryColumn({ type: 'int' }) userId: number;
  @PrimaryColumn({ type: 'int' }) communityId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
  @ManyToOne('Community', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'communityId' })
  community?: Community;
}
