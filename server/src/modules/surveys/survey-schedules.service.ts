import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  acsiIndex,
  nextSurveyPeriod,
  npsFromCounts,
  servedCommunities,
  servesCommunity,
  surveyPeriodOf,
  surveyPeriodTitle,
  surveyPeriodTrend,
  surveyWindow,
  DEFAULT_ACSI_WEIGHTS,
  type SurveyCadence,
  type SurveyPeriod,
  type SurveyPeriodView,
  type SurveyScheduleView,
  type SurveyStatusValue,
  type SurveyView,
} from '@linli/shared';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsRepository, type ScheduledJob } from '../jobs/jobs.repository.js';
import { PlacesRepository, type Community } from '../places/places.repository.js';
import { SurveyAnnouncer } from './survey-announcer.js';
import type { ListSurveyPeriodsQuery, OpenSurveyNowDto, SaveSurveyScheduleDto } from './survey-schedules.dto.js';
import { Survey, SurveyResponse, SurveySchedule } from './survey.entities.js';

/** Persisted timers (modules/jobs): each fires once across processes and survives a restart. */
export const SURVEY_OPEN_JOB = 'survey_open';
export const SURVEY_REMIND_JOB = 'survey_remind';
export const SURVEY_CLOSE_JOB = 'survey_close';

interface OpenJobPayload {
  version: number;
  periodKey: string;
}

/**
 * Survey schedules (docs/surveys.md): the community survey opens by itself each period, is
 * announced to the community's residents, reminds once those who have not answered, and
 * closes on time. Every step is a persisted job whose claim commits with its effect.
 */
