import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: payments, refunds and the immutable money ledger (docs/payments.md).
export class Payments1796401100000 implements MigrationInterface {
  name = 'Payments1796401100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "payment" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "companyId" integer NOT NULL, "communityId" integer NOT NULL, "orderId" integer NOT NULL, "billId" integer NOT NULL, "method" varchar(10) NOT NULL, "status" varchar(10) NOT NULL, "amountFen" integer NOT NULL, "refundedFen" integer NOT NULL DEFAULT (0), "outTradeNo" varchar(32) NOT NULL, "transactionId" varchar(64), "prepayId" varchar(64), "payerUserId" integer, "payerOpenid" varchar(64), "recordedBy" integer, "reference" varchar(100), "openKey" integer, "paidAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')), "updatedAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query('CREATE INDEX "IDX_payment_company_status" ON "payment" ("companyId", "status") ');
    await queryRunner.query('CREATE INDEX "IDX_payment_order" ON "payment" ("orderId") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_payment_out_trade_no" ON "payment" ("outTradeNo") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_payment_open" ON "payment" ("openKey") ');
    await queryRunner.query(
      'CREATE TABLE "payment_refund" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "companyId" integer NOT NULL, "communityId" integer NOT NULL, "orderId" integer NOT NULL, "paymentId" integer NOT NULL, "outRefundNo" varchar(64) NOT NULL, "refundId" varchar(64), "amountFen" integer NOT NULL, "status" varchar(10) NOT NULL, "reason" varchar(200) NOT NULL, "requestedBy" integer NOT NULL, "succeededAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')), "updatedAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query('CREATE INDEX "IDX_payment_refund_payment" ON "payment_refund" ("paymentId") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_payment_refund_no" ON "payment_refund" ("outRefundNo") ');
    await queryRunner.query(
      'CREATE TABLE "payment_ledger" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "companyId" integer NOT NULL, "communityId" integer NOT NULL, "orderId" integer NOT NULL, "paymentId" integer NOT NULL, "refundId" integer, "event" varchar(20) NOT NULL, "method" varchar(10) NOT NULL, "amountFen" integer NOT NULL, "entryKey" varchar(80) NOT NULL, "actorId" integer, "note" varchar(200), "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query('CREATE INDEX "IDX_payment_ledger_company_at" ON "payment_ledger" ("companyId", "createdAt") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_payment_ledger_entry" ON "payment_ledger" ("entryKey") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_payment_ledger_entry"');
    await queryRunner.query('DROP INDEX "IDX_payment_ledger_company_at"');
    await queryRunner.query('DROP TABLE "payment_ledger"');
    await queryRunner.query('DROP INDEX "IDX_payment_refund_no"');
    await queryRunner.query('DROP INDEX "IDX_payment_refund_payment"');
    await queryRunner.query('DROP TABLE "payment_refund"');
    await queryRunner.query('DROP INDEX "IDX_payment_open"');
    await queryRunner.query('DROP INDEX "IDX_payment_out_trade_no"');
    await queryRunner.query('DROP INDEX "IDX_payment_order"');
    await queryRunner.query('DROP INDEX "IDX_payment_company_status"');
    await queryRunner.query('DROP TABLE "payment"');
  }
}
