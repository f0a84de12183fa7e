import type { MigrationInterface, QueryRunner } from 'typeorm';

// Inspection points, plans (rounds and maintenance), rounds, visits and checks (docs/inspections.md).
export class Inspections1796401400000 implements MigrationInterface {
  name = 'Inspections1796401400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"inspection_point\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"companyId\" integer NOT NULL, \"communityId\" integer NOT NULL, \"buildingId\" integer, \"publicAreaId\" integer NOT NULL, \"name\" varchar(60) NOT NULL, \"code\" varchar(32) NOT NULL, \"checklist\" text NOT NULL, \"active\" boolean NOT NULL DEFAULT (1), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_inspection_point_code\" ON \"inspection_point\" (\"code\") ");
    await queryRunner.query("CREATE INDEX \"IDX_inspection_point_community\" ON \"inspection_point\" (\"companyId\", \"communityId\") ");
    await queryRunner.query("CREATE TABLE \"inspection_plan\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"companyId\" integer NOT NULL, \"communityId\" integer NOT NULL, \"kind\" varchar(12) NOT NULL, \"name\" varchar(60) NOT NULL, \"frequency\" varchar(8) NOT NULL, \"dayOf\" integer, \"windowStart\" integer NOT NULL, \"windowEnd\" integer NOT NULL, \"teamId\" integer, \"pointIds\" text NOT NULL, \"publicAreaId\" integer, \"buildingId\" integer, \"category\" varchar(32), \"description\" varchar(200), \"active\" boolean NOT NULL DEFAULT (1), \"startsOn\" varchar(10) NOT NULL, \"createdById\" integer NOT NULL, \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE INDEX \"IDX_inspection_plan_community\" ON \"inspection_plan\" (\"companyId\", \"communityId\") ");
    await queryRunner.query("CREATE TABLE \"inspection_round\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"companyId\" integer NOT NULL, \"communityId\" integer NOT NULL, \"planId\" integer NOT NULL, \"teamId\" integer, \"periodKey\" varchar(10) NOT NULL, \"windowStart\" datetime NOT NULL, \"windowEnd\" datetime NOT NULL, \"status\" varchar(12) NOT NULL, \"late\" boolean NOT NULL DEFAULT (0), \"technicianId\" integer, \"startedAt\" datetime, \"completedAt\" datetime, \"escalatedAt\" datetime, \"version\" integer NOT NULL DEFAULT (0), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE INDEX \"IDX_inspection_round_company\" ON \"inspection_round\" (\"companyId\", \"windowStart\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_inspection_round_period\" ON \"inspection_round\" (\"planId\", \"periodKey\") ");
    await queryRunner.query("CREATE TABLE \"inspection_visit\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"roundId\" integer NOT NULL, \"pointId\" integer NOT NULL, \"seq\" integer NOT NULL, \"scannedAt\" datetime, \"scanReceivedAt\" datetime, \"scannedById\" integer)");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_inspection_visit_point\" ON \"inspection_visit\" (\"roundId\", \"pointId\") ");
    await queryRunner.query("CREATE TABLE \"inspection_check\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"companyId\" integer NOT NULL, \"roundId\" integer NOT NULL, \"pointId\" integer NOT NULL, \"itemKey\" varchar(32) NOT NULL, \"result\" varchar(8) NOT NULL, \"note\" varchar(200), \"uploadId\" integer, \"checkedAt\" datetime NOT NULL, \"receivedAt\" datetime NOT NULL, \"clientKey\" varchar(64) NOT NULL, \"checkedById\" integer NOT NULL, \"workOrderId\" integer)");
    await queryRunner.query("CREATE INDEX \"IDX_inspection_check_company\" ON \"inspection_check\" (\"companyId\", \"result\", \"checkedAt\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_inspection_check_key\" ON \"inspection_check\" (\"roundId\", \"clientKey\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_inspection_check_item\" ON \"inspection_check\" (\"roundId\", \"pointId\", \"itemKey\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_inspection_check_company\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_check_key\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_check_item\"");
    await queryRunner.query("DROP TABLE \"inspection_check\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_visit_point\"");
    await queryRunner.query("DROP TABLE \"inspection_visit\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_round_company\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_round_period\"");
    await queryRunner.query("DROP TABLE \"inspection_round\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_plan_community\"");
    await queryRunner.query("DROP TABLE \"inspection_plan\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_point_code\"");
    await queryRunner.query("DROP INDEX \"IDX_inspection_point_community\"");
    await queryRunner.query("DROP TABLE \"inspection_point\"");
  }
}
