import type { MigrationInterface, QueryRunner } from 'typeorm';

// The scores' cube and duration sketches (docs/scores.md, "Layers"); ScoreHotspots1796401300001
// adds the hotspot cube and fills all three from what exists.
export class ScoreCube1796401300000 implements MigrationInterface {
  name = 'ScoreCube1796401300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `satisfaction_cube` (`month` varchar(6) NOT NULL, `dom` int NOT NULL, `communityId` int NOT NULL, `category` varchar(32) NOT NULL, `technicianId` int NOT NULL, `companyId` int NOT NULL, `created` int NOT NULL DEFAULT '0', `repeats` int NOT NULL DEFAULT '0', `complaints` int NOT NULL DEFAULT '0', `completed` int NOT NULL DEFAULT '0', `firstTimeFixed` int NOT NULL DEFAULT '0', `reopened` int NOT NULL DEFAULT '0', `closedUnrated` int NOT NULL DEFAULT '0', `rated` int NOT NULL DEFAULT '0', `satisfied` int NOT NULL DEFAULT '0', `sumStars` int NOT NULL DEFAULT '0', `sumStarsSq` int NOT NULL DEFAULT '0', `fixedYes` int NOT NULL DEFAULT '0', `fixedNo` int NOT NULL DEFAULT '0', `followUpsDue` int NOT NULL DEFAULT '0', `followUpsDone` int NOT NULL DEFAULT '0', `slaAcceptMet` int NOT NULL DEFAULT '0', `slaAcceptTotal` int NOT NULL DEFAULT '0', `slaArriveMet` int NOT NULL DEFAULT '0', `slaArriveTotal` int NOT NULL DEFAULT '0', `slaResolveMet` int NOT NULL DEFAULT '0', `slaResolveTotal` int NOT NULL DEFAULT '0', `d_speed_n` int NOT NULL DEFAULT '0', `d_speed_sum` int NOT NULL DEFAULT '0', `d_workmanship_n` int NOT NULL DEFAULT '0', `d_workmanship_sum` int NOT NULL DEFAULT '0', `d_attitude_n` int NOT NULL DEFAULT '0', `d_attitude_sum` int NOT NULL DEFAULT '0', `d_communication_n` int NOT NULL DEFAULT '0', `d_communication_sum` int NOT NULL DEFAULT '0', PRIMARY KEY (`month`, `dom`, `communityId`, `category`, `technicianId`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `satisfaction_sketch` (`grain` varchar(1) NOT NULL, `period` varchar(8) NOT NULL, `communityId` int NOT NULL, `technicianId` int NOT NULL, `companyId` int NOT NULL, `n` int NOT NULL, `sketch` blob NOT NULL, PRIMARY KEY (`grain`, `period`, `communityId`, `technicianId`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `satisfaction_sketch`');
    await queryRunner.query('DROP TABLE `satisfaction_cube`');
  }
}
