import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ExportsService } from './exports.service.js';
import { BreakdownQuery, ExportOrdersQuery } from './scores.dto.js';
import { ApiFile } from '../../common/api-contract.js';
import { ReplicaReader } from '../../database/replica-reader.js';

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

  constructor(
    @Inject(ExportsService) private readonly exports: ExportsService,
    @Inject(ReplicaReader) private readonly reader: ReplicaReader,
  ) {}

  @Get('orders.csv')
  @ApiProduces(CSV)
  @ApiFile([CSV], 'Orders as CSV', { errors: [404] })
  async ordersCsv(@CurrentActor() actor: Actor, @Query() query: ExportOrdersQuery, @Res() res: Response) {
    await this.onReader(res, async (exports) => {
      const plan = await exports.planOrders(actor, query);
      await this.stream(res, CSV, `${plan.name}.csv`, () => exports.writeOrdersCsv(plan, res));
    });
  }

  @Get('orders.xlsx')
  @ApiProduces(XLSX)
  @ApiFile([XLSX], 'Orders as a spreadsheet', { errors: [404] })
  async ordersXlsx(@CurrentActor() actor: Actor, @Query() query: ExportOrdersQuery, @Res() res: Response) {
    await this.onReader(res, async (exports) => {
      const plan = await exports.planOrders(actor, query);
      await this.stream(res, XLSX, `${plan.name}.xlsx`, () => exports.writeOrdersXlsx(plan, res));
    });
  }

  @Get('scores.xlsx')
  @ApiProduces(XLSX)
  @ApiFile([XLSX], 'Scores as a spreadsheet', { errors: [404] })
  async scoresXlsx(@CurrentActor() actor: Actor, @Query() query: BreakdownQuery, @Res() res: Response) {
    await this.onReader(res, async (exports) => {
      const plan = await exports.planScores(actor, query);
      await this.stream(res, XLSX, `${plan.name}.xlsx`, () => exports.writeScoresXlsx(plan, res));
    });
  }

  /**
   * The export on one connection for its whole length: a fresh replica's, else the primary's
   * (ReplicaReader.hold). Where it was read goes in headers, as a file has no room for it.
   */
  private async onReader(res: Response, run: (exports: ExportsService) => Promise<void>): Promise<void> {
    const held = await this.reader.hold();
    this.reader.counted(held);
    try {
      res.setHeader('X-Linli-Read-From', held.freshness.readFrom);
      res.setHeader('X-Linli-Stale-Ms', String(held.freshness.staleMs));
      if (held.freshness.fallback) res.setHeader('X-Linli-Replica-Fallback', held.freshness.fallback);
      await run(this.exports.on(held.manager));
    } finally {
      await held.release();
    }
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
