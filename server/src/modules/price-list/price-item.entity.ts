import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a company's price list (收费标准); communityId null = every community. */
@Entity('price_item')
@Index(['companyId', 'communityId'])
export class PriceItem {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', nullable: true }) communityId: number | null;
  @Column({ type: 'varchar', length: 32 }) category: string;
  /** labour | material */
  @Column({ type: 'varchar', length: 10 }) kind: string;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ type: 'varchar', length: 10 }) unit: string;
  /** Price per unit in fen (0.01 CNY). */
  @Column({ type: 'int' }) priceFen: number;
  @Column({ type: 'int', default: 0 }) sortOrder: number;
}
