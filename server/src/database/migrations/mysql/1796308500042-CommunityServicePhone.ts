import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written (one nullable column): the community's 物业服务电话, read by residents on their
// orders and house bindings (docs/product-rules.md "Resident screens").
export class CommunityServicePhone1796308500042 implements MigrationInterface {
  name = 'CommunityServicePhone1796308500042';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `community` ADD `servicePhone` varchar(20) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `community` DROP COLUMN `servicePhone`');
  }
}
