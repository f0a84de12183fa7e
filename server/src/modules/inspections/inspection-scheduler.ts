import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { followingOccurrence, formatChinaDateTime, MAINTENANCE_PRIORITY, nextOccurrence } from '@linli/shared';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsRepository, type ScheduledJob } from '../jobs/jobs.repository.js';
import { TeamsRepository } from '../staff/teams.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { InspectionPlan, InspectionRound, InspectionVisit } from './inspection.entities.js';

/** Job kinds (scheduled_job.kind, at most 20 characters). */
export const GENERATE_JOB = 'insp_generate';
export const DUE_JOB = 'insp_due';
const FAR_FUTURE = new Date('9999-01-01T00:00:00Z');
/** The in-app message types of an escalation (the supervisor's message list). */
export const ROUND_ESCALATION_TYPES = { missed: 'inspection.missed', late: 'inspection.late' } as const;

/**
 * The timers of inspections, all persisted jobs fired once across processes (jobs/):
 * - `insp_generate` (refId: plan, payload: period) at an occurrence's window start makes the
 *   period's round (inspection) or its pending order slot (maintenance) and schedules the plan's
 *   next occurrence. The unique (planId, periodKey) index makes a second run of a period a no-op.
 * - `insp_due` (refId: round) at the window's end: a round not done by then escalates: `missed`
 *   when nobody started it, `late` when it is under way; the team's supervisor gets a message.
 * - a tick task files the planned (P4) order of each maintenance occurrence through the ordinary
 *   create (the plan's creator as the filer, an idempotency key per occurrence: a crash between
 *   the create and the bookkeeping, or two processes at once, still file one order).
 */
@Injectable()
export class InspectionScheduler implements OnModuleInit {
  private readonly logger = new Logger(InspectionScheduler.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(TeamsRepository) private readonly teams: TeamsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
  ) {}

  onModuleInit(): void {
    this.runner.register(GENERATE_JOB, (em, job, now) => this.generate(em, job, now));
    this.runner.register(DUE_JOB, (em, job, now) => this.due(em, job, now));
    this.runner.addTickTask('maintenance-orders', (now) => this.fileMaintenanceOrders(now));
  }

  /** Schedule the plan's next occurrence (inside the caller's transaction). */
  async scheduleNext(em: EntityManager, plan: InspectionPlan, now: Date): Promise<void> {
    const occ = nextOccurrence(plan, now);
    await this.jobs.schedule(em, {
      kind: GENERATE_JOB,
      refId: plan.id,
      dueAt: occ.windowStart < now ? now : occ.windowStart,
      payload: { periodKey: occ.periodKey },
    });
  }

  cancelNext(em: EntityManager, planId: number): Promise<void> {
    return this.jobs.cancel(em, GENERATE_JOB, { refId: planId });
  }

