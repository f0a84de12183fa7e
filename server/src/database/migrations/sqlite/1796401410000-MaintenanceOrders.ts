import type { MigrationInterface, QueryRunner } from 'typeorm';

// The planned (P4) order a maintenance plan's occurrence filed (docs/inspections.md).
export class MaintenanceOrders1796401410000 implements MigrationInterface {
  name = 'MaintenanceOrders1796401410000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"inspection_round\" ADD COLUMN \"workOrderId\" integer");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "inspection_round" DROP COLUMN "workOrderId"');
  }
}
