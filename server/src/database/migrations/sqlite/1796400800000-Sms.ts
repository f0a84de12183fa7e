import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: verification codes (hashed), the per-phone send quota, and the SMS queue and
// delivery record (docs/sms.md).
export class Sms1796400800000 implements MigrationInterface {
  name = 'Sms1796400800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "sms_code" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "phoneHash" varchar(64) NOT NULL, "purpose" varchar(10) NOT NULL, "codeHash" varchar(64) NOT NULL, "expiresAt" datetime NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "consumedAt" datetime, "createdAt" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "IDX_sms_code_phone" ON "sms_code" ("phoneHash", "purpose", "id") ');
    await queryRunner.query(
      'CREATE TABLE "sms_code_quota" ("phoneHash" varchar(64) PRIMARY KEY NOT NULL, "lastSentAt" datetime NOT NULL, "windowStart" datetime NOT NULL, "windowCount" integer NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'CREATE TABLE "sms_message" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "kind" varchar(10) NOT NULL, "companyId" integer, "phone" varchar(20), "phoneMasked" varchar(20) NOT NULL, "phoneHash" varchar(64) NOT NULL, "templateCode" varchar(40) NOT NULL, "params" varchar(500), "status" varchar(10) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime NOT NULL, "leaseUntil" datetime, "errorCode" varchar(60), "errorMessage" varchar(200), "bizId" varchar(64), "requestId" varchar(64), "sentAt" datetime, "createdAt" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "IDX_sms_message_due" ON "sms_message" ("status", "nextAttemptAt") ');
    await queryRunner.query('CREATE INDEX "IDX_sms_message_created" ON "sms_message" ("createdAt") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_sms_message_created"');
    await queryRunner.query('DROP INDEX "IDX_sms_message_due"');
    await queryRunner.query('DROP TABLE "sms_message"');
    await queryRunner.query('DROP TABLE "sms_code_quota"');
    await queryRunner.query('DROP INDEX "IDX_sms_code_phone"');
    await queryRunner.query('DROP TABLE "sms_code"');
  }
}
