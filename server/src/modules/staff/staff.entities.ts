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
import type { Building } from '../places/place.entities.js';
import type { User } from '../users/user.entities.js';

/** What routing needs to know about a technician beyond the user row. */
@Entity('technician_profile')
export class TechnicianProfile {
  @PrimaryColumn({ type: 'int' }) userId: number;
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
  /** Open orders the technician may hold at once. */
  @Column({ type: 'int', default: 6 }) capacity: number;
  /**
   * The technician's last position reported by their phone (出发/到达, with their consent) and
   * when; routing ignores it once older than POSITION_MAX_AGE_MS (technician-positions.ts).
   */
  @Column({ type: 'double', nullable: true }) latitude: number | null;
  @Column({ type: 'double', nullable: true }) longitude: number | null;
  @Column({ type: 'datetime', nullable: true }) positionAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) lastAssignedAt: Date | null;
}

@Entity('technician_skill')
export class TechnicianSkill {
  @PrimaryColumn({ type: 'int' }) userId: number;
  @PrimaryColumn({ type: 'varchar', length: 32 }) category: string;
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
  /** 1 (apprentice) .. 5 (master). */
  @Column({ type: 'int' }) level: number;
}

@Entity('team')
export class Team {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ type: 'int', nullable: true }) supervisorId: number | null;
}

@Entity('team_member')
export class TeamMember {
  @PrimaryColumn({ type: 'int' }) teamId: number;
  @PrimaryColumn({ type: 'int' }) userId: number;
  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teamId' })
  team?: Team;
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
}

/** Optional narrowing of a staff member's service area to some buildings of their communities. */
@Entity('staff_building')
export class StaffBuilding {
  @PrimaryColumn({ type: 'int' }) userId: number;
  @PrimaryColumn({ type: 'int' }) buildingId: number;
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
  @ManyToOne('Building', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'buildingId' })
  building?: Building;
}

/** One working window of the weekly pattern (China local time). */
@Entity('shift_pattern')
export class ShiftPattern {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) userId: number;
  @Column({ type: 'int' }) weekday: number;
  @Column({ type: 'int' }) startMinute: number;
  @Column({ type: 'int' }) endMinute: number;
}

/** A day that differs from the pattern: off, or other hours. */
@Entity('shift_exception')
@Index(['userId', 'date'])
export class ShiftExceptionRow {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) userId: number;
  @Column({ type: 'varchar', length: 10 }) date: string;
  @Column({ type: 'boolean' }) off: boolean;
  @Column({ type: 'int', nullable: true }) startMinute: number | null;
  @Column({ type: 'int', nullable: true }) endMinute: number | null;
}

@Entity('staff_leave')
export class StaffLeave {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) userId: number;
  @Column({ type: 'datetime' }) startAt: Date;
  @Column({ type: 'datetime' }) endAt: Date;
  @Column({ type: 'varchar', length: 200 }) reason: string;
  /** pending | approved | rejected */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int', nullable: true }) reviewedById: number | null;
  @CreateDateColumn() createdAt: Date;
}
