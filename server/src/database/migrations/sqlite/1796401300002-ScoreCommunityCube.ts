import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rebuildCubeMonth, rebuildSketchMonth } from '../../../modules/satisfaction/rollup-cube.js';

// The community cube (docs/scores.md, "Layers"), then every layer above satisfaction_daily filled
// from what exists (the cubes from the day rows, the sketches from the orders), month by month,
// so dashboards read complete layers from the first request after the upgrade. Keep this the
// last migration that the layers' code depends on: it writes every layer table.
export class ScoreCommunityCube1796401300002 implements MigrationInterface {
  name = 'ScoreCommunityCube1796401300002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "satisfaction_community" ("month" varchar(6) NOT NULL, "dom" integer NOT NULL, "communityId" integer NOT NULL, "companyId" integer NOT NULL, "created" integer NOT NULL DEFAULT (0), "repeats" integer NOT NULL DEFAULT (0), "complaints" integer NOT NULL DEFAULT (0), "completed" integer NOT NULL DEFAULT (0), "firstTimeFixed" integer NOT NULL DEFAULT (0), "reopened" integer NOT NULL DEFAULT (0), "closedUnrated" integer NOT NULL DEFAULT (0), "rated" integer NOT NULL DEFAULT (0), "satisfied" integer NOT NULL DEFAULT (0), "sumStars" integer NOT NULL DEFAULT (0), "sumStarsSq" integer NOT NULL DEFAULT (0), "fixedYes" integer NOT NULL DEFAULT (0), "fixedNo" integer NOT NULL DEFAULT (0), "followUpsDue" integer NOT NULL DEFAULT (0), "followUpsDone" integer NOT NULL DEFAULT (0), "slaAcceptMet" integer NOT NULL DEFAULT (0), "slaAcceptTotal" integer NOT NULL DEFAULT (0), "slaArriveMet" integer NOT NULL DEFAULT (0), "slaArriveTotal" integer NOT NULL DEFAULT (0), "slaResolveMet" integer NOT NULL DEFAULT (0), "slaResolveTotal" integer NOT NULL DEFAULT (0), "d_speed_n" integer NOT NULL DEFAULT (0), "d_speed_sum" integer NOT NULL DEFAULT (0), "d_workmanship_n" integer NOT NULL DEFAULT (0), "d_workmanship_sum" integer NOT NULL DEFAULT (0), "d_attitude_n" integer NOT NULL DEFAULT (0), "d_attitude_sum" integer NOT NULL DEFAULT (0), "d_communication_n" integer NOT NULL DEFAULT (0), "d_communication_sum" integer NOT NULL DEFAULT (0), PRIMARY KEY ("month", "dom", "communityId"))',
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
    await queryRunner.query('DROP TABLE "satisfaction_community"');
  }
}
