import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  dueFen,
  refundProblem,
  type OfflineMethod,
  type PaymentView,
  type ReceiptView,
  type RefundView,
  type WechatPayStart,
} from '@linli/shared';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { isUniqueViolation, transactionWithRetry } from '../../common/db-errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import {
  NotificationRejected,
  WechatPayClient,
  WechatPayError,
  type WechatRefund,
  type WechatTransaction,
} from '../../wechat/wechat-pay.client.js';
import { recordAudit } from '../audit/audit.service.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { addPaymentToBill, billOfOrder } from './bill-settlement.js';
import { Payment, PaymentLedgerEntry, PaymentRefund } from './payment.entities.js';

export const PAY_QUERY_JOB = 'pay_query';
export const REFUND_QUERY_JOB = 'refund_query';
/** A prepay_id lives two hours at WeChat; a pending payment older than this is closed. */
const PREPAY_LIFETIME_MS = 2 * 3600_000;
/** Reuse a pending prepay for the same amount when it is younger than this. */
const PREPAY_REUSE_MS = 100 * 60_000;

export type NotifyAnswer = { status: 200 | 204 } | { status: 400 | 401; code: 'FAIL'; message: string };

function outNo(prefix: string): string {
  // 2 + 14 + 16 = 32 characters at most: WeChat's limit for out_trade_no.
  const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${prefix}${stamp}${randomBytes(8).toString('hex')}`;
}

/**
 * Payments of bills (docs/payments.md): WeChat Pay JSAPI, cash/transfer at the desk, refunds,
 * notifications and the query that heals a lost one. Every state change is a conditional update
 * (one winner) plus an immutable ledger row in the same transaction.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);
  readonly client: WechatPayClient | null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WorkOrdersService) private readonly workOrders: WorkOrdersService,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
  ) {
    const pay = config.wechatPay;
    this.client = pay.enabled
      ? new WechatPayClient({
          apiBase: pay.apiBase,
          appid: config.wechat.appid,
          mchid: pay.mchid,
          merchantSerial: pay.merchantSerial,
          privateKeyPem: pay.privateKeyPem,
          apiV3Key: pay.apiV3Key,
          platformSerial: pay.platformSerial,
          platformPublicKeyPem: pay.platformPublicKeyPem,
          // Read on every call: tests learn the server's port after the config was built.
          get notifyUrl() {
            return config.wechatPay.notifyUrl;
          },
          timeoutMs: config.wechat.timeoutMs,
        })
      : null;
  }

  private requireClient(): WechatPayClient {
    if (!this.client) throw new AppError('PAYMENT_UNAVAILABLE', 'WeChat Pay is not configured');
    return this.client;
  }

  // ---- the resident pays ------------------------------------------------------------------

  async startWechat(actor: Actor, orderId: number): Promise<WechatPayStart> {
    const client = this.requireClient();
    if (actor.role !== 'resident') throw new AppError('FORBIDDEN', 'only residents pay through WeChat');
    const order = await this.orders.findInScope(orderId, await this.workOrders.scopeOf(actor));
    if (!order) throw notFound('order');
    if (order.reporterId !== actor.userId) {
      const allowed =
        order.houseId !== null && (await this.bindings.feeApproverHouseIds(actor.userId)).includes(order.houseId);
      if (!allowed)
        throw new AppError('FEE_APPROVAL_NOT_ALLOWED', 'only the reporter, an owner or an allowed member pays');
    }
    const user = await this.users.findById(actor.userId);
    if (!user?.wechatOpenid) throw new AppError('FORBIDDEN', 'no WeChat identity to pay with');

    const bill = await billOfOrder(this.ds.manager, order.companyId, order.id);
    if (!bill || bill.status !== 'unpaid' || dueFen(bill) <= 0) {
      throw new AppError('BILL_NOT_PAYABLE', 'the order has no unpaid bill');
    }
    const due = dueFen(bill);

    // An open WeChat payment of this bill: reuse it when it still fits, else settle or close it.
    const open = await this.ds.getRepository(Payment).findOne({ where: { openKey: bill.id } });
    if (open) {
      const reusable =
        open.amountFen === due &&
        open.prepayId !== null &&
        open.payerUserId === actor.userId &&
        Date.now() - open.createdAt.getTime() < PREPAY_REUSE_MS;
      if (reusable) return this.startAnswer(client, open, open.prepayId!);
      const healed = await this.reconcile(open.id);
      if (healed === 'paid') throw new AppError('BILL_NOT_PAYABLE', 'the bill was just paid');
      if (healed === 'pending') await this.closePending(open.id, 'replaced by a new payment');
    }

    let payment: Payment;
    try {
      payment = await transactionWithRetry(this.ds, async (em) => {
        const p = await em.save(
          em.create(Payment, {
            companyId: order.companyId,
            communityId: order.communityId,
            orderId: order.id,
            billId: bill.id,
            method: 'wechat',
            status: 'pending',
            amountFen: due,
            refundedFen: 0,
            outTradeNo: outNo('LP'),
            transactionId: null,
            prepayId: null,
            payerUserId: actor.userId,
            payerOpenid: user.wechatOpenid,
            recordedBy: null,
            reference: null,
            openKey: bill.id,
            paidAt: null,
          }),
        );
        await this.ledger(em, p, 'prepay', 0, `prepay:${p.id}`, actor.userId, null);
        await this.jobs.schedule(em, {
          kind: PAY_QUERY_JOB,
          dueAt: new Date(Date.now() + this.config.wechatPay.queryAfterSeconds * 1000),
          workOrderId: order.id,
          refId: p.id,
        });
        return p;
      });
    } catch (e) {
      // Another tap of the same bill won the open slot: answer its payment.
      if (!isUniqueViolation(e)) throw e;
      const other = await this.ds.getRepository(Payment).findOne({ where: { openKey: bill.id } });
      if (other?.prepayId) return this.startAnswer(client, other, other.prepayId);
      throw new AppError('VERSION_CONFLICT', 'a payment of this bill is being started');
    }

    let prepayId: string;
    try {
      prepayId = await client.prepay({
        outTradeNo: payment.outTradeNo,
        description: `报修费用-${order.no}`.slice(0, 40),
        totalFen: payment.amountFen,
        openid: user.wechatOpenid,
      });
    } catch (e) {
      this.logger.warn(`prepay of ${payment.outTradeNo} failed: ${String(e)}`);
      // A definite refusal closes the payment now; WeChat's own trouble leaves it to the query job.
      if (e instanceof WechatPayError && !e.retryable) await this.closePending(payment.id, `prepay refused: ${e.code}`);
      throw new AppError('PAYMENT_UNAVAILABLE', 'WeChat Pay did not take the order, try again later');
    }
    await this.ds.getRepository(Payment).update({ id: payment.id, status: 'pending' }, { prepayId });
    return this.startAnswer(client, payment, prepayId);
  }

  private startAnswer(client: WechatPayClient, p: Payment, prepayId: string): WechatPayStart {
    const base = this.config.wechatPay.apiBase;
    const fake = this.config.mode !== 'production' && /^https?:\/\/(127\.|localhost)/.test(base);
    return {
      paymentId: p.id,
      amountFen: p.amountFen,
      params: client.requestPaymentParams(prepayId),
      cashierUrl: fake ? `${base}/fake/pay/cashier?prepay_id=${encodeURIComponent(prepayId)}` : null,
    };
  }

  // ---- settling -----------------------------------------------------------------------------

  /**
   * Records WeChat's SUCCESS for a payment: pending (or closed: the money arrived anyway) -> paid,
   * the ledger's paid row and the bill, in `em`'s transaction. 'duplicate' when it was recorded
   * already; a mismatch of amount, merchant or app refuses with no change.
   */
  private async settleWechat(
    em: EntityManager,
    p: Payment,
    tx: WechatTransaction,
  ): Promise<'paid' | 'duplicate' | 'mismatch'> {
    if (
      tx.out_trade_no !== p.outTradeNo ||
      tx.amount?.total !== p.amountFen ||
      tx.mchid !== this.config.wechatPay.mchid ||
      tx.appid !== this.config.wechat.appid
    ) {
      return 'mismatch';
    }
    const res = await em
      .createQueryBuilder()
      .update(Payment)
      .set({
        status: 'paid',
        transactionId: tx.transaction_id ?? null,
        paidAt: tx.success_time ? new Date(tx.success_time) : new Date(),
        openKey: null,
        payerOpenid: tx.payer?.openid ?? p.payerOpenid,
      })
      .where('id = :id AND status IN (:...from)', { id: p.id, from: ['pending', 'closed'] })
      .execute();
    if (!res.affected) return 'duplicate';
    const took = await addPaymentToBill(em, p.companyId, p.billId, p.amountFen);
    await this.ledger(
      em,
      p,
      'paid',
      p.amountFen,
      `paid:${p.id}`,
      null,
      took ? (tx.transaction_id ?? null) : `bill no longer unpaid: refund due (${tx.transaction_id ?? ''})`,
    );
    await this.jobs.cancel(em, PAY_QUERY_JOB, { refId: p.id });
    return 'paid';
  }

  private async closePending(paymentId: number, note: string, outer?: EntityManager): Promise<void> {
    const client = this.client;
    const p = await this.ds.getRepository(Payment).findOneBy({ id: paymentId });
    if (!p || p.status !== 'pending') return;
    if (client && p.method === 'wechat' && p.prepayId) {
      await client.close(p.outTradeNo).catch((e: unknown) => this.logger.warn(`close ${p.outTradeNo}: ${String(e)}`));
    }
    await this.inTx(outer, async (em) => {
      const res = await em
        .createQueryBuilder()
        .update(Payment)
        .set({ status: 'closed', openKey: null })
        .where('id = :id AND status = :s', { id: p.id, s: 'pending' })
        .execute();
      if (!res.affected) return;
      await this.ledger(em, p, 'closed', 0, `closed:${p.id}`, null, note.slice(0, 200));
      await this.jobs.cancel(em, PAY_QUERY_JOB, { refId: p.id });
    });
  }

  /**
   * Asks WeChat about a pending payment and records what it says. 'paid', 'closed' or
   * 'pending' (still unpaid and young, or WeChat unreachable).
   */
  async reconcile(paymentId: number, outer?: EntityManager): Promise<'paid' | 'closed' | 'pending'> {
    const client = this.requireClient();
    const p = await this.ds.getRepository(Payment).findOneBy({ id: paymentId });
    if (!p) return 'closed';
    if (p.status !== 'pending') return p.status === 'paid' ? 'paid' : 'closed';
    let tx: WechatTransaction;
    try {
      tx = await client.queryByOutTradeNo(p.outTradeNo);
    } catch (e) {
      if (e instanceof WechatPayError && e.code === 'ORDER_NOT_EXIST') {
        if (Date.now() - p.createdAt.getTime() > 10 * 60_000) {
          await this.closePending(p.id, 'never reached WeChat', outer);
          return 'closed';
        }
        return 'pending';
      }
      this.logger.warn(`query of ${p.outTradeNo} failed: ${String(e)}`);
      return 'pending';
    }
    if (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND') {
      const r = await this.inTx(outer, (em) => this.settleWechat(em, p, { ...tx, trade_state: 'SUCCESS' }));
      if (r === 'mismatch') {
        this.logger.error(`query of ${p.outTradeNo} answered another amount or merchant; left pending`);
        return 'pending';
      }
      return 'paid';
    }
    if (tx.trade_state === 'CLOSED' || tx.trade_state === 'REVOKED' || tx.trade_state === 'PAYERROR') {
      await this.closePending(p.id, `WeChat: ${tx.trade_state}`, outer);
      return 'closed';
    }
    if (Date.now() - p.createdAt.getTime() > PREPAY_LIFETIME_MS) {
      await this.closePending(p.id, 'not paid within two hours', outer);
      return 'closed';
    }
    return 'pending';
  }

  /** The pay_query job: query, and come back later while the payment stays pending. */
  async onPayQueryJob(em: EntityManager, paymentId: number): Promise<void> {
    const state = await this.reconcile(paymentId, em);
    if (state === 'pending') {
      await this.jobs.schedule(em, {
        kind: PAY_QUERY_JOB,
        dueAt: new Date(Date.now() + this.config.wechatPay.queryAfterSeconds * 1000),
        refId: paymentId,
      });
    }
  }

  // ---- notifications ---------------------------------------------------------------------

  /**
   * A WeChat Pay notification. Refused (401/400, nothing changes): a bad signature, serial or
   * timestamp, a resource that does not decrypt, an unknown order or refund, another amount,
   * merchant or app. Acknowledged (204): the change recorded now, or recorded before.
   */
  async notify(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<NotifyAnswer> {
    const client = this.client;
    if (!client) return { status: 400, code: 'FAIL', message: 'payments are not configured' };
    let n;
    try {
      n = client.verifyNotification(headers, rawBody);
    } catch (e) {
      const reason = e instanceof NotificationRejected ? e.reason : 'format';
      this.logger.warn(`WeChat Pay notification refused: ${reason}`);
      return { status: reason === 'format' || reason === 'decrypt' ? 400 : 401, code: 'FAIL', message: reason };
    }
    if (n.kind === 'transaction') {
      const tx = n.resource;
      const p = await this.ds.getRepository(Payment).findOneBy({ outTradeNo: tx.out_trade_no });
      if (!p || p.method !== 'wechat') return { status: 400, code: 'FAIL', message: 'unknown out_trade_no' };
      if (tx.trade_state !== 'SUCCESS') return { status: 204 };
      const r = await transactionWithRetry(this.ds, (em) => this.settleWechat(em, p, tx));
      if (r === 'mismatch') {
        this.logger.error(`notification for ${p.outTradeNo} does not match the payment: refused`);
        return { status: 400, code: 'FAIL', message: 'amount or merchant mismatch' };
      }
      return { status: 204 };
    }
    const rn = n.resource;
    const refund = await this.ds.getRepository(PaymentRefund).findOneBy({ outRefundNo: rn.out_refund_no });
    const payment = refund ? await this.ds.getRepository(Payment).findOneBy({ id: refund.paymentId }) : null;
    if (!refund || !payment || payment.outTradeNo !== rn.out_trade_no || rn.amount.refund !== refund.amountFen) {
      return { status: 400, code: 'FAIL', message: 'unknown or mismatched refund' };
    }
    await this.applyRefundOutcome(refund.id, rn.refund_status, rn.refund_id);
    return { status: 204 };
  }

  // ---- staff records cash or transfer ---------------------------------------------------------

  async recordOffline(
    actor: Actor,
    orderId: number,
    input: { method: OfflineMethod; amountFen: number; reference?: string },
  ): Promise<PaymentView> {
    const order = await this.orders.findInScope(orderId, await this.workOrders.scopeOf(actor));
    if (!order) throw notFound('order');
    const id = await transactionWithRetry(this.ds, async (em) => {
      const bill = await billOfOrder(em, order.companyId, order.id);
      if (!bill || bill.status !== 'unpaid' || dueFen(bill) <= 0) {
        throw new AppError('BILL_NOT_PAYABLE', 'the order has no unpaid bill');
      }
      if (input.amountFen > dueFen(bill)) {
        throw new AppError('VALIDATION_FAILED', 'the amount is more than what is due', [
          { field: 'amountFen', problems: [`must be at most ${dueFen(bill)}`] },
        ]);
      }
      const p = await em.save(
        em.create(Payment, {
          companyId: order.companyId,
          communityId: order.communityId,
          orderId: order.id,
          billId: bill.id,
          method: input.method,
          status: 'paid',
          amountFen: input.amountFen,
          refundedFen: 0,
          outTradeNo: outNo('LC'),
          transactionId: null,
          prepayId: null,
          payerUserId: null,
          payerOpenid: null,
          recordedBy: actor.userId,
          reference: input.reference ?? null,
          openKey: null,
          paidAt: new Date(),
        }),
      );
      if (!(await addPaymentToBill(em, order.companyId, bill.id, input.amountFen))) {
        throw new AppError('BILL_NOT_PAYABLE', 'the bill changed meanwhile');
      }
      await this.ledger(em, p, 'paid', p.amountFen, `paid:${p.id}`, actor.userId, input.reference ?? null);
      await recordAudit(em, actor, 'create', 'payment', p.id, null, {
        orderId: p.orderId,
        method: p.method,
        amountFen: p.amountFen,
        reference: p.reference,
      });
      return p.id;
    });
    return (await this.paymentViews({ ids: [id] }))[0];
  }

  // ---- refunds -----------------------------------------------------------------------------

  async refund(actor: Actor, paymentId: number, input: { amountFen: number; reason: string }): Promise<RefundView> {
    const p = await this.ds.getRepository(Payment).findOneBy({ id: paymentId, companyId: actor.companyId ?? -1 });
    if (!p || (actor.role !== 'admin' && !actor.communityIds.includes(p.communityId))) throw notFound('payment');
    const problem = refundProblem(p, input.amountFen);
    if (problem === 'not_paid') throw new AppError('BILL_NOT_PAYABLE', 'only a paid payment is refunded');
    if (problem) throw new AppError('REFUND_EXCEEDS_PAID', 'the refund is more than what is left to refund');
    const offline = p.method !== 'wechat';
    const refundId = await transactionWithRetry(this.ds, async (em) => {
      // The one guard two racing refunds meet: only one of them fits under the paid amount.
      const res = await em
        .createQueryBuilder()
        .update(Payment)
        .set({ refundedFen: () => 'refundedFen + :amount' })
        .where("id = :id AND status = 'paid' AND refundedFen + :amount <= amountFen", {
          id: p.id,
          amount: input.amountFen,
        })
        .execute();
      if (!res.affected) throw new AppError('REFUND_EXCEEDS_PAID', 'the refund is more than what is left to refund');
      const r = await em.save(
        em.create(PaymentRefund, {
          companyId: p.companyId,
          communityId: p.communityId,
          orderId: p.orderId,
          paymentId: p.id,
          outRefundNo: outNo('LR'),
          refundId: null,
          amountFen: input.amountFen,
          status: offline ? 'success' : 'processing',
          reason: input.reason,
          requestedBy: actor.userId,
          succeededAt: offline ? new Date() : null,
        }),
      );
      await this.ledger(em, p, 'refund_requested', 0, `refund_requested:${r.id}`, actor.userId, input.reason, r.id);
      if (offline) await this.ledger(em, p, 'refunded', -r.amountFen, `refunded:${r.id}`, actor.userId, null, r.id);
      else {
        await this.jobs.schedule(em, {
          kind: REFUND_QUERY_JOB,
          dueAt: new Date(Date.now() + this.config.wechatPay.queryAfterSeconds * 1000),
          workOrderId: p.orderId,
          refId: r.id,
        });
      }
      await recordAudit(em, actor, 'create', 'payment_refund', r.id, null, {
        paymentId: p.id,
        amountFen: r.amountFen,
        reason: r.reason,
      });
      return r.id;
    });
    if (!offline) await this.sendRefund(refundId);
    return (await this.refundViews({ companyId: p.companyId, ids: [refundId] }))[0];
  }

  /** Sends (or re-sends, same out_refund_no) a refund to WeChat and records a definite answer. */
  private async sendRefund(refundId: number, outer?: EntityManager): Promise<void> {
    const client = this.requireClient();
    const r = await this.ds.getRepository(PaymentRefund).findOneBy({ id: refundId });
    const p = r ? await this.ds.getRepository(Payment).findOneBy({ id: r.paymentId }) : null;
    if (!r || !p || r.status !== 'processing') return;
    let answer: WechatRefund;
    try {
      answer = await client.refund({
        outTradeNo: p.outTradeNo,
        outRefundNo: r.outRefundNo,
        refundFen: r.amountFen,
        totalFen: p.amountFen,
        reason: r.reason,
      });
    } catch (e) {
      if (e instanceof WechatPayError && !e.retryable) {
        this.logger.warn(`refund ${r.outRefundNo} refused: ${e.code}`);
        await this.applyRefundOutcome(r.id, 'CLOSED', null, e.code, outer);
      }
      return; // retryable: the refund_query job asks again
    }
    if (answer.status !== 'PROCESSING')
      await this.applyRefundOutcome(r.id, answer.status, answer.refund_id, undefined, outer);
    else if (answer.refund_id)
      await this.ds.getRepository(PaymentRefund).update({ id: r.id }, { refundId: answer.refund_id });
  }

  /** processing -> success (ledger -amount) or -> failed (refundedFen given back); once. */
  private async applyRefundOutcome(
    refundId: number,
    status: string,
    wechatRefundId: string | null,
    why?: string,
    outer?: EntityManager,
  ): Promise<void> {
    if (status !== 'SUCCESS' && status !== 'CLOSED' && status !== 'ABNORMAL') return;
    await this.inTx(outer, async (em) => {
      const r = await em.findOneBy(PaymentRefund, { id: refundId });
      const p = r ? await em.findOneBy(Payment, { id: r.paymentId }) : null;
      if (!r || !p) return;
      const ok = status === 'SUCCESS';
      const res = await em
        .createQueryBuilder()
        .update(PaymentRefund)
        .set({
          status: ok ? 'success' : 'failed',
          succeededAt: ok ? new Date() : null,
          ...(wechatRefundId ? { refundId: wechatRefundId } : {}),
        })
        .where('id = :id AND status = :s', { id: r.id, s: 'processing' })
        .execute();
      if (!res.affected) return;
      if (ok) {
        await this.ledger(em, p, 'refunded', -r.amountFen, `refunded:${r.id}`, null, wechatRefundId, r.id);
      } else {
        await em
          .createQueryBuilder()
          .update(Payment)
          .set({ refundedFen: () => 'refundedFen - :amount' })
          .where('id = :id', { id: p.id, amount: r.amountFen })
          .execute();
        await this.ledger(em, p, 'refund_failed', 0, `refund_failed:${r.id}`, null, why ?? status, r.id);
      }
      await this.jobs.cancel(em, REFUND_QUERY_JOB, { refId: r.id });
    });
  }

  /** The refund_query job: the refund's state at WeChat; re-sent when WeChat never got it. */
  async onRefundQueryJob(em: EntityManager, refundId: number): Promise<void> {
    const client = this.requireClient();
    const r = await this.ds.getRepository(PaymentRefund).findOneBy({ id: refundId });
    if (!r || r.status !== 'processing') return;
    let again = true;
    try {
      const answer = await client.queryRefund(r.outRefundNo);
      if (answer.status !== 'PROCESSING') {
        await this.applyRefundOutcome(r.id, answer.status, answer.refund_id, undefined, em);
        again = false;
      }
    } catch (e) {
      if (e instanceof WechatPayError && (e.code === 'RESOURCE_NOT_EXISTS' || e.code === 'ORDER_NOT_EXIST')) {
        await this.sendRefund(r.id, em);
      }
    }
    const after = await em.findOneBy(PaymentRefund, { id: refundId });
    if (again && after?.status === 'processing') {
      await this.jobs.schedule(em, {
        kind: REFUND_QUERY_JOB,
        dueAt: new Date(Date.now() + this.config.wechatPay.queryAfterSeconds * 1000),
        refId: refundId,
      });
    }
  }

  /** Work in the caller's transaction (a job's) or a new one. */
  private inTx<T>(outer: EntityManager | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return outer ? work(outer) : transactionWithRetry(this.ds, work);
  }

  // ---- ledger ------------------------------------------------------------------------------

  private async ledger(
    em: EntityManager,
    p: Payment,
    event: string,
    amountFen: number,
    entryKey: string,
    actorId: number | null,
    note: string | null,
    refundId: number | null = null,
  ): Promise<void> {
    await em.insert(PaymentLedgerEntry, {
      companyId: p.companyId,
      communityId: p.communityId,
      orderId: p.orderId,
      paymentId: p.id,
      refundId,
      event,
      method: p.method,
      amountFen,
      entryKey,
      actorId,
      note: note?.slice(0, 200) ?? null,
    });
  }

  // ---- reads -------------------------------------------------------------------------------

  async paymentViews(f: {
    companyId?: number;
    ids?: number[];
    orderId?: number;
    communityIds?: number[] | null;
    status?: string;
    limit?: number;
  }): Promise<PaymentView[]> {
    const qb = this.ds
      .getRepository(Payment)
      .createQueryBuilder('p')
      .innerJoin('work_order', 'o', 'o.id = p.orderId')
      .innerJoin('community', 'c', 'c.id = p.communityId')
      .select('p.*')
      .addSelect('o.no', 'orderNo')
      .addSelect('c.name', 'communityName')
      .orderBy('p.id', 'DESC')
      .limit(f.limit ?? 200);
    if (f.companyId !== undefined) qb.andWhere('p.companyId = :co', { co: f.companyId });
    if (f.ids) qb.andWhere('p.id IN (:...ids)', { ids: f.ids.length ? f.ids : [-1] });
    if (f.orderId !== undefined) qb.andWhere('p.orderId = :oid', { oid: f.orderId });
    if (f.communityIds) qb.andWhere('p.communityId IN (:...cs)', { cs: f.communityIds.length ? f.communityIds : [-1] });
    if (f.status) qb.andWhere('p.status = :st', { st: f.status });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      id: Number(r.id),
      orderId: Number(r.orderId),
      orderNo: String(r.orderNo),
      communityId: Number(r.communityId),
      communityName: String(r.communityName),
      method: r.method as PaymentView['method'],
      status: r.status as PaymentView['status'],
      amountFen: Number(r.amountFen),
      refundedFen: Number(r.refundedFen),
      outTradeNo: String(r.outTradeNo),
      transactionId: (r.transactionId as string | null) ?? null,
      reference: (r.reference as string | null) ?? null,
      paidAt: r.paidAt ? toIso(r.paidAt) : null,
      createdAt: toIso(r.createdAt),
    }));
  }

  async refundViews(f: { companyId: number; ids?: number[]; orderId?: number; communityIds?: number[] | null }) {
    const qb = this.ds
      .getRepository(PaymentRefund)
      .createQueryBuilder('r')
      .innerJoin('work_order', 'o', 'o.id = r.orderId')
      .innerJoin('community', 'c', 'c.id = r.communityId')
      .select('r.*')
      .addSelect('o.no', 'orderNo')
      .addSelect('c.name', 'communityName')
      .where('r.companyId = :co', { co: f.companyId })
      .orderBy('r.id', 'DESC')
      .limit(200);
    if (f.ids) qb.andWhere('r.id IN (:...ids)', { ids: f.ids.length ? f.ids : [-1] });
    if (f.orderId !== undefined) qb.andWhere('r.orderId = :oid', { oid: f.orderId });
    if (f.communityIds) qb.andWhere('r.communityId IN (:...cs)', { cs: f.communityIds.length ? f.communityIds : [-1] });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r): RefundView => ({
      id: Number(r.id),
      paymentId: Number(r.paymentId),
      orderId: Number(r.orderId),
      orderNo: String(r.orderNo),
      communityName: String(r.communityName),
      amountFen: Number(r.amountFen),
      status: r.status as RefundView['status'],
      reason: String(r.reason),
      outRefundNo: String(r.outRefundNo),
      createdAt: toIso(r.createdAt),
      succeededAt: r.succeededAt ? toIso(r.succeededAt) : null,
    }));
  }

  /** The electronic receipt: the bill's lines, the payments and refunds of an order the actor sees. */
  async receipt(actor: Actor, orderId: number): Promise<ReceiptView> {
    const order = await this.orders.findInScope(orderId, await this.workOrders.scopeOf(actor));
    if (!order) throw notFound('order');
    const bill = await billOfOrder(this.ds.manager, order.companyId, order.id);
    if (!bill) throw notFound('bill');
    const names = await this.ds.query<Array<{ community: string; company: string }>>(
      'SELECT c.name AS community, co.name AS company FROM community c JOIN company co ON co.id = c.companyId WHERE c.id = ?',
      [order.communityId],
    );
    const payments = (await this.paymentViews({ companyId: order.companyId, orderId: order.id })).filter(
      (p) => p.status === 'paid',
    );
    const refunds = await this.refundViews({ companyId: order.companyId, orderId: order.id });
    const lines = (typeof bill.lines === 'string' ? JSON.parse(bill.lines) : bill.lines) as ReceiptView['lines'];
    const paid = payments.reduce((s, p) => s + p.amountFen, 0);
    const refunded = refunds.filter((r) => r.status === 'success').reduce((s, r) => s + r.amountFen, 0);
    return {
      orderId: order.id,
      orderNo: order.no,
      communityName: names[0]?.community ?? '',
      companyName: names[0]?.company ?? '',
      billStatus: bill.status,
      totalFen: bill.totalFen,
      paidFen: bill.paidFen,
      lines: lines.map((l) => ({
        name: l.name,
        unit: l.unit,
        unitPriceFen: l.unitPriceFen,
        quantity: l.quantity,
        amountFen: l.amountFen,
      })),
      payments,
      refunds,
      netFen: paid - refunded,
    };
  }
}

export function toIso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  // SQLite returns 'YYYY-MM-DD HH:MM:SS[.mmm]' in UTC.
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`).toISOString();
}
