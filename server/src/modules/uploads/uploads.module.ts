import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { DiskFileStorage, FILE_STORAGE } from './file-storage.js';
import { UploadsController } from './uploads.controller.js';
import { UploadsRepository } from './uploads.repository.js';
import { UPLOAD_SIGNING_KEY, UploadsService } from './uploads.service.js';

@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: config.uploads.maxBytes, files: 1, fields: 5, parts: 6 },
      }),
    }),
  ],
  controllers: [UploadsController],
  providers: [
    UploadsRepository,
    UploadsService,
    {
      provide: FILE_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new DiskFileStorage(path.join(config.dataDir, 'uploads')),
    },
    {
      provide: UPLOAD_SIGNING_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createHmac('sha256', config.jwt.secret).update('linli-uploads').digest('hex'),
    },
  ],
  exports: [UploadsRepository, UploadsService],
})
export class UploadsModule {}
