import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (nullable columns; SQLite adds them in place): a complaint opened by a bad rating
// names the rated order (complaintOfId) and the rating (ratingId, unique: one complaint a rating).
export class RatingComplaint1796400400000 implements MigrationInterface {
  name = 'RatingComplaint1796400400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "work_order" ADD COLUMN "complaintOfId" integer');
    await queryRunner.query('ALTER TABLE "work_order" ADD COLUMN "ratingId" integer');
    await queryRunner.query('CREATE INDEX "IDX_work_order_complaint_of" ON "work_order" ("complaintOfId") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_work_order_rating" ON "work_order" ("ratingId") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_work_order_rating"');
    await queryRunner.query('DROP INDEX "IDX_work_order_complaint_of"');
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "ratingId"');
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "complaintOfId"');
  }
}
