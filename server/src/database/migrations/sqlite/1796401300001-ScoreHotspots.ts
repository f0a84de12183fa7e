import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rebuildCubeMonth, rebuildSketchMonth } from '../../../modules/satisfaction/rollup-cube.js';

// The hotspot cube (docs/scores.md, "Layers"), then the three layers above satisfaction_daily
// filled from what exists (the cubes from the day rows, the sketches from the orders), month by
// month, so dashboards read complete layers from the first request after the upgrade.
export class ScoreHotspots1796401300001 implements MigrationInterface {
  name = 'ScoreHotspots1796401300001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "satisfaction_hotspot" ("month" varchar(6) NOT NULL, "dom" integer NOT NULL, "communityId" integer NOT NULL, "category" varchar(32) NOT NULL, "buildingId" integer NOT NULL, "companyId" integer NOT NULL, "created" integer NOT NULL DEFAULT (0), "complaints" integer NOT NULL DEFAULT (0), "repeats" integer NOT NULL DEFAULT (0), PRIMARY KEY ("month", "dom", "communityId", "category", "buildingId"))',
    );
    const months: Array<{ companyId: unknown; month: unknown }> = await queryRunner.query(
      'SELECT DISTINCT companyId, SUBSTR("day", 1, 6) AS month FROM satisfaction_daily ORDER BY companyId, month',
    );
    for (const { companyId, month } of months) {
      await rebuildCubeMonth(queryRunner.manager, Number(companyId), String(month));
      await rebuildSketchMonth(queryRunner.manager, Number(companyId), String(month));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "satisfaction_hotspot"');
  }
}
