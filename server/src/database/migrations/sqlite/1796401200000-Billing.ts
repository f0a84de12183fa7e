import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: the bill of an order, a community's fee settings (the quote ceiling), and the
// order's quote state and rejection reason (docs/fees.md).
export class Billing1796401200000 implements MigrationInterface {
  name = 'Billing1796401200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "order_bill" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "companyId" integer NOT NULL, "communityId" integer NOT NULL, "orderId" integer NOT NULL, "status" varchar(8) NOT NULL, "totalFen" integer NOT NULL, "paidFen" integer NOT NULL DEFAULT (0), "lines" text NOT NULL, "approvedQuoteFen" integer NOT NULL, "waivedReason" varchar(200), "waivedBy" integer, "waivedAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')), "updatedAt" datetime NOT NULL DEFAULT (datetime(\'now\')), "version" integer NOT NULL DEFAULT (1))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_order_bill_order" ON "order_bill" ("orderId") ');
    await queryRunner.query('CREATE INDEX "IDX_order_bill_company_status" ON "order_bill" ("companyId", "status") ');
    await queryRunner.query(
      'CREATE TABLE "fee_setting" ("communityId" integer PRIMARY KEY NOT NULL, "companyId" integer NOT NULL, "quoteCeilingFen" integer, "updatedAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query('CREATE INDEX "IDX_fee_setting_company" ON "fee_setting" ("companyId") ');
    await queryRunner.query('ALTER TABLE "work_order" ADD "quoteState" varchar(10)');
    await queryRunner.query('ALTER TABLE "work_order" ADD "quoteRejectReason" varchar(200)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "quoteRejectReason"');
    await queryRunner.query('ALTER TABLE "work_order" DROP COLUMN "quoteState"');
    await queryRunner.query('DROP INDEX "IDX_fee_setting_company"');
    await queryRunner.query('DROP TABLE "fee_setting"');
    await queryRunner.query('DROP INDEX "IDX_order_bill_company_status"');
    await queryRunner.query('DROP INDEX "IDX_order_bill_order"');
    await queryRunner.query('DROP TABLE "order_bill"');
  }
}
