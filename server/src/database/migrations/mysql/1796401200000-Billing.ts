import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: the bill of an order, a community's fee settings (the quote ceiling), and the
// order's quote state and rejection reason (docs/fees.md).
export class Billing1796401200000 implements MigrationInterface {
  name = 'Billing1796401200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `order_bill` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `orderId` int NOT NULL, `status` varchar(8) NOT NULL, `totalFen` int NOT NULL, `paidFen` int NOT NULL DEFAULT '0', `lines` text NOT NULL, `approvedQuoteFen` int NOT NULL, `waivedReason` varchar(200) NULL, `waivedBy` int NULL, `waivedAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), `version` int NOT NULL DEFAULT '1', UNIQUE INDEX `IDX_order_bill_order` (`orderId`), INDEX `IDX_order_bill_company_status` (`companyId`, `status`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `fee_setting` (`communityId` int NOT NULL, `companyId` int NOT NULL, `quoteCeilingFen` int NULL, `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `IDX_fee_setting_company` (`companyId`), PRIMARY KEY (`communityId`)) ENGINE=InnoDB',
    );
    await queryRunner.query('ALTER TABLE `work_order` ADD `quoteState` varchar(10) NULL');
    await queryRunner.query('ALTER TABLE `work_order` ADD `quoteRejectReason` varchar(200) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `quoteRejectReason`');
    await queryRunner.query('ALTER TABLE `work_order` DROP COLUMN `quoteState`');
    await queryRunner.query('DROP TABLE `fee_setting`');
    await queryRunner.query('DROP TABLE `order_bill`');
  }
}
