import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ExportsService } from './exports.service.js';
import { BreakdownQuery, ExportOrdersQuery } from './scores.dto.js';
import { ApiFile } from '../../common/api-contract.js';

const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Orders and scores as files. Access and size are checked before the first byte, so those
 * failures are ordinary error answers; the body is then streamed page by page.
 */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('exports')
@Roles('supervisor', 'admin')
export class ExportsController {
  private readonly logger = new Logger(ExportsController.name);

  constructor(@Inject(ExportsService) private readonly exports: ExportsService) {}

  @Get('orders.csv')
  @ApiProduces(CSV)
  @ApiFile([CSV], 'Orders as CSV', { errors: [404] })
  async ordersCsv(@CurrentActor() actor: Actor, @Query() query: ExportOrdersQuery, @Res() res: Response) {
    const plan = await this.exports.planOrders(actor, query);
    await this.stream(res, CSV, `${plan.name}.csv`, () => this.exports.writeOrdersCsv(plan, res));
  }

  @Get('orders.xlsx')
  @ApiProduces(XLSX)
  @ApiFile([XLSX], 'Orders as a spreadsheet', { errors: [404] })
  async ordersXlsx(@CurrentActor() actor: Actor, @Query() query: ExportOrdersQuery, @Res() res: Response) {
    const plan = await this.exports.planOrders(actor, query);
    await this.stream(res, XLSX, `${plan.name}.xlsx`, () => this.exports.writeOrdersXlsx(plan, res));
  }

  @Get('scores.xlsx')
  @ApiProduces(XLSX)
  @ApiFile([XLSX], 'Scores as a spreadsheet', { errors: [404] })
  async scoresXlsx(@CurrentActor() actor: Actor, @Query() query: BreakdownQuery, @Res() res: Response) {
    const plan = await this.exports.planScores(actor, query);
    await this.stream(res, XLSX, `${plan.name}.xlsx`, () => this.exports.writeScoresXlsx(plan, res));
  }

  /** Headers, then the body; a failure once bytes are out can only cut the download short. */
  private async stream(res: Response, type: string, filename: string, body: () => Promise<void>) {
    res.status(200);
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await body();
      res.end();
    } catch (e) {
      if (!res.headersSent) throw e;
      this.logger.error(`export ${filename} failed mid-stream: ${e instanceof Error ? e.message : String(e)}`);
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
