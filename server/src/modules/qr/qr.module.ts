import { Module } from '@nestjs/common';
import { InspectionsModule } from '../inspections/inspections.module.js';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { QrController } from './qr.controller.js';
import { QrService } from './qr.service.js';

/** QR codes on public areas and inspection points: resolve a scan, draw the PNGs (docs/notices.md "QR reporting"). */
@Module({
  imports: [PlacesModule, ResidentsModule, InspectionsModule],
  controllers: [QrController],
  providers: [QrService],
})
export class QrModule {}
