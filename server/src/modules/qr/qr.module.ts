import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { QrController } from './qr.controller.js';
import { QrService } from './qr.service.js';

/** QR codes on public areas: resolve a scan, draw the PNGs (docs/notices.md "QR reporting"). */
@Module({ imports: [PlacesModule, ResidentsModule], controllers: [QrController], providers: [QrService] })
export class QrModule {}
