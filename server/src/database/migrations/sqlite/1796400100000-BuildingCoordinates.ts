import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (nullable columns; SQLite adds them in place): the position of a building (routing
// distance and arrival estimates) and when a technician's phone last reported their position.
export class BuildingCoordinates1796400100000 implements MigrationInterface {
  name = 'BuildingCoordinates1796400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "building" ADD COLUMN "latitude" double');
    await queryRunner.query('ALTER TABLE "building" ADD COLUMN "longitude" double');
    await queryRunner.query('ALTER TABLE "technician_profile" ADD COLUMN "positionAt" datetime');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "technician_profile" DROP COLUMN "positionAt"');
    await queryRunner.query('ALTER TABLE "building" DROP COLUMN "longitude"');
    await queryRunner.query('ALTER TABLE "building" DROP COLUMN "latitude"');
  }
}
