import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written: a technician's last completed job (staff/technician-positions.ts) reads the
// company's completions of the last day on this index instead of its whole history.
export class CompletedByCompany1796400900000 implements MigrationInterface {
  name = 'CompletedByCompany1796400900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX `IDX_work_order_company_completed` ON `work_order` (`companyId`, `completedAt`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_work_order_company_completed` ON `work_order`');
  }
}
