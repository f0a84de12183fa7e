import type { MigrationInterface, QueryRunner } from 'typeorm';

// The hotspot cube (docs/scores.md, "Layers"); ScoreCommunityCube1796401300002 fills the layers.
export class ScoreHotspots1796401300001 implements MigrationInterface {
  name = 'ScoreHotspots1796401300001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "satisfaction_hotspot" ("month" varchar(6) NOT NULL, "dom" integer NOT NULL, "communityId" integer NOT NULL, "category" varchar(32) NOT NULL, "buildingId" integer NOT NULL, "companyId" integer NOT NULL, "created" integer NOT NULL DEFAULT (0), "complaints" integer NOT NULL DEFAULT (0), "repeats" integer NOT NULL DEFAULT (0), PRIMARY KEY ("month", "dom", "communityId", "category", "buildingId"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "satisfaction_hotspot"');
  }
}
