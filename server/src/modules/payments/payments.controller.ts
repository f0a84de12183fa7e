import { Body, Controller, Get, Inject, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiFile, ApiNoContent, ApiView } from '../../common/api-contract.js';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Public, Roles } from '../../common/auth/decorators.js';
import { OfflinePaymentDto, PaymentListQuery, ReconciliationQuery, RefundDto, TotalsQuery } from './payments.dto.js';
import { communityScope, PaymentsReportsService } from './payments-reports.service.js';
import { PaymentsService } from './payments.service.js';

@ApiTags('payments')
@ApiBearerAuth()
@Controller()
export class PaymentsController {
  constructor(
    @Inject(PaymentsService) private readonly payments: PaymentsService,
    @Inject(PaymentsReportsService) private readonly reports: PaymentsReportsService,
  ) {}

  /** The resident starts paying the order's unpaid bill: the signed wx.requestPayment parameters. */
  @Post('work-orders/:id/payments/wechat')
  @Roles('resident')
  @ApiView('WechatPayStart', 'Start paying the unpaid bill with WeChat Pay (the signed requestPayment parameters)', {
    errors: [409],
  })
  startWechat(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.payments.startWechat(actor, id);
  }

  /** Cash or transfer received at the desk. */
  @Post('work-orders/:id/payments/offline')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('PaymentView', 'Record cash or a transfer received for the bill', { errors: [409] })
  offline(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: OfflinePaymentDto) {
    return this.payments.recordOffline(actor, id, dto);
  }

  @Get('work-orders/:id/receipt')
  @ApiView('ReceiptView', 'The electronic receipt of an order')
  receipt(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.payments.receipt(actor, id);
  }

  /** WeChat Pay's notifications (payments and refunds): verified on the raw body. */
  @Public()
  @Post('payments/wechat/notify')
  @ApiNoContent('WeChat Pay notification (payments and refunds), verified and decrypted', { errors: [400, 401] })
  async notify(@Req() req: RawBodyRequest<Request>, @Res() res: Response) {
    const raw = req.rawBody ? req.rawBody.toString('utf8') : '';
    const answer = await this.payments.notify(req.headers, raw);
    if ('code' in answer) res.status(answer.status).json({ code: answer.code, message: answer.message });
    else res.status(204).end();
  }

  @Get('payments')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView(['PaymentView'], 'Payments of the communities the actor serves, newest first')
  list(@CurrentActor() actor: Actor, @Query() q: PaymentListQuery) {
    return this.payments.paymentViews({
      companyId: actor.companyId!,
      communityIds: communityScope(actor),
      status: q.status,
    });
  }

  @Get('payments/refunds')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView(['RefundView'], 'Refunds, newest first')
  refunds(@CurrentActor() actor: Actor) {
    return this.payments.refundViews({ companyId: actor.companyId!, communityIds: communityScope(actor) });
  }

  @Post('payments/:id/refunds')
  @Roles('supervisor', 'admin')
  @ApiView('RefundView', 'Refund a payment, partly or whole', { errors: [409] })
  refund(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: RefundDto) {
    return this.payments.refund(actor, id, dto);
  }

  @Get('payments/unpaid-bills')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView(['UnpaidBillView'], 'Unpaid bills')
  unpaid(@CurrentActor() actor: Actor) {
    return this.reports.unpaidBills(actor);
  }

  @Get('payments/totals')
  @Roles('supervisor', 'admin')
  @ApiView(['FeeTotalsRow'], 'Money in and out per community and category')
  totals(@CurrentActor() actor: Actor, @Query() q: TotalsQuery) {
    return this.reports.totals(actor, q.from, q.to);
  }

  /** The day's ledger: JSON, or the reconciliation file (CSV / Excel) whose total line is the rows' sum. */
  @Get('payments/reconciliation')
  @Roles('supervisor', 'admin')
  @ApiFile(
    ['application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    "A China day's ledger rows (JSON) or its reconciliation file (CSV, Excel)",
  )
  async reconciliation(@CurrentActor() actor: Actor, @Query() q: ReconciliationQuery, @Res() res: Response) {
    if (!q.format || q.format === 'json') {
      res.json(await this.reports.ledgerOfDay(actor, q.date, q.communityId));
      return;
    }
    const file = await this.reports.reconciliation(actor, q.date, q.format, q.communityId);
    res.setHeader(
      'content-type',
      q.format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    res.setHeader('content-disposition', `attachment; filename="reconciliation-${q.date}.${q.format}"`);
    res.send(file.body);
  }
}
