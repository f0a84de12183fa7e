import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (nullable columns): a complaint opened by a bad rating names the rated order
// (complaintOfId) and the rating (ratingId, unique: one complaint a rating).
export class RatingComplaint1796400400000 implements MigrationInterface {
  name = 'RatingComplaint1796400400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `work_order` ADD `complaintOfId` int NULL');
    await queryRunner.query('ALTER TABLE `work_order` ADD `ratingId` int NULL');
    await queryRunner.query('CREATE INDEX `IDX_work_order_complaint_of` ON `work_order` (`complaintOfId`)');
    await queryRunner.query('CREATE UNIQUE INDEX `IDX_work_order_rating` ON `work_order` (`ratingId`)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_work_order_rating` ON `work_order`');
    await queryRunner.query('DROP INDEX `IDX_work_order_complaint_of` ON `work_order`');
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `ratingId`');
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `complaintOfId`');
  }
}
