import type { MigrationInterface, QueryRunner } from 'typeorm';

// Inspection points, plans (rounds and maintenance), rounds, visits and checks (docs/inspections.md).
export class Inspections1796401400000 implements MigrationInterface {
  name = 'Inspections1796401400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `inspection_point` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `buildingId` int NULL, `publicAreaId` int NOT NULL, `name` varchar(60) NOT NULL, `code` varchar(32) NOT NULL, `checklist` text NOT NULL, `active` tinyint NOT NULL DEFAULT 1, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `IDX_inspection_point_code` (`code`), INDEX `IDX_inspection_point_community` (`companyId`, `communityId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `inspection_plan` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `kind` varchar(12) NOT NULL, `name` varchar(60) NOT NULL, `frequency` varchar(8) NOT NULL, `dayOf` int NULL, `windowStart` int NOT NULL, `windowEnd` int NOT NULL, `teamId` int NULL, `pointIds` text NOT NULL, `publicAreaId` int NULL, `buildingId` int NULL, `category` varchar(32) NULL, `description` varchar(200) NULL, `active` tinyint NOT NULL DEFAULT 1, `startsOn` varchar(10) NOT NULL, `createdById` int NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `IDX_inspection_plan_community` (`companyId`, `communityId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `inspection_round` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `planId` int NOT NULL, `teamId` int NULL, `periodKey` varchar(10) NOT NULL, `windowStart` datetime NOT NULL, `windowEnd` datetime NOT NULL, `status` varchar(12) NOT NULL, `late` tinyint NOT NULL DEFAULT 0, `technicianId` int NULL, `startedAt` datetime NULL, `completedAt` datetime NULL, `escalatedAt` datetime NULL, `version` int NOT NULL DEFAULT '0', `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `IDX_inspection_round_company` (`companyId`, `windowStart`), UNIQUE INDEX `IDX_inspection_round_period` (`planId`, `periodKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `inspection_visit` (`id` int NOT NULL AUTO_INCREMENT, `roundId` int NOT NULL, `pointId` int NOT NULL, `seq` int NOT NULL, `scannedAt` datetime NULL, `scanReceivedAt` datetime NULL, `scannedById` int NULL, UNIQUE INDEX `IDX_inspection_visit_point` (`roundId`, `pointId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `inspection_check` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `roundId` int NOT NULL, `pointId` int NOT NULL, `itemKey` varchar(32) NOT NULL, `result` varchar(8) NOT NULL, `note` varchar(200) NULL, `uploadId` int NULL, `checkedAt` datetime NOT NULL, `receivedAt` datetime NOT NULL, `clientKey` varchar(64) NOT NULL, `checkedById` int NOT NULL, `workOrderId` int NULL, INDEX `IDX_inspection_check_company` (`companyId`, `result`, `checkedAt`), UNIQUE INDEX `IDX_inspection_check_key` (`roundId`, `clientKey`), UNIQUE INDEX `IDX_inspection_check_item` (`roundId`, `pointId`, `itemKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE `inspection_check`");
    await queryRunner.query("DROP TABLE `inspection_visit`");
    await queryRunner.query("DROP TABLE `inspection_round`");
    await queryRunner.query("DROP TABLE `inspection_plan`");
    await queryRunner.query("DROP TABLE `inspection_point`");
  }
}
