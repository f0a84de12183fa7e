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
      "CREATE TABLE `satisfaction_community` (`month` varchar(6) NOT NULL, `dom` int NOT NULL, `communityId` int NOT NULL, `companyId` int NOT NULL, `created` int NOT NULL DEFAULT '0', `repeats` int NOT NULL DEFAULT '0', `complaints` int NOT NULL DEFAULT '0', `completed` int NOT NULL DEFAULT '0', `firstTimeFixed` int NOT NULL DEFAULT '0', `reopened` int NOT NULL DEFAULT '0', `closedUnrated` int NOT NULL DEFAULT '0', `rated` int NOT NULL DEFAULT '0', `satisfied` int NOT NULL DEFAULT '0', `sumStars` int NOT NULL DEFAULT '0', `sumStarsSq` int NOT NULL DEFAULT '0', `fixedYes` int NOT NULL DEFAULT '0', `fixedNo` int NOT NULL DEFAULT '0', `followUpsDue` int NOT NULL DEFAULT '0', `followUpsDone` int NOT NULL DEFAULT '0', `slaAcceptMet` int NOT NULL DEFAULT '0', `slaAcceptTotal` int NOT NULL DEFAULT '0', `slaArriveMet` int NOT NULL DEFAULT '0', `slaArriveTotal` int NOT NULL DEFAULT '0', `slaResolveMet` int NOT NULL DEFAULT '0', `slaResolveTotal` int NOT NULL DEFAULT '0', `d_speed_n` int NOT NULL DEFAULT '0', `d_speed_sum` int NOT NULL DEFAULT '0', `d_workmanship_n` int NOT NULL DEFAULT '0', `d_workmanship_sum` int NOT NULL DEFAULT '0', `d_attitude_n` int NOT NULL DEFAULT '0', `d_attitude_sum` int NOT NULL DEFAULT '0', `d_communication_n` int NOT NULL DEFAULT '0', `d_communication_sum` int NOT NULL DEFAULT '0', PRIMARY KEY (`month`, `dom`, `communityId`)) ENGINE=InnoDB",
    );
    const months: Array<{ companyId: unknown; month: unknown }> = await queryRunner.query(
      'SELECT DISTINCT companyId, SUBSTR(`day`, 1, 6) AS month FROM satisfaction_daily ORDER BY companyId, month',
    );
    for (const { companyId, month } of months) {
      await rebuildCubeMonth(queryRunner.manager, Number(companyId), String(month));
      await rebuildSketchMonth(queryRunner.manager, Number(companyId), String(month));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `satisfaction_community`');
  }
}
