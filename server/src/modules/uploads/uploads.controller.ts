import {
  Controller,
  Get,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Public } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { AppError } from '../../common/app-error.js';
import { UploadsService } from './uploads.service.js';
import { ApiFile, ApiView } from '../../common/api-contract.js';

@ApiTags('uploads')
@Controller('uploads')
export class UploadsController {
  constructor(@Inject(UploadsService) private readonly uploads: UploadsService) {}

  @ApiBearerAuth()
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @RateLimit({ name: 'upload', limit: 60, windowSeconds: 60 })
  @UseInterceptors(FileInterceptor('file'))
  @ApiView('UploadView', 'Upload a photo (JPEG, PNG or WebP)', { errors: [415] })
  upload(@CurrentActor() actor: Actor, @UploadedFile() file: { buffer: Buffer } | undefined) {
    return this.uploads.store(actor, file?.buffer);
  }

  @ApiBearerAuth()
  @Get(':id')
  @ApiView('UploadView', "One of the caller's uploads, with a fresh URL")
  describe(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.uploads.describe(actor, id);
  }

  @Public()
  @Get(':id/content')
  @ApiFile(['image/jpeg', 'image/png', 'image/webp'], 'The image behind a signed, expiring URL')
  async content(@Param('id', ParseIntPipe) id: number, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const num = (v: unknown) => (typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : null);
    const [viewerId, orderId, exp] = [num(q.v), num(q.o), num(q.exp)];
    if (viewerId === null || orderId === null || exp === null || typeof q.sig !== 'string') {
      throw new AppError('NOT_FOUND', 'upload not found');
    }
    const file = await this.uploads.open({ id, viewerId, orderId, exp, sig: q.sig });
    res.setHeader('Content-Type', file.mime);
    res.setHeader('Content-Length', String(file.size));
    // Never cached past the URL's own expiry.
    res.setHeader('Cache-Control', `private, max-age=${Math.min(file.maxAgeSeconds, 3600)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    file.stream.pipe(res);
  }
}
