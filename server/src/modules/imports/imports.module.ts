import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller.js';
import { ImportsService } from './imports.service.js';
import { MasterDataService } from './master-data.service.js';

/** Master data for the console: the Excel/CSV import and the paginated browse of communities and houses. */
@Module({
  controllers: [ImportsController],
  providers: [ImportsService, MasterDataService],
})
export class ImportsModule {}
