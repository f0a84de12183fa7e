import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: survey schedules, and a survey's period, announcement, reminder and close
// (docs/surveys.md). At most one survey per community and period (a unique index).
export class PeriodicSurveys1796401600000 implements MigrationInterface {
  name = 'PeriodicSurveys1796401600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "survey_schedule" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "companyId" integer NOT NULL, "communityId" integer NOT NULL, "cadence" varchar(8) NOT NULL, "openDays" integer NOT NULL, "remindDaysBefore" integer NOT NULL, "enabled" boolean NOT NULL, "version" integer NOT NULL DEFAULT (1), "nextPeriodKey" varchar(8), "nextOpensAt" datetime, "updatedById" integer NOT NULL, "updatedAt" datetime NOT NULL)',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_survey_schedule_scope" ON "survey_schedule" ("companyId", "communityId") ',
    );
    await queryRunner.query('ALTER TABLE "survey" ADD "scheduleId" integer');
    await queryRunner.query('ALTER TABLE "survey" ADD "periodKey" varchar(8)');
    await queryRunner.query('ALTER TABLE "survey" ADD "announcedAt" datetime');
    await queryRunner.query('ALTER TABLE "survey" ADD "remindAt" datetime');
    await queryRunner.query('ALTER TABLE "survey" ADD "remindedAt" datetime');
    await queryRunner.query('ALTER TABLE "survey" ADD "closedAt" datetime');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_survey_community_period" ON "survey" ("communityId", "periodKey") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_survey_community_period"');
    await queryRunner.query('ALTER TABLE "survey" DROP COLUMN "closedAt"');
    await queryRunner.query('ALTER TABLE "survey" DROP COLUMN "remindedAt"');
    await queryRunner.query('ALTER TABLE "survey" DROP COLUMN "remindAt"');
    await queryRunner.query('ALTER TABLE "survey" DROP COLUMN "announcedAt"');
    await queryRunner.query('ALTER TABLE "survey" DROP COLUMN "periodKey"');
    await queryRunner.query('ALTER TABLE "survey" DROP COLUMN "scheduleId"');
    await queryRunner.query('DROP INDEX "IDX_survey_schedule_scope"');
    await queryRunner.query('DROP TABLE "survey_schedule"');
  }
}
