import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { CategoriesController } from './categories.controller.js';
import { CategoriesRepository } from './categories.repository.js';

@Module({
  imports: [PlacesModule, ResidentsModule],
  controllers: [CategoriesController],
  providers: [CategoriesRepository],
  exports: [CategoriesRepository],
})
export class CategoriesModule {}
