import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { CreateRatingDto } from './ratings.dto.js';
import { RatingsService } from './ratings.service.js';
import { ApiView } from '../../common/api-contract.js';

/** A rating is a deliberate act: only a JSON body counts (no form post from a link or preview). */
class JsonBodyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const type = ctx.switchToHttp().getRequest<Request>().headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the rating as application/json');
    }
    return true;
  }
}

@ApiTags('ratings')
@ApiBearerAuth()
@Controller('work-orders')
export class RatingsController {
  constructor(@Inject(RatingsService) private readonly ratings: RatingsService) {}

  /** The reporting resident rates a completed order (once); staff never rate. */
  @Post(':id/rating')
  @Roles('resident')
  @UseGuards(JsonBodyGuard)
  @RateLimit({ name: 'rate-order', limit: 60, windowSeconds: 60 })
  @ApiView('RatingResult', 'Rate a completed order (the reporting resident, once)', { errors: [409, 415] })
  rate(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: CreateRatingDto) {
    return this.ratings.rate(actor, id, dto);
  }

  @Get(':id/rating')
  @ApiView('RatingView', "The order's rating (404 while unrated)")
  get(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.ratings.get(actor, id);
  }
}
