import type { MigrationInterface, QueryRunner } from 'typeorm';

// The scores' cube and duration sketches (docs/scores.md, "Layers"); ScoreHotspots1796401300001
// adds the hotspot cube and fills all three from what exists.
export class ScoreCube1796401300000 implements MigrationInterface {
  name = 'ScoreCube1796401300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "satisfaction_cube" ("month" varchar(6) NOT NULL, "dom" integer NOT NULL, "communityId" integer NOT NULL, "category" varchar(32) NOT NULL, "technicianId" integer NOT NULL, "companyId" integer NOT NULL, "created" integer NOT NULL DEFAULT (0), "repeats" integer NOT NULL DEFAULT (0), "complaints" integer NOT NULL DEFAULT (0), "completed" integer NOT NULL DEFAULT (0), "firstTimeFixed" integer NOT NULL DEFAULT (0), "reopened" integer NOT NULL DEFAULT (0), "closedUnrated" integer NOT NULL DEFAULT (0), "rated" integer NOT NULL DEFAULT (0), "satisfied" integer NOT NULL DEFAULT (0), "sumStars" integer NOT NULL DEFAULT (0), "sumStarsSq" integer NOT NULL DEFAULT (0), "fixedYes" integer NOT NULL DEFAULT (0), "fixedNo" integer NOT NULL DEFAULT (0), "followUpsDue" integer NOT NULL DEFAULT (0), "followUpsDone" integer NOT NULL DEFAULT (0), "slaAcceptMet" integer NOT NULL DEFAULT (0), "slaAcceptTotal" integer NOT NULL DEFAULT (0), "slaArriveMet" integer NOT NULL DEFAULT (0), "slaArriveTotal" integer NOT NULL DEFAULT (0), "slaResolveMet" integer NOT NULL DEFAULT (0), "slaResolveTotal" integer NOT NULL DEFAULT (0), "d_speed_n" integer NOT NULL DEFAULT (0), "d_speed_sum" integer NOT NULL DEFAULT (0), "d_workmanship_n" integer NOT NULL DEFAULT (0), "d_workmanship_sum" integer NOT NULL DEFAULT (0), "d_attitude_n" integer NOT NULL DEFAULT (0), "d_attitude_sum" integer NOT NULL DEFAULT (0), "d_communication_n" integer NOT NULL DEFAULT (0), "d_communication_sum" integer NOT NULL DEFAULT (0), PRIMARY KEY ("month", "dom", "communityId", "category", "technicianId"))',
    );
    await queryRunner.query(
      'CREATE TABLE "satisfaction_sketch" ("grain" varchar(1) NOT NULL, "period" varchar(8) NOT NULL, "communityId" integer NOT NULL, "technicianId" integer NOT NULL, "companyId" integer NOT NULL, "n" integer NOT NULL, "sketch" blob NOT NULL, PRIMARY KEY ("grain", "period", "communityId", "technicianId"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "satisfaction_sketch"');
    await queryRunner.query('DROP TABLE "satisfaction_cube"');
  }
}
