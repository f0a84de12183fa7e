import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (nullable columns): the position of a building (routing distance and arrival
// estimates) and when a technician's phone last reported their position.
export class BuildingCoordinates1796400100000 implements MigrationInterface {
  name = 'BuildingCoordinates1796400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `building` ADD `latitude` double NULL');
    await queryRunner.query('ALTER TABLE `building` ADD `longitude` double NULL');
    await queryRunner.query('ALTER TABLE `technician_profile` ADD `positionAt` datetime NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `technician_profile` DROP COLUMN `positionAt`');
    await queryRunner.query('ALTER TABLE `building` DROP COLUMN `longitude`');
    await queryRunner.query('ALTER TABLE `building` DROP COLUMN `latitude`');
  }
}
