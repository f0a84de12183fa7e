import type { MigrationInterface, QueryRunner } from 'typeorm';

// The hotspot cube (docs/scores.md, "Layers"); ScoreCommunityCube1796401300002 fills the layers.
export class ScoreHotspots1796401300001 implements MigrationInterface {
  name = 'ScoreHotspots1796401300001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `satisfaction_hotspot` (`month` varchar(6) NOT NULL, `dom` int NOT NULL, `communityId` int NOT NULL, `category` varchar(32) NOT NULL, `buildingId` int NOT NULL, `companyId` int NOT NULL, `created` int NOT NULL DEFAULT '0', `complaints` int NOT NULL DEFAULT '0', `repeats` int NOT NULL DEFAULT '0', PRIMARY KEY (`month`, `dom`, `communityId`, `category`, `buildingId`)) ENGINE=InnoDB",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `satisfaction_hotspot`');
  }
}