  private async generate(em: EntityManager, job: ScheduledJob, now: Date): Promise<void> {
    // MariaDB: two processes firing jobs of one plan at once (a duplicate of a period) take
    // turns on the plan's row, so the second sees the first's round and next job. SQLite runs
    // one write transaction at a time anyway.
    const plan = await em.findOne(InspectionPlan, {
      where: { id: job.refId! },
      ...(this.jobs.isMysql ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!plan || !plan.active) return;
    const periodKey = typeof job.payload?.periodKey === 'string' ? job.payload.periodKey : '';
    const occ = followingOccurrence(plan, prevDay(periodKey));
    if (occ.periodKey === periodKey && !(await em.existsBy(InspectionRound, { planId: plan.id, periodKey }))) {
      const round = await em.save(
        em.create(InspectionRound, {
          companyId: plan.companyId,
          communityId: plan.communityId,
          planId: plan.id,
          teamId: plan.teamId,
          periodKey,
          windowStart: occ.windowStart,
          windowEnd: occ.windowEnd,
          status: 'pending',
          late: false,
          technicianId: null,
          startedAt: null,
          completedAt: null,
          escalatedAt: null,
          workOrderId: null,
          version: 0,
          createdAt: now,
        }),
      );
      if (plan.kind === 'inspection') {
        if (plan.pointIds.length) {
          await em.insert(
            InspectionVisit,
            plan.pointIds.map((pointId, i) => ({
              roundId: round.id,
              pointId,
              seq: i + 1,
              scannedAt: null,
              scanReceivedAt: null,
              scannedById: null,
            })),
          );
        }
        await this.jobs.schedule(em, { kind: DUE_JOB, refId: round.id, dueAt: occ.windowEnd });
      }
    }
    // The next occurrence after this period, unless one is queued already (a duplicate job of
    // this period, e.g. a plan resumed while its round existed). A paused plan has none.
    if (await this.jobs.hasPending(em, GENERATE_JOB, plan.id, FAR_FUTURE)) return;
    const next = followingOccurrence(plan, periodKey);
    await this.jobs.schedule(em, {
      kind: GENERATE_JOB,
      refId: plan.id,
      dueAt: next.windowStart,
      payload: { periodKey: next.periodKey },
    });
  }

  private async due(em: EntityManager, job: ScheduledJob, now: Date): Promise<void> {
    const round = await em.findOneBy(InspectionRound, { id: job.refId! });
    if (!round || round.status === 'completed' || round.escalatedAt) return;
    const missed = round.status === 'pending';
    const res = await em
      .createQueryBuilder()
      .update(InspectionRound)
      .set({
        status: missed ? 'missed' : round.status,
        late: true,
        escalatedAt: now,
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id: round.id, version: round.version })
      .execute();
    if (!res.affected) throw new Error('round changed meanwhile; retry');
    const plan = await em.findOneBy(InspectionPlan, { id: round.planId });
    const team = round.teamId ? await this.teams.findInCompany(round.companyId, round.teamId, em) : null;
    if (!team?.supervisorId) return;
    const type = missed ? ROUND_ESCALATION_TYPES.missed : ROUND_ESCALATION_TYPES.late;
    const window = `${formatChinaDateTime(round.windowStart)}-${formatChinaDateTime(round.windowEnd).slice(11)}`;
    // An in-app message to the team's supervisor (the notification table's row shape; no order).
    await em
      .createQueryBuilder()
      .insert()
      .into('notification')
      .values({
        userId: team.supervisorId,
        eventId: null,
        type,
        title: missed ? '巡检漏检' : '巡检超时未完成',
        body: `${team.name}「${plan?.name ?? '巡检'}」${window} ${missed ? '无人执行' : '未按时完成'}`,
        workOrderId: null,
        readAt: null,
        createdAt: now,
      })
      .execute();
  }

  /** File the P4 order of every maintenance occurrence that has none yet. */
  async fileMaintenanceOrders(now: Date): Promise<number> {
    const pending = await this.ds
      .getRepository(InspectionRound)
      .createQueryBuilder('r')
      .innerJoin(InspectionPlan, 'p', 'p.id = r.planId')
      .where("p.kind = 'maintenance' AND r.status = 'pending' AND r.workOrderId IS NULL")
      .andWhere('r.windowStart <= :now', { now })
      .orderBy('r.id')
      .take(20)
      .getMany();
    let filed = 0;
    for (const round of pending) {
      const plan = await this.ds.getRepository(InspectionPlan).findOneByOrFail({ id: round.planId });
      const filer = (await this.users.findActiveByIds([plan.createdById]))[0];
      if (!filer || filer.companyId !== plan.companyId) {
        this.logger.warn(
          `maintenance plan ${plan.id}: its creator is no longer active; occurrence ${round.id} skipped`,
        );
        await this.ds.getRepository(InspectionRound).update({ id: round.id, status: 'pending' }, { status: 'missed' });
        continue;
      }
      const actor: Actor = {
        userId: filer.id,
        role: filer.role as Actor['role'],
        name: filer.name,
        companyId: filer.companyId,
        communityIds: [],
      };
      const key = `maint-${createHash('sha256').update(`${plan.id}:${round.periodKey}`).digest('hex').slice(0, 40)}`;
      try {
        const { order } = await this.orders.create(
          actor,
          {
            category: plan.category!,
            description: `【保养】${plan.name}${plan.description ? `：${plan.description}` : ''}`,
            publicAreaId: plan.publicAreaId!,
            priority: MAINTENANCE_PRIORITY,
            channel: 'staff',
          },
          key,
        );
        await this.ds
          .getRepository(InspectionRound)
          .update(
            { id: round.id, workOrderId: IsNull() },
            { workOrderId: order.id, status: 'completed', completedAt: now, version: () => 'version + 1' },
          );
        filed++;
      } catch (e) {
        this.logger.warn(`maintenance occurrence ${round.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return filed;
  }
}

function prevDay(periodKey: string): string {
  const d = new Date(`${periodKey}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
