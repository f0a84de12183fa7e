import { Module } from '@nestjs/common';
import { MasterDataService } from './master-data.service.js';
import { PlacesImportRepository } from './places-import.repository.js';
import { PlacesController } from './places.controller.js';
import { PlacesRepository } from './places.repository.js';

/** Places and their master data: the lookups, the console's browse, the import's writes. */
@Module({
  controllers: [PlacesController],
  providers: [PlacesRepository, PlacesImportRepository, MasterDataService],
  exports: [PlacesRepository, PlacesImportRepository, MasterDataService],
})
export class PlacesModule {}
