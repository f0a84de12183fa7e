import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: notices to residents, the reporters who joined an order, the desk's merges,
// and one rating per reporter (not per order) (docs/notices.md).
export class NoticesSharedFaults1796401500000 implements MigrationInterface {
  name = 'NoticesSharedFaults1796401500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `notice` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `buildingIds` text NULL, `kind` varchar(10) NOT NULL, `title` varchar(60) NOT NULL, `body` varchar(500) NOT NULL, `startsAt` datetime NOT NULL, `endsAt` datetime NOT NULL, `endedAt` datetime NULL, `recipients` int NOT NULL DEFAULT '0', `createdById` int NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `IDX_notice_community_ends` (`companyId`, `communityId`, `endsAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `work_order_reporter` (`id` int NOT NULL AUTO_INCREMENT, `workOrderId` int NOT NULL, `userId` int NOT NULL, `source` varchar(8) NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `IDX_work_order_reporter_order_user` (`workOrderId`, `userId`), INDEX `IDX_work_order_reporter_user` (`userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `work_order_merge` (`id` int NOT NULL AUTO_INCREMENT, `duplicateId` int NOT NULL, `survivorId` int NOT NULL, `mergedById` int NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `IDX_work_order_merge_duplicate` (`duplicateId`), INDEX `IDX_work_order_merge_survivor` (`survivorId`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query('CREATE UNIQUE INDEX `IDX_rating_order_rater` ON `rating` (`workOrderId`, `raterId`)');
    await queryRunner.query('DROP INDEX `IDX_59f54dae168f6bcefb74f7cbd8` ON `rating`');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE UNIQUE INDEX `IDX_59f54dae168f6bcefb74f7cbd8` ON `rating` (`workOrderId`)');
    await queryRunner.query('DROP INDEX `IDX_rating_order_rater` ON `rating`');
    await queryRunner.query('DROP TABLE `work_order_merge`');
    await queryRunner.query('DROP TABLE `work_order_reporter`');
    await queryRunner.query('DROP TABLE `notice`');
  }
}
