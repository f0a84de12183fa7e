import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ApiView } from '../../common/api-contract.js';
import { RateLimit } from '../../common/rate-limit.js';
import {
  CreatePlanDto,
  CreatePointDto,
  ListPlansQuery,
  ListPointsQuery,
  ListRoundsQuery,
  MaintenanceOrderDto,
  ReportQuery,
  RoundActionsDto,
  UpdatePlanDto,
  UpdatePointDto,
} from './inspections.dto.js';
import { InspectionsService } from './inspections.service.js';
import { pointQr } from './point-qr.js';
import { RoundsService } from './rounds.service.js';

/** Where the H5 preview is served for this request's host: what a printed preview code opens. */
function h5BaseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/h5/`;
}

@ApiTags('inspections')
@ApiBearerAuth()
@Controller()
export class InspectionsController {
  constructor(
    @Inject(InspectionsService) private readonly inspections: InspectionsService,
    @Inject(RoundsService) private readonly rounds: RoundsService,
  ) {}

  @Get('inspection-points')
  @Roles('admin', 'supervisor')
  @ApiView(['InspectionPointView'], 'Inspection points with their checklists')
  listPoints(@CurrentActor() actor: Actor, @Query() query: ListPointsQuery) {
    return this.inspections.listPoints(actor, query);
  }

  @Post('inspection-points')
  @Roles('admin')
  @ApiView('InspectionPointView', 'Create an inspection point (a random QR code is drawn)')
  createPoint(@CurrentActor() actor: Actor, @Body() dto: CreatePointDto) {
    return this.inspections.createPoint(actor, dto);
  }

  @Patch('inspection-points/:id')
  @Roles('admin')
  @ApiView('InspectionPointView', 'Rename a point, replace its checklist, or (de)activate it')
  updatePoint(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdatePointDto) {
    return this.inspections.updatePoint(actor, id, dto);
  }

  @Get('inspection-points/:id/qr')
  @Roles('admin', 'supervisor')
  @ApiView('PointQrView', "A point's QR code (PNG data URL) for the console and the print sheet")
  async pointQr(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Req() req: Request) {
    return pointQr(await this.inspections.findPoint(actor, id), h5BaseOf(req));
  }

  @Get('inspection-plans')
  @Roles('admin', 'supervisor')
  @ApiView(['InspectionPlanView'], 'Inspection and maintenance plans')
  listPlans(@CurrentActor() actor: Actor, @Query() query: ListPlansQuery) {
    return this.inspections.listPlans(actor, query);
  }

  @Post('inspection-plans')
  @Roles('admin')
  @ApiView('InspectionPlanView', 'Create a plan: rounds for a team, or recurring planned maintenance orders')
  createPlan(@CurrentActor() actor: Actor, @Body() dto: CreatePlanDto) {
    return this.inspections.createPlan(actor, dto);
  }

  @Patch('inspection-plans/:id')
  @Roles('admin')
  @ApiView('InspectionPlanView', 'Pause or resume a plan')
  updatePlan(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdatePlanDto) {
    return this.inspections.updatePlan(actor, id, dto);
  }

  @Post('maintenance-orders')
  @Roles('admin', 'supervisor')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key, same order' })
  @ApiView('CreatedWorkOrderView', 'File one planned (P4) maintenance order on a public area', { also: [200] })
  async maintenanceOrder(
    @CurrentActor() actor: Actor,
    @Body() dto: MaintenanceOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { order, replayed, duplicate } = await this.inspections.maintenanceOrder(actor, dto, key);
    res.status(replayed || duplicate ? 200 : 201);
    return order;
  }

  @Get('inspection-rounds')
  @Roles('technician', 'supervisor', 'admin')
  @ApiView(['InspectionRoundView'], "Rounds: a technician's teams' open rounds, or the company's for the console")
  listRounds(@CurrentActor() actor: Actor, @Query() query: ListRoundsQuery) {
    return this.rounds.list(actor, query);
  }

  @Get('inspection-rounds/:id')
  @Roles('technician', 'supervisor', 'admin')
  @ApiView('InspectionRoundDetailView', "A round's points, checklists and results")
  round(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.rounds.detail(actor, id);
  }

  @Post('inspection-rounds/:id/actions')
  @HttpCode(200)
  @Roles('technician')
  @RateLimit({ name: 'round-actions', limit: 120, windowSeconds: 60 })
  @ApiView('RoundActionsResponse', 'Scans and ticks done on site, online or replayed from an offline phone')
  act(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: RoundActionsDto) {
    return this.rounds.act(actor, id, dto);
  }

  @Get('inspection-reports')
  @Roles('admin', 'supervisor')
  @ApiView('InspectionReportView', 'Completion per team and per point, abnormal items')
  report(@CurrentActor() actor: Actor, @Query() query: ReportQuery) {
    return this.inspections.report(actor, query);
  }
}
