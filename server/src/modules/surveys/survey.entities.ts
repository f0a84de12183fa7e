import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A community survey (ACSI items, NPS, SERVPERF dimensions): created by an admin, or opened by
 * a schedule for one period (`periodKey`), at most one per community and period.
 */
@Entity('survey')
@Index('IDX_survey_community_period', ['communityId', 'periodKey'], { unique: true })
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
  /** The admin who created or opened it; for a schedule's opening, the admin who last saved the schedule. */
  @Column({ type: 'int' }) createdById: number;
  @CreateDateColumn() createdAt: Date;
  /** The schedule that opened it; null for a survey created by hand. */
  @Column({ type: 'int', nullable: true }) scheduleId: number | null;
  /** `2026-Q4` (shared surveyPeriodOf); null for a survey created by hand. */
  @Column({ type: 'varchar', length: 8, nullable: true }) periodKey: string | null;
  /** When the residents were told (the opening announcement). */
  @Column({ type: 'datetime', nullable: true }) announcedAt: Date | null;
  /** When the one reminder is due, and when it went out (set once, by a conditional update). */
  @Column({ type: 'datetime', nullable: true }) remindAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) remindedAt: Date | null;
  @Column({ type: 'datetime', nullable: true }) closedAt: Date | null;
}

/**
 * When a company's (communityId 0) or one community's survey opens by itself. A community's own
 * schedule replaces the company's for it. `version` counts saves: the pending open job carries
 * the version it was made for, and a job of an older version does nothing.
 */
@Entity('survey_schedule')
@Index('IDX_survey_schedule_scope', ['companyId', 'communityId'], { unique: true })
export class SurveySchedule {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) companyId: number;
  /** 0 = every community of the company without a schedule of its own. */
  @Column({ type: 'int' }) communityId: number;
  /** month | quarter | half | year (shared SURVEY_CADENCES). */
  @Column({ type: 'varchar', length: 8 }) cadence: string;
  @Column({ type: 'int' }) openDays: number;
  @Column({ type: 'int' }) remindDaysBefore: number;
  @Column({ type: 'boolean' }) enabled: boolean;
  @Column({ type: 'int', default: 1 }) version: number;
  /** The period the pending open job opens, and when (null when disabled). */
  @Column({ type: 'varchar', length: 8, nullable: true }) nextPeriodKey: string | null;
  @Column({ type: 'datetime', nullable: true }) nextOpensAt: Date | null;
  @Column({ type: 'int' }) updatedById: number;
  @Column({ type: 'datetime' }) updatedAt: Date;
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
