import { DEFAULT_MAX_REFUSALS } from '@linli/shared';
import type { CompactRoutingDecision, ExcludedCandidate, RankedCandidate, RoutingWeights } from '@linli/shared';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** How orders of a community x category (x priority) are routed. Null fields match anything. */
@Entity('routing_rule')
export class RoutingRule {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int', nullable: true }) communityId: number | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) category: string | null;
  @Column({ type: 'varchar', length: 4, nullable: true }) priority: string | null;
  /** auto | offer | pool | manual */
  @Column({ type: 'varchar', length: 10 }) mode: string;
  @Column({ type: 'int', nullable: true }) teamId: number | null;
  @Column({ type: 'int', default: 300 }) offerTimeoutSeconds: number;
  /** Declines and offer timeouts before the order goes to the pool. */
  @Column({ type: 'int', default: DEFAULT_MAX_REFUSALS }) maxRefusals: number;
  @Column({ type: 'simple-json', nullable: true }) weights: RoutingWeights | null;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @UpdateDateColumn() updatedAt: Date;
}

/**
 * Every routing decision, stored with the order and shown to staff. `summary` holds the
 * compact shape (compactDecision: top candidates, exclusion counts; at most 4 KB); rows written
 * before it have the full `ranked` / `excluded` lists instead and are compacted on read.
 */
@Entity('routing_decision')
export class RoutingDecisionRecord {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) workOrderId: number;
  @Column({ type: 'int' }) attempt: number;
  @Column({ type: 'int', nullable: true }) ruleId: number | null;
  @Column({ type: 'varchar', length: 10 }) mode: string;
  /** assigned | offered | pooled | waiting | manual | rematched */
  @Column({ type: 'varchar', length: 12 }) outcome: string;
  @Column({ type: 'int', nullable: true }) chosenUserId: number | null;
  @Column({ type: 'simple-json', nullable: true }) summary: CompactRoutingDecision | null;
  /** Old rows only (the full ranked list); null since the compact summary. */
  @Column({ type: 'simple-json', nullable: true }) ranked: RankedCandidate[] | null;
  /** Old rows only (the full excluded list); null since the compact summary. */
  @Column({ type: 'simple-json', nullable: true }) excluded: ExcludedCandidate[] | null;
  @Column({ type: 'simple-json' }) weights: RoutingWeights;
  @CreateDateColumn() createdAt: Date;
}
