import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEFAULT_ACSI_WEIGHTS, ofViewersCompany, servedCommunities, servesRow, surveyResults } from '@linli/shared';
import { DataSource, In } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { Clock } from '../../common/clock.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import type {
  CreateSurveyDto,
  ListSurveysQuery,
  SurveyResponseDto,
  SurveyResultsView,
  SurveyStatus,
  SurveyView,
} from './surveys.dto.js';
import { Survey, SurveyResponse } from './survey.entities.js';

/** Where a survey may move: draft -> open -> closed. */
const NEXT: Record<'open' | 'close', { from: SurveyStatus; to: SurveyStatus }> = {
  open: { from: 'draft', to: 'open' },
  close: { from: 'open', to: 'closed' },
};

/** Periodic community surveys (ACSI items, NPS, SERVPERF): admins run them, residents answer once. */
@Injectable()
export class SurveysService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
  ) {}

  async create(actor: Actor, dto: CreateSurveyDto): Promise<SurveyView> {
    const community = await this.places.findCommunity(dto.communityId);
    if (!community || !ofViewersCompany(actor, community)) throw notFound('community');
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (!(endsAt > startsAt)) {
      throw new AppError('VALIDATION_FAILED', 'endsAt must be after startsAt', [
        { field: 'endsAt', problems: ['must be after startsAt'] },
      ]);
    }
    const weights = dto.weights ?? ([...DEFAULT_ACSI_WEIGHTS] as [number, number, number]);
    if (!(weights[0] + weights[1] + weights[2] > 0)) {
      throw new AppError('VALIDATION_FAILED', 'weights must not all be 0', [
        { field: 'weights', problems: ['at least one weight must be positive'] },
      ]);
    }
    const survey = await this.ds.transaction(async (em) => {
      const row = await em.save(
        em.create(Survey, {
          companyId: community.companyId,
          communityId: community.id,
          title: dto.title.trim(),
          startsAt,
          endsAt,
          status: 'draft',
          weights,
          createdById: actor.userId,
          createdAt: this.clock.now(),
        }),
      );
      const { communityId, title, status } = row;
      const after = { communityId, title, startsAt: row.startsAt, endsAt: row.endsAt, status, weights: row.weights };
      await recordAudit(em, actor, 'create', 'survey', row.id, null, after);
      return row;
    });
    return (await this.toViews(actor, [survey]))[0];
  }

  /** draft -> open, open -> closed: a conditional update, so two admins cannot both move it. */
  async move(actor: Actor, id: number, step: 'open' | 'close'): Promise<SurveyView> {
    const survey = await this.findForStaff(actor, id);
    const { from, to } = NEXT[step];
    if (step === 'open' && survey.endsAt <= this.clock.now()) {
      throw new AppError('TRANSITION_NOT_ALLOWED', 'the survey has already ended', { status: survey.status });
    }
    const moved = await this.ds.transaction(async (em) => {
      const res = await em
        .getRepository(Survey)
        .createQueryBuilder()
        .update()
        .set(step === 'close' ? { status: to, closedAt: this.clock.now() } : { status: to })
        .where('id = :id AND status = :from', { id, from })
        .execute();
      if ((res.affected ?? 0) !== 1) return false;
      await recordAudit(em, actor, step, 'survey', id, { status: from }, { status: to });
      return true;
    });
    if (!moved) {
      const current = await this.ds.getRepository(Survey).findOneByOrFail({ id });
      throw new AppError('TRANSITION_NOT_ALLOWED', `cannot ${step} a survey that is ${current.status}`, {
        status: current.status,
      });
    }
    return (await this.toViews(actor, [{ ...survey, status: to }]))[0];
  }

  async list(actor: Actor, query: ListSurveysQuery): Promise<SurveyView[]> {
    const qb = this.ds.getRepository(Survey).createQueryBuilder('s');
    if (actor.role === 'resident') {
      const communityIds = await this.bindings.verifiedCommunityIds(actor.userId);
      if (!communityIds.length) return [];
      const now = this.clock.now();
      qb.where('s.communityId IN (:...communityIds)', { communityIds })
        .andWhere('s.status = :open', { open: 'open' })
        .andWhere('s.startsAt <= :now AND s.endsAt > :now', { now });
    } else {
      qb.where('s.companyId = :companyId', { companyId: actor.companyId });
      const served = servedCommunities(actor);
      if (served !== 'all') {
        if (!served.length) return [];
        qb.andWhere('s.communityId IN (:...communityIds)', { communityIds: served });
      }
      if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    }
    if (query.communityId) qb.andWhere('s.communityId = :communityId', { communityId: query.communityId });
    const surveys = await qb.orderBy('s.startsAt', 'DESC').addOrderBy('s.id', 'DESC').take(200).getMany();
    return this.toViews(actor, surveys);
  }

  async respond(actor: Actor, id: number, dto: SurveyResponseDto): Promise<{ id: number; surveyId: number }> {
    const survey = Number.isSafeInteger(id) ? await this.ds.getRepository(Survey).findOneBy({ id }) : null;
    const communities = await this.bindings.verifiedCommunityIds(actor.userId);
    if (!survey || !communities.includes(survey.communityId)) throw notFound('survey');
    const house = await this.places.findHouse(dto.houseId);
    if (!house || !(await this.bindings.isVerified(actor.userId, house.id))) throw notFound('house');
    if (house.communityId !== survey.communityId) {
      throw new AppError('VALIDATION_FAILED', 'the house is not in the survey community', [
        { field: 'houseId', problems: ["must be one of your houses in the survey's community"] },
      ]);
    }
    const now = this.clock.now();
    if (survey.status !== 'open' || now < survey.startsAt || now >= survey.endsAt) {
      throw new AppError('TRANSITION_NOT_ALLOWED', 'the survey is not open for answers', { status: survey.status });
    }
    // A stable code of its own: the mini-program shows 已提交 for it.
    const answered = () => new AppError('SURVEY_ALREADY_ANSWERED', 'already answered');
    if (await this.ds.getRepository(SurveyResponse).existsBy({ surveyId: id, userId: actor.userId })) throw answered();
    const repo = this.ds.getRepository(SurveyResponse);
    try {
      // The unique (surveyId, userId) index decides a double submit: one answer per household
      // member and survey (a scheduled survey is one community's one period).
      const saved = await repo.save(
        repo.create({
          surveyId: id,
          userId: actor.userId,
          houseId: house.id,
          overall: dto.overall,
          expectation: dto.expectation,
          ideal: dto.ideal,
          nps: dto.nps,
          servperf: {
            tangibles: dto.servperf.tangibles,
            reliability: dto.servperf.reliability,
            responsiveness: dto.servperf.responsiveness,
            assurance: dto.servperf.assurance,
            empathy: dto.servperf.empathy,
          },
          comment: dto.comment?.trim() || null,
          createdAt: now,
        }),
      );
      return { id: saved.id, surveyId: id };
    } catch (e) {
      if (isUniqueViolation(e)) throw answered();
      throw e;
    }
  }

  async results(actor: Actor, id: number): Promise<SurveyResultsView> {
    const survey = await this.findForStaff(actor, id);
    const rows = await this.ds.getRepository(SurveyResponse).find({ where: { surveyId: id }, order: { id: 'ASC' } });
    const community = await this.places.findCommunity(survey.communityId);
    if (!community) throw notFound('community');
    const results = surveyResults(
      rows.map((r) => ({
        overall: r.overall,
        expectation: r.expectation,
        ideal: r.ideal,
        nps: r.nps,
        servperf: r.servperf,
      })),
      survey.weights,
    );
    const respondingHouseholds = new Set(rows.map((r) => r.houseId)).size;
    return {
      surveyId: survey.id,
      ...results,
      households: community.households,
      respondingHouseholds,
      responseRate: community.households > 0 ? respondingHouseholds / community.households : null,
    };
  }

  /** A survey of the caller's company, in a community they serve (admins: all). */
  private async findForStaff(actor: Actor, id: number): Promise<Survey> {
    const survey = Number.isSafeInteger(id) ? await this.ds.getRepository(Survey).findOneBy({ id }) : null;
    if (survey === null || !servesRow(actor, survey)) throw notFound('survey');
    return survey;
  }

  private async toViews(actor: Actor, surveys: Survey[]): Promise<SurveyView[]> {
    if (!surveys.length) return [];
    const ids = surveys.map((s) => s.id);
    const communities = new Map(
      (await this.places.findCommunities([...new Set(surveys.map((s) => s.communityId))])).map((c) => [c.id, c.name]),
    );
    const counts = new Map<number, number>();
    const answered = new Set<number>();
    if (actor.role === 'resident') {
      const mine = await this.ds.getRepository(SurveyResponse).find({
        select: { surveyId: true },
        where: { surveyId: In(ids), userId: actor.userId },
      });
      for (const r of mine) answered.add(r.surveyId);
    } else {
      const rows: Array<{ surveyId: number; n: string | number }> = await this.ds
        .getRepository(SurveyResponse)
        .createQueryBuilder('r')
        .select('r.surveyId', 'surveyId')
        .addSelect('COUNT(*)', 'n')
        .where('r.surveyId IN (:...ids)', { ids })
        .groupBy('r.surveyId')
        .getRawMany();
      for (const r of rows) counts.set(Number(r.surveyId), Number(r.n));
    }
    return surveys.map((s) => ({
      id: s.id,
      communityId: s.communityId,
      communityName: communities.get(s.communityId) ?? '',
      title: s.title,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      status: s.status as SurveyStatus,
      weights: s.weights,
      createdAt: s.createdAt.toISOString(),
      periodKey: s.periodKey ?? null,
      ...(actor.role === 'resident' ? { answered: answered.has(s.id) } : { responses: counts.get(s.id) ?? 0 }),
    }));
  }
}
