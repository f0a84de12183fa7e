import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PlacesModule } from '../places/places.module.js';
import { BindingsRepository } from './bindings.repository.js';
import { PhoneProofService } from './phone-proof.service.js';
import { ResidentsController } from './residents.controller.js';
import { ResidentsService } from './residents.service.js';

@Module({
  imports: [PlacesModule, AuthModule],
  controllers: [ResidentsController],
  providers: [BindingsRepository, ResidentsService, PhoneProofService],
  exports: [BindingsRepository],
})
export class ResidentsModule {}
