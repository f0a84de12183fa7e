import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A periodic community survey (ACSI items, NPS, SERVPERF dimensions). */
@Entity('survey')
export class Survey {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) companyId: number;
  @Column({ type: 'int' }) communityId: number;
  @Column({ type: 'varchar', length: 100 }) title: string;
  @Column({ type: 'datetime' }) startsAt: Date;
  @Column({ type: 'datetime' }) endsAt: Date;
  /** draft | open | closed */
  @Column({ type: 'varchar', length: 8 }) status: string;
  /** ACSI weights of overall, expectation, ideal (equal by default). */
  @Column({ type: 'simple-json' }) weights: [number, number, number];
  @Column({ type: 'int' }) createdById: number;
  @CreateDateColumn() createdAt: Date;
}

/** One resident's answer; one per survey and resident. */
@Entity('survey_response')
@Index(['surveyId', 'userId'], { unique: true })
export class SurveyResponse {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) surveyId: number;
  @Column({ type: 'int' }) userId: number;
  @Column({ type: 'int' }) houseId: number;
  /** ACSI items, 1..10. */
  @Column({ type: 'int' }) overall: number;
  @Column({ type: 'int' }) expectation: number;
  @Column({ type: 'int' }) ideal: number;
  /** 0..10 "how likely to recommend". */
  @Column({ type: 'int' }) nps: number;
  /** SERVPERF dimensions 1..5: tangibles, reliability, responsiveness, assurance, empathy. */
  @Column({ type: 'simple-json' }) servperf: Record<string, number>;
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @CreateDateColumn() createdAt: Date;
}
