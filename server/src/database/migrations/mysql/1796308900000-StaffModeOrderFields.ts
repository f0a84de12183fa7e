import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (nullable columns): the technician a complaint is about (never its assignee) and
// the visit window (start and end instants) of a repair.
export class StaffModeOrderFields1796308900000 implements MigrationInterface {
  name = 'StaffModeOrderFields1796308900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `work_order` ADD `aboutUserId` int NULL');
    await queryRunner.query('ALTER TABLE `work_order` ADD `visitFrom` datetime NULL');
    await queryRunner.query('ALTER TABLE `work_order` ADD `visitTo` datetime NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `visitTo`');
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `visitFrom`');
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `aboutUserId`');
  }
}
