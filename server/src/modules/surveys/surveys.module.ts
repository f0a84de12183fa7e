import { PlacesModule } from '../places/places.module.js';
import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { UsersModule } from '../users/users.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { SurveyAnnouncer } from './survey-announcer.js';
import { SurveySchedulesController } from './survey-schedules.controller.js';
import { SurveySchedulesService } from './survey-schedules.service.js';
import { SurveysController } from './surveys.controller.js';
import { SurveysService } from './surveys.service.js';

@Module({
  imports: [ResidentsModule, PlacesModule, JobsModule, NotificationsModule, UsersModule],
  // The schedules' controller first: its GET /surveys/periods must not meet GET /surveys/:id routes.
  controllers: [SurveySchedulesController, SurveysController],
  providers: [SurveysService, SurveySchedulesService, SurveyAnnouncer],
})
export class SurveysModule {}
