import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (columns with defaults or nullable; SQLite adds them in place): how a binding's
// phone was proven, the owner's fee-approval flag and the invite it came from; the owners'
// invites (docs/households.md).
export class ProvenHouseholds1796400700000 implements MigrationInterface {
  name = 'ProvenHouseholds1796400700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "house_binding" ADD COLUMN "phoneProof" varchar(10)');
    await queryRunner.query('ALTER TABLE "house_binding" ADD COLUMN "canApproveFees" boolean NOT NULL DEFAULT (0)');
    await queryRunner.query('ALTER TABLE "house_binding" ADD COLUMN "inviteId" integer');
    await queryRunner.query(
      'CREATE TABLE "house_invite" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "code" varchar(16) NOT NULL, "houseId" integer NOT NULL, "relation" varchar(10) NOT NULL, "canApproveFees" boolean NOT NULL DEFAULT (0), "createdById" integer NOT NULL, "expiresAt" datetime NOT NULL, "usedById" integer, "usedAt" datetime, "revokedAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime(\'now\')))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_house_invite_code" ON "house_invite" ("code") ');
    await queryRunner.query('CREATE INDEX "IDX_house_invite_house" ON "house_invite" ("houseId") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_house_invite_house"');
    await queryRunner.query('DROP INDEX "IDX_house_invite_code"');
    await queryRunner.query('DROP TABLE "house_invite"');
    await queryRunner.query('ALTER TABLE "house_binding" DROP COLUMN "inviteId"');
    await queryRunner.query('ALTER TABLE "house_binding" DROP COLUMN "canApproveFees"');
    await queryRunner.query('ALTER TABLE "house_binding" DROP COLUMN "phoneProof"');
  }
}
