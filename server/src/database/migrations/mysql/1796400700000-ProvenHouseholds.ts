import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (columns with defaults or nullable): how a binding's phone was proven, the owner's
// fee-approval flag and the invite it came from; the owners' invites (docs/households.md).
export class ProvenHouseholds1796400700000 implements MigrationInterface {
  name = 'ProvenHouseholds1796400700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `house_binding` ADD `phoneProof` varchar(10) NULL');
    await queryRunner.query('ALTER TABLE `house_binding` ADD `canApproveFees` tinyint NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE `house_binding` ADD `inviteId` int NULL');
    await queryRunner.query(
      'CREATE TABLE `house_invite` (`id` int NOT NULL AUTO_INCREMENT, `code` varchar(16) NOT NULL, `houseId` int NOT NULL, `relation` varchar(10) NOT NULL, `canApproveFees` tinyint NOT NULL DEFAULT 0, `createdById` int NOT NULL, `expiresAt` datetime NOT NULL, `usedById` int NULL, `usedAt` datetime NULL, `revokedAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `IDX_house_invite_code` (`code`), INDEX `IDX_house_invite_house` (`houseId`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `house_invite`');
    await queryRunner.query('ALTER TABLE `house_binding` DROP COLUMN `inviteId`');
    await queryRunner.query('ALTER TABLE `house_binding` DROP COLUMN `canApproveFees`');
    await queryRunner.query('ALTER TABLE `house_binding` DROP COLUMN `phoneProof`');
  }
}
