import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: survey schedules, and a survey's period, announcement, reminder and close
// (docs/surveys.md). At most one survey per community and period (a unique index).
export class PeriodicSurveys1796401600000 implements MigrationInterface {
  name = 'PeriodicSurveys1796401600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `survey_schedule` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `cadence` varchar(8) NOT NULL, `openDays` int NOT NULL, `remindDaysBefore` int NOT NULL, `enabled` tinyint NOT NULL, `version` int NOT NULL DEFAULT '1', `nextPeriodKey` varchar(8) NULL, `nextOpensAt` datetime NULL, `updatedById` int NOT NULL, `updatedAt` datetime NOT NULL, UNIQUE INDEX `IDX_survey_schedule_scope` (`companyId`, `communityId`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query('ALTER TABLE `survey` ADD `scheduleId` int NULL');
    await queryRunner.query('ALTER TABLE `survey` ADD `periodKey` varchar(8) NULL');
    await queryRunner.query('ALTER TABLE `survey` ADD `announcedAt` datetime NULL');
    await queryRunner.query('ALTER TABLE `survey` ADD `remindAt` datetime NULL');
    await queryRunner.query('ALTER TABLE `survey` ADD `remindedAt` datetime NULL');
    await queryRunner.query('ALTER TABLE `survey` ADD `closedAt` datetime NULL');
    await queryRunner.query(
      'CREATE UNIQUE INDEX `IDX_survey_community_period` ON `survey` (`communityId`, `periodKey`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_survey_community_period` ON `survey`');
    await queryRunner.query('ALTER TABLE `survey` DROP COLUMN `closedAt`');
    await queryRunner.query('ALTER TABLE `survey` DROP COLUMN `remindedAt`');
    await queryRunner.query('ALTER TABLE `survey` DROP COLUMN `remindAt`');
    await queryRunner.query('ALTER TABLE `survey` DROP COLUMN `announcedAt`');
    await queryRunner.query('ALTER TABLE `survey` DROP COLUMN `periodKey`');
    await queryRunner.query('ALTER TABLE `survey` DROP COLUMN `scheduleId`');
    await queryRunner.query('DROP TABLE `survey_schedule`');
  }
}
