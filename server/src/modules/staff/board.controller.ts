import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { BoardService } from './board.service.js';
import { BoardQuery } from './staff.dto.js';
import { ApiView } from '../../common/api-contract.js';

/**
 * The supervisor's team board. Registered before StaffController so that `/staff/board` is
 * not taken for `/staff/:id`.
 */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class BoardController {
  constructor(@Inject(BoardService) private readonly board: BoardService) {}

  @Get('board')
  @Roles('supervisor', 'admin')
  @ApiView('BoardView', 'The team board: load, status and risk per technician')
  get(@CurrentActor() actor: Actor, @Query() query: BoardQuery) {
    return this.board.board(actor, query.communityId);
  }
}
