import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: notices to residents, the reporters who joined an order, the desk's merges,
// and one rating per reporter (not per order) (docs/notices.md).
export class NoticesSharedFaults1796401500000 implements MigrationInterface {
  name = 'NoticesSharedFaults1796401500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "notice" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "companyId" integer NOT NULL, "communityId" integer NOT NULL, "buildingIds" text, "kind" varchar(10) NOT NULL, "title" varchar(60) NOT NULL, "body" varchar(500) NOT NULL, "startsAt" datetime NOT NULL, "endsAt" datetime NOT NULL, "endedAt" datetime, "recipients" integer NOT NULL DEFAULT (0), "createdById" integer NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_notice_community_ends" ON "notice" ("companyId", "communityId", "endsAt") ',
    );
    await queryRunner.query(
      'CREATE TABLE "work_order_reporter" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "workOrderId" integer NOT NULL, "userId" integer NOT NULL, "source" varchar(8) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_work_order_reporter_order_user" ON "work_order_reporter" ("workOrderId", "userId") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_work_order_reporter_user" ON "work_order_reporter" ("userId") ');
    await queryRunner.query(
      'CREATE TABLE "work_order_merge" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "duplicateId" integer NOT NULL, "survivorId" integer NOT NULL, "mergedById" integer NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_work_order_merge_duplicate" ON "work_order_merge" ("duplicateId") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_work_order_merge_survivor" ON "work_order_merge" ("survivorId") ');
    await queryRunner.query('DROP INDEX "IDX_59f54dae168f6bcefb74f7cbd8"');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_rating_order_rater" ON "rating" ("workOrderId", "raterId") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_rating_order_rater"');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_59f54dae168f6bcefb74f7cbd8" ON "rating" ("workOrderId") ');
    await queryRunner.query('DROP INDEX "IDX_work_order_merge_survivor"');
    await queryRunner.query('DROP INDEX "IDX_work_order_merge_duplicate"');
    await queryRunner.query('DROP TABLE "work_order_merge"');
    await queryRunner.query('DROP INDEX "IDX_work_order_reporter_user"');
    await queryRunner.query('DROP INDEX "IDX_work_order_reporter_order_user"');
    await queryRunner.query('DROP TABLE "work_order_reporter"');
    await queryRunner.query('DROP INDEX "IDX_notice_community_ends"');
    await queryRunner.query('DROP TABLE "notice"');
  }
}
