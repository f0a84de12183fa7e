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
  upload(@CurrentActor() actor: Actor, @UploadedFile() file: { buffer: Buffer } | undefined) {
    return this.uploads.store(actor, file?.buffer);
  }

  @ApiBearerAuth()
  @Get(':id')
  describe(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.uploads.describe(actor, id);
  }

  @Public()
  @Get(':id/content')
  async content(
    @Param('id', ParseIntPipe) id: number,
    @Query('exp') exp: string,
    @Query('sig') sig: string,
    @Res() res: Response,
  ) {
    if (!/^\d{1,12}$/.test(exp ?? '') || typeof sig !== 'string') throw new AppError('NOT_FOUND', 'upload not found');
    const file = await this.uploads.open(id, Number(exp), sig);
    res.setHeader('Content-Type', file.mime);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    file.stream.pipe(res);
  }
}
