import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: the token version and the must-change-password flag of every user, and whether a
// company is active (docs/security.md).
export class AccountLifecycle1796400500000 implements MigrationInterface {
  name = 'AccountLifecycle1796400500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `user` ADD `tokenVersion` int NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE `user` ADD `mustChangePassword` tinyint NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE `company` ADD `active` tinyint NOT NULL DEFAULT 1');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `company` DROP COLUMN `active`');
    await queryRunner.query('ALTER TABLE `user` DROP COLUMN `mustChangePassword`');
    await queryRunner.query('ALTER TABLE `user` DROP COLUMN `tokenVersion`');
  }
}
