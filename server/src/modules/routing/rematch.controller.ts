import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RematchApplyView, RematchPreviewView } from '@linli/shared';
import { ApiView } from '../../common/api-contract.js';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ApplyRematchDto, RematchQuery } from './rematch.dto.js';
import { RematchService } from './rematch.service.js';

/** The supervisor's re-match on demand (docs/routing.md "Re-match on demand"). */
@ApiTags('routing')
@ApiBearerAuth()
@Controller('routing/rematch')
export class RematchController {
  constructor(@Inject(RematchService) private readonly rematch: RematchService) {}

  /** What the min-cost re-match would do with the waiting backlog now; writes nothing. */
  @Get()
  @Roles('supervisor', 'admin')
  @ApiView('RematchPreviewView', 'Preview the re-match of the waiting backlog (nothing is written)')
  preview(@CurrentActor() actor: Actor, @Query() query: RematchQuery): Promise<RematchPreviewView> {
    return this.rematch.preview(actor, query.communityId);
  }

  /** Apply all or some moves of a preview; a move whose order changed since is skipped as stale. */
  @Post()
  @HttpCode(200)
  @Roles('supervisor', 'admin')
  @ApiView('RematchApplyView', 'Apply the chosen re-match moves, each audited')
  apply(@CurrentActor() actor: Actor, @Body() dto: ApplyRematchDto): Promise<RematchApplyView> {
    return this.rematch.apply(actor, dto.moves);
  }
}
