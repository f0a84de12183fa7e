import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: payments, refunds and the immutable money ledger (docs/payments.md).
export class Payments1796401100000 implements MigrationInterface {
  name = 'Payments1796401100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `payment` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `orderId` int NOT NULL, `billId` int NOT NULL, `method` varchar(10) NOT NULL, `status` varchar(10) NOT NULL, `amountFen` int NOT NULL, `refundedFen` int NOT NULL DEFAULT '0', `outTradeNo` varchar(32) NOT NULL, `transactionId` varchar(64) NULL, `prepayId` varchar(64) NULL, `payerUserId` int NULL, `payerOpenid` varchar(64) NULL, `recordedBy` int NULL, `reference` varchar(100) NULL, `openKey` int NULL, `paidAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `IDX_payment_company_status` (`companyId`, `status`), INDEX `IDX_payment_order` (`orderId`), UNIQUE INDEX `IDX_payment_out_trade_no` (`outTradeNo`), UNIQUE INDEX `IDX_payment_open` (`openKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `payment_refund` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `orderId` int NOT NULL, `paymentId` int NOT NULL, `outRefundNo` varchar(64) NOT NULL, `refundId` varchar(64) NULL, `amountFen` int NOT NULL, `status` varchar(10) NOT NULL, `reason` varchar(200) NOT NULL, `requestedBy` int NOT NULL, `succeededAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `IDX_payment_refund_payment` (`paymentId`), UNIQUE INDEX `IDX_payment_refund_no` (`outRefundNo`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `payment_ledger` (`id` int NOT NULL AUTO_INCREMENT, `companyId` int NOT NULL, `communityId` int NOT NULL, `orderId` int NOT NULL, `paymentId` int NOT NULL, `refundId` int NULL, `event` varchar(20) NOT NULL, `method` varchar(10) NOT NULL, `amountFen` int NOT NULL, `entryKey` varchar(80) NOT NULL, `actorId` int NULL, `note` varchar(200) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `IDX_payment_ledger_company_at` (`companyId`, `createdAt`), UNIQUE INDEX `IDX_payment_ledger_entry` (`entryKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `payment_ledger`');
    await queryRunner.query('DROP TABLE `payment_refund`');
    await queryRunner.query('DROP TABLE `payment`');
  }
}
