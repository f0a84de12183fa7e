import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** A property-management company: the tenant. No one ever sees another company's data. */
@Entity('company')
export class Company {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 100 }) name: string;
  /** Deactivated by the platform operator: none of its users can sign in or use a token. */
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn() createdAt: Date;
}

/** 小区. `code` prefixes its human-readable order numbers. */
@Entity('community')
@Index(['companyId', 'code'], { unique: true })
export class Community {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @ManyToOne(() => Company, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'companyId' })
  company?: Company;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 12 }) code: string;
  @Column({ type: 'varchar', length: 200, default: '' }) address: string;
  @Column({ type: 'int', default: 0 }) households: number;
  /** The property service hotline (物业服务电话) residents call; null: none on record. */
  @Column({ type: 'varchar', length: 20, nullable: true }) servicePhone: string | null;
  /** Which completed orders get a follow-up call: all | unrated | low (low ratings only). */
  @Column({ type: 'varchar', length: 8, default: 'low' }) followUpPolicy: string;
  /** Days a completed order waits for a rating before it closes as unrated; null = LINLI_RATING_WINDOW_DAYS. */
  @Column({ type: 'int', nullable: true }) ratingWindowDays: number | null;
  @Column({ type: 'double', nullable: true }) latitude: number | null;
  @Column({ type: 'double', nullable: true }) longitude: number | null;
  @CreateDateColumn() createdAt: Date;
}

@Entity('building')
@Index(['communityId', 'name'], { unique: true })
export class Building {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) communityId: number;
  @ManyToOne(() => Community, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'communityId' })
  community?: Community;
  @Column({ type: 'varchar', length: 50 }) name: string;
  /** Position of the building as map apps in China show it (GCJ-02; routing distance, arrival estimates); both or neither. */
  @Column({ type: 'double', nullable: true }) latitude: number | null;
  @Column({ type: 'double', nullable: true }) longitude: number | null;
}

@Entity('unit')
@Index(['buildingId', 'name'], { unique: true })
export class Unit {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) buildingId: number;
  @ManyToOne(() => Building, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'buildingId' })
  building?: Building;
  @Column({ type: 'varchar', length: 50 }) name: string;
}

/** A house (room). `label` is the human address inside the community, e.g. 1栋2单元301. */
@Entity('house')
@Index(['buildingId', 'unitId', 'roomNo'], { unique: true })
export class House {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) communityId: number;
  @ManyToOne(() => Community, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'communityId' })
  community?: Community;
  @Column({ type: 'int' }) buildingId: number;
  @ManyToOne(() => Building, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'buildingId' })
  building?: Building;
  @Column({ type: 'int', nullable: true }) unitId: number | null;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'unitId' })
  unit?: Unit | null;
  @Column({ type: 'varchar', length: 20 }) roomNo: string;
  @Column({ type: 'varchar', length: 100 }) label: string;
  @Column({ type: 'int', nullable: true }) floor: number | null;
  /** Floor area in square metres (from the master-data import). */
  @Column({ type: 'double', nullable: true }) areaSqm: number | null;
}

/** The registry of who lives in a house (from the company's records): the basis of automatic verification. */
@Entity('house_registry_entry')
export class HouseRegistryEntry {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) houseId: number;
  @ManyToOne(() => House, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'houseId' })
  house?: House;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ type: 'varchar', length: 20 }) phone: string;
  @Column({ type: 'varchar', length: 10 }) relation: string;
}

@Entity('public_area')
export class PublicArea {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) communityId: number;
  @ManyToOne(() => Community, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'communityId' })
  community?: Community;
  @Column({ type: 'int', nullable: true }) buildingId: number | null;
  @Column({ type: 'varchar', length: 100 }) name: string;
}
