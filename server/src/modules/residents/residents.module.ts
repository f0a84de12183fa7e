import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { BindingsRepository } from './bindings.repository.js';
import { ResidentsController } from './residents.controller.js';
import { ResidentsService } from './residents.service.js';

@Module({
  imports: [PlacesModule],
  controllers: [ResidentsController],
  providers: [BindingsRepository, ResidentsService],
  exports: [BindingsRepository],
})
export class ResidentsModule {}
