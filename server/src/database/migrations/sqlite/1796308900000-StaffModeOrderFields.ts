import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (nullable columns; SQLite adds them in place): the technician a complaint is about
// (never its assignee) and the visit window (start and end instants) of a repair.
export class StaffModeOrderFields1796308900000 implements MigrationInterface {
  name = 'StaffModeOrderFields1796308900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "work_order" ADD COLUMN "aboutUserId" integer');
    await queryRunner.query('ALTER TABLE "work_order" ADD COLUMN "visitFrom" datetime');
    await queryRunner.query('ALTER TABLE "work_order" ADD COLUMN "visitTo" datetime');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "visitTo"');
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "visitFrom"');
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "aboutUserId"');
  }
}