@Injectable()
export class SurveySchedulesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(SurveyAnnouncer) private readonly announcer: SurveyAnnouncer,
  ) {}

  onModuleInit(): void {
    this.runner.register(SURVEY_OPEN_JOB, (em, job, now) => this.fireOpen(em, job, now));
    this.runner.register(SURVEY_REMIND_JOB, (em, job, now) => this.fireRemind(em, job, now));
    this.runner.register(SURVEY_CLOSE_JOB, (em, job, now) => this.fireClose(em, job, now));
  }

  // ---- schedules (admins) ----------------------------------------------------------------------

  async list(actor: Actor): Promise<SurveyScheduleView[]> {
    const rows = await this.ds
      .getRepository(SurveySchedule)
      .find({ where: { companyId: actor.companyId! }, order: { communityId: 'ASC' } });
    return this.toViews(rows);
  }

  /** Create or replace the company's (communityId null) or a community's schedule; audited. */
  async save(actor: Actor, dto: SaveSurveyScheduleDto): Promise<SurveyScheduleView> {
    if (dto.remindDaysBefore >= dto.openDays) {
      throw new AppError('VALIDATION_FAILED', 'remindDaysBefore must be less than openDays', [
        { field: 'remindDaysBefore', problems: ['must be less than openDays'] },
      ]);
    }
    if (dto.communityId !== null) {
      const community = await this.places.findCommunity(dto.communityId);
      if (!community || community.companyId !== actor.companyId) throw notFound('community');
    }
    const companyId = actor.companyId!;
    const communityId = dto.communityId ?? 0;
    const write = () =>
      this.jobs.transaction(async (em) => {
        const repo = em.getRepository(SurveySchedule);
        const now = this.clock.now();
        const before = await repo.findOneBy({ companyId, communityId });
        const fields = {
          cadence: dto.cadence,
          openDays: dto.openDays,
          remindDaysBefore: dto.remindDaysBefore,
          enabled: dto.enabled,
          updatedById: actor.userId,
          updatedAt: now,
        };
        let id: number;
        if (before) {
          // version + 1 in the statement: of two saves at once each gets its own version, and
          // only the open job of the last one stays live.
          await repo
            .createQueryBuilder()
            .update()
            .set({ ...fields, version: () => 'version + 1' })
            .where('id = :id', { id: before.id })
            .execute();
          id = before.id;
        } else {
          id = (await repo.save(repo.create({ companyId, communityId, ...fields, version: 1 }))).id;
        }
        const row = await repo.findOneByOrFail({ id });
        await this.jobs.cancel(em, SURVEY_OPEN_JOB, { refId: id });
        const next = row.enabled ? nextSurveyPeriod(now, row.cadence as SurveyCadence) : null;
        await repo.update({ id }, { nextPeriodKey: next?.key ?? null, nextOpensAt: next?.startsAt ?? null });
        if (next) await this.scheduleOpen(em, row, next);
        const after = { ...snapshot(row), nextPeriodKey: next?.key ?? null };
        await recordAudit(
          em,
          actor,
          before ? 'update' : 'create',
          'survey_schedule',
          id,
          before && snapshot(before),
          after,
        );
        return id;
      });
    let id: number;
    try {
      id = await write();
    } catch (e) {
      // Two first saves at once: the unique (companyId, communityId) keeps one row; the other updates it.
      if (!isUniqueViolation(e)) throw e;
      id = await write();
    }
    const row = await this.ds.getRepository(SurveySchedule).findOneByOrFail({ id });
    return (await this.toViews([row]))[0];
  }

  /**
   * Open the current period's survey of a community now (an admin's "open now"), announced as
   * a scheduled opening is; audited. One survey per community and period: a second is refused.
   */
  async openNow(actor: Actor, dto: OpenSurveyNowDto): Promise<SurveyView> {
    const community = await this.places.findCommunity(dto.communityId);
    if (!community || community.companyId !== actor.companyId || !servesCommunity(actor, community)) {
      throw notFound('community');
    }
    const schedule = await this.effectiveSchedule(this.ds.manager, community);
    if (!schedule) {
      throw new AppError('TRANSITION_NOT_ALLOWED', 'no survey schedule covers this community', {
        reason: 'no_schedule',
      });
    }
    const now = this.clock.now();
    const period = surveyPeriodOf(now, schedule.cadence as SurveyCadence);
    const exists = () =>
      new AppError('TRANSITION_NOT_ALLOWED', `the ${period.key} survey of this community exists already`, {
        reason: 'period_exists',
        periodKey: period.key,
      });
    let survey: Survey | null;
    try {
      survey = await this.jobs.transaction(async (em) => {
        const opened = await this.openPeriod(em, schedule, community, period, now, actor.userId);
        if (opened) {
          const { title, periodKey, startsAt, endsAt, status } = opened;
          await recordAudit(em, actor, 'open', 'survey', opened.id, null, {
            communityId: community.id,
            title,
            periodKey,
            startsAt,
            endsAt,
            status,
          });
        }
        return opened;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw exists();
      throw e;
    }
    if (!survey) throw exists();
    return toSurveyView(survey, community.name, 0);
  }

  // ---- the periods and their figures (admins, supervisors) ------------------------------------

  /** The scheduled periods' surveys, newest first, with response rate, ACSI, NPS and the trend. */
  async periods(actor: Actor, query: ListSurveyPeriodsQuery): Promise<SurveyPeriodView[]> {
    const qb = this.ds
      .getRepository(Survey)
      .createQueryBuilder('s')
      .where('s.companyId = :companyId', { companyId: actor.companyId })
      .andWhere('s.periodKey IS NOT NULL');
    const served = servedCommunities(actor);
    if (served !== 'all') {
      if (!served.length) return [];
      qb.andWhere('s.communityId IN (:...served)', { served });
    }
    if (query.communityId) qb.andWhere('s.communityId = :communityId', { communityId: query.communityId });
    const surveys = await qb.orderBy('s.startsAt', 'DESC').addOrderBy('s.id', 'DESC').take(200).getMany();
    if (!surveys.length) return [];
    const ids = surveys.map((s) => s.id);
    const stats = new Map(
      (
        await this.ds
          .getRepository(SurveyResponse)
          .createQueryBuilder('r')
          .select('r.surveyId', 'surveyId')
          .addSelect('COUNT(*)', 'n')
          .addSelect('COUNT(DISTINCT r.houseId)', 'houses')
          .addSelect('AVG(r.overall)', 'overall')
          .addSelect('AVG(r.expectation)', 'expectation')
          .addSelect('AVG(r.ideal)', 'ideal')
          .addSelect('SUM(CASE WHEN r.nps >= 9 THEN 1 ELSE 0 END)', 'promoters')
          .addSelect('SUM(CASE WHEN r.nps <= 6 THEN 1 ELSE 0 END)', 'detractors')
          .where('r.surveyId IN (:...ids)', { ids })
          .groupBy('r.surveyId')
          .getRawMany<Record<string, string | number>>()
      ).map((r) => [Number(r.surveyId), r]),
    );
    const communities = new Map(
      (await this.places.findCommunities([...new Set(surveys.map((s) => s.communityId))])).map((c) => [c.id, c]),
    );
    const rows = surveys.map((s) => {
      const r = stats.get(s.id);
      const n = Number(r?.n ?? 0);
      const households = communities.get(s.communityId)?.households ?? 0;
      const responding = Number(r?.houses ?? 0);
      const acsi =
        n > 0
          ? acsiIndex([Number(r!.overall), Number(r!.expectation), Number(r!.ideal)], s.weights ?? DEFAULT_ACSI_WEIGHTS)
          : null;
      return {
        survey: s,
        n,
        households,
        responding,
        figures: {
          acsi,
          nps: npsFromCounts(Number(r?.promoters ?? 0), Number(r?.detractors ?? 0), n),
          responseRate: households > 0 ? responding / households : null,
        },
      };
    });
    // Newest first: a community's previous period is the next row of that community.
    return rows.map((row, k) => {
      const previous = rows.slice(k + 1).find((p) => p.survey.communityId === row.survey.communityId) ?? null;
      const s = row.survey;
      return {
        surveyId: s.id,
        communityId: s.communityId,
        communityName: communities.get(s.communityId)?.name ?? '',
        periodKey: s.periodKey!,
        title: s.title,
        status: s.status as SurveyStatusValue,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        remindedAt: s.remindedAt?.toISOString() ?? null,
        responses: row.n,
        households: row.households,
        respondingHouseholds: row.responding,
        ...row.figures,
        previousPeriodKey: previous?.survey.periodKey ?? null,
        trend: surveyPeriodTrend(row.figures, previous?.figures ?? null),
      };
    });
  }

  // ---- the jobs ---------------------------------------------------------------------------------

  /**
   * A period begins: open its survey in every community the schedule covers (those without a
   * schedule of their own, for the company's), and queue the next period's opening. A job made
   * for an older version of the schedule (it was saved again since) does nothing.
   */
  private async fireOpen(em: EntityManager, job: ScheduledJob, now: Date): Promise<void> {
    const payload = job.payload as unknown as OpenJobPayload | null;
    const schedule = job.refId === null ? null : await em.getRepository(SurveySchedule).findOneBy({ id: job.refId });
    if (!schedule || !payload || !schedule.enabled || schedule.version !== payload.version) return;
    const cadence = schedule.cadence as SurveyCadence;
    // The period the job fires in: its own, unless the server was down past it (then this one).
    const period = surveyPeriodOf(now, cadence);
    for (const community of await this.coveredCommunities(em, schedule)) {
      await this.openPeriod(em, schedule, community, period, now, schedule.updatedById);
    }
    const next = nextSurveyPeriod(now, cadence);
    const moved = await em
      .getRepository(SurveySchedule)
      .createQueryBuilder()
      .update()
      .set({ nextPeriodKey: next.key, nextOpensAt: next.startsAt })
      .where('id = :id AND version = :version', { id: schedule.id, version: payload.version })
      .execute();
    if ((moved.affected ?? 0) === 1) await this.scheduleOpen(em, schedule, next);
  }

  /** The one reminder: a conditional update sets remindedAt, so it goes out once. */
  private async fireRemind(em: EntityManager, job: ScheduledJob, now: Date): Promise<void> {
    const survey = job.refId === null ? null : await em.getRepository(Survey).findOneBy({ id: job.refId });
    if (!survey || survey.status !== 'open' || now >= survey.endsAt) return;
    const res = await em
      .getRepository(Survey)
      .createQueryBuilder()
      .update()
      .set({ remindedAt: now })
      .where('id = :id AND status = :open AND remindedAt IS NULL', { id: survey.id, open: 'open' })
      .execute();
    if ((res.affected ?? 0) !== 1) return;
    const community = await this.places.findCommunity(survey.communityId, em);
    await this.announcer.announce(em, survey, community?.name ?? '', 'remind', now);
  }

  /** Closes on time (a conditional update: an admin's earlier close wins and this does nothing). */
  private async fireClose(em: EntityManager, job: ScheduledJob, now: Date): Promise<void> {
    if (job.refId === null) return;
    await em
      .getRepository(Survey)
      .createQueryBuilder()
      .update()
      .set({ status: 'closed', closedAt: now })
      .where('id = :id AND status = :open', { id: job.refId, open: 'open' })
      .execute();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Open `period`'s survey of one community, announce it, and queue its reminder and close.
   * Null when the community has it already or the period's window has passed.
   */
  private async openPeriod(
    em: EntityManager,
    schedule: SurveySchedule,
    community: Community,
    period: SurveyPeriod,
    now: Date,
    createdById: number,
  ): Promise<Survey | null> {
    const repo = em.getRepository(Survey);
    if (await repo.existsBy({ communityId: community.id, periodKey: period.key })) return null;
    const { closesAt, remindAt } = surveyWindow(period, now, schedule.openDays, schedule.remindDaysBefore);
    if (closesAt <= now) return null;
    // The unique (communityId, periodKey) index settles two openings at once (an admin's and the job's).
    const survey = await repo.save(
      repo.create({
        companyId: community.companyId,
        communityId: community.id,
        title: surveyPeriodTitle(period.key),
        startsAt: now,
        endsAt: closesAt,
        status: 'open',
        weights: [...DEFAULT_ACSI_WEIGHTS] as [number, number, number],
        createdById,
        createdAt: now,
        scheduleId: schedule.id,
        periodKey: period.key,
        announcedAt: now,
        remindAt,
        remindedAt: null,
        closedAt: null,
      }),
    );
    await this.announcer.announce(em, survey, community.name, 'open', now);
    if (remindAt) await this.jobs.schedule(em, { kind: SURVEY_REMIND_JOB, dueAt: remindAt, refId: survey.id });
    await this.jobs.schedule(em, { kind: SURVEY_CLOSE_JOB, dueAt: closesAt, refId: survey.id });
    return survey;
  }

  private scheduleOpen(em: EntityManager, schedule: SurveySchedule, period: SurveyPeriod): Promise<void> {
    const payload: OpenJobPayload = { version: schedule.version, periodKey: period.key };
    return this.jobs.schedule(em, {
      kind: SURVEY_OPEN_JOB,
      dueAt: period.startsAt,
      refId: schedule.id,
      payload: payload as unknown as Record<string, unknown>,
    });
  }

  /** A community's own schedule, else its company's; null when neither exists or it is off. */
  private async effectiveSchedule(em: EntityManager, community: Community): Promise<SurveySchedule | null> {
    const rows = await em.getRepository(SurveySchedule).findBy({
      companyId: community.companyId,
      communityId: In([0, community.id]),
    });
    const own = rows.find((r) => r.communityId === community.id) ?? rows.find((r) => r.communityId === 0) ?? null;
    return own?.enabled ? own : null;
  }

  /** A community schedule's community; for the company's, every community without its own. */
  private async coveredCommunities(em: EntityManager, schedule: SurveySchedule): Promise<Community[]> {
    const all = await this.places.communitiesOfCompany(schedule.companyId, em);
    if (schedule.communityId !== 0) return all.filter((c) => c.id === schedule.communityId);
    const own = new Set(
      (
        await em.getRepository(SurveySchedule).find({
          select: { communityId: true },
          where: { companyId: schedule.companyId },
        })
      ).map((r) => r.communityId),
    );
    return all.filter((c) => !own.has(c.id));
  }

  private async toViews(rows: SurveySchedule[]): Promise<SurveyScheduleView[]> {
    const names = new Map(
      (await this.places.findCommunities(rows.map((r) => r.communityId).filter((id) => id !== 0))).map((c) => [
        c.id,
        c.name,
      ]),
    );
    return rows.map((r) => ({
      id: r.id,
      communityId: r.communityId === 0 ? null : r.communityId,
      communityName: r.communityId === 0 ? null : (names.get(r.communityId) ?? ''),
      cadence: r.cadence as SurveyCadence,
      openDays: r.openDays,
      remindDaysBefore: r.remindDaysBefore,
      enabled: r.enabled,
      nextOpensAt: r.enabled ? (r.nextOpensAt?.toISOString() ?? null) : null,
      nextPeriodKey: r.enabled ? r.nextPeriodKey : null,
      updatedAt: r.updatedAt.toISOString(),
    }));
  }
}

function snapshot(s: SurveySchedule) {
  const { communityId, cadence, openDays, remindDaysBefore, enabled } = s;
  return { communityId: communityId === 0 ? null : communityId, cadence, openDays, remindDaysBefore, enabled };
}

export function toSurveyView(s: Survey, communityName: string, responses: number): SurveyView {
  return {
    id: s.id,
    communityId: s.communityId,
    communityName,
    title: s.title,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    status: s.status as SurveyStatusValue,
    weights: s.weights,
    createdAt: s.createdAt.toISOString(),
    periodKey: s.periodKey,
    responses,
  };
}
