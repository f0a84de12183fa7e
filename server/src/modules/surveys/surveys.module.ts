import { PlacesModule } from '../places/places.module.js';
import { Module } from '@nestjs/common';
import { ResidentsModule } from '../residents/residents.module.js';
import { SurveysController } from './surveys.controller.js';
import { SurveysService } from './surveys.service.js';

@Module({ imports: [ResidentsModule, PlacesModule], controllers: [SurveysController], providers: [SurveysService] })
export class SurveysModule {}
