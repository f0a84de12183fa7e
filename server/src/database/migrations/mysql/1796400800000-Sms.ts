import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: verification codes (hashed), the per-phone send quota, and the SMS queue and
// delivery record (docs/sms.md).
export class Sms1796400800000 implements MigrationInterface {
  name = 'Sms1796400800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `sms_code` (`id` int NOT NULL AUTO_INCREMENT, `phoneHash` varchar(64) NOT NULL, `purpose` varchar(10) NOT NULL, `codeHash` varchar(64) NOT NULL, `expiresAt` datetime NOT NULL, `attempts` int NOT NULL DEFAULT \'0\', `consumedAt` datetime NULL, `createdAt` datetime NOT NULL, INDEX `IDX_sms_code_phone` (`phoneHash`, `purpose`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `sms_code_quota` (`phoneHash` varchar(64) NOT NULL, `lastSentAt` datetime NOT NULL, `windowStart` datetime NOT NULL, `windowCount` int NOT NULL DEFAULT \'0\', PRIMARY KEY (`phoneHash`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `sms_message` (`id` int NOT NULL AUTO_INCREMENT, `kind` varchar(10) NOT NULL, `companyId` int NULL, `phone` varchar(20) NULL, `phoneMasked` varchar(20) NOT NULL, `phoneHash` varchar(64) NOT NULL, `templateCode` varchar(40) NOT NULL, `params` varchar(500) NULL, `status` varchar(10) NOT NULL, `attempts` int NOT NULL DEFAULT \'0\', `nextAttemptAt` datetime NOT NULL, `leaseUntil` datetime NULL, `errorCode` varchar(60) NULL, `errorMessage` varchar(200) NULL, `bizId` varchar(64) NULL, `requestId` varchar(64) NULL, `sentAt` datetime NULL, `createdAt` datetime NOT NULL, INDEX `IDX_sms_message_due` (`status`, `nextAttemptAt`), INDEX `IDX_sms_message_created` (`createdAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `sms_message`');
    await queryRunner.query('DROP TABLE `sms_code_quota`');
    await queryRunner.query('DROP TABLE `sms_code`');
  }
}
