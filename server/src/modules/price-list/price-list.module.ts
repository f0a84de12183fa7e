import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { PriceListController } from './price-list.controller.js';
import { PriceListService } from './price-list.service.js';

@Module({
  imports: [PlacesModule, ResidentsModule, CategoriesModule],
  controllers: [PriceListController],
  providers: [PriceListService],
  exports: [PriceListService],
})
export class PriceListModule {}
