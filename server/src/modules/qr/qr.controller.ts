import { Controller, Get, Inject, Param, ParseIntPipe, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { ApiFile, ApiView } from '../../common/api-contract.js';
import { QrService } from './qr.service.js';

/** Where the H5 preview is served for this request's host: what the printed preview codes open. */
function h5BaseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/h5/`;
}

@ApiTags('qr')
@ApiBearerAuth()
@Controller('qr')
export class QrController {
  constructor(@Inject(QrService) private readonly qr: QrService) {}

  @Get('resolve')
  @Roles('resident')
  @RateLimit({ name: 'qr-resolve', limit: 60, windowSeconds: 60 })
  @ApiQuery({ name: 'scene', description: 'the scene of the scanned code, e.g. a=12' })
  @ApiView('QrPlaceView', 'The place a scanned code stands for (the report sheet is filled with it)', {
    errors: [403, 404],
  })
  resolve(@CurrentActor() actor: Actor, @Query('scene') scene: unknown) {
    if (typeof scene !== 'string' || scene.length === 0 || scene.length > 100) {
      throw new AppError('VALIDATION_FAILED', 'scene is required', [
        { field: 'scene', problems: ['a scene of at most 32 characters is required'] },
      ]);
    }
    return this.qr.resolve(actor, scene);
  }

  @Get('public-areas/:id.png')
  @Roles('desk', 'supervisor', 'admin')
  @ApiProduces('image/png')
  @ApiFile(['image/png'], "A public area's QR code (PNG)", { errors: [404] })
  async areaPng(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIntPipe) id: number,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const png = await this.qr.areaPng(actor, id, h5BaseOf(req));
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Content-Disposition', `inline; filename="qr-area-${id}.png"`);
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.end(png);
  }

  @Get('communities/:id/sheet')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('QrSheetView', "A community's public-area codes for the printable sheet")
  sheet(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Req() req: Request) {
    return this.qr.sheet(actor, id, h5BaseOf(req));
  }
}
