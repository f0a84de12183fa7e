import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  GRADE_NAMES,
  selectRule,
  validateWeights,
  type FieldError,
  type Priority,
  type RoutingMode,
  type RoutingWeights,
} from '@linli/shared';
import { DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { transactionWithRetry } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { Team } from '../staff/staff.entities.js';
import {
  DEFAULT_MAX_REFUSALS,
  DEFAULT_OFFER_TIMEOUT_SECONDS,
  type RoutingRuleDto,
  type RulePreviewQuery,
} from './routing-rules.dto.js';
import { RoutingRule } from './routing.entities.js';

export interface RoutingRuleView {
  id: number;
  communityId: number | null;
  category: string | null;
  priority: Priority | null;
  mode: RoutingMode;
  teamId: number | null;
  offerTimeoutSeconds: number;
  maxRefusals: number;
  /** null = the default weights. */
  weights: RoutingWeights | null;
  enabled: boolean;
  updatedAt: string;
}

/** Which orders a rule (or an SLA policy) is for; null = any. */
export interface RuleScope {
  communityId: number | null;
  category: string | null;
  priority: string | null;
}

/**
 * Serialise rule and policy changes of one company on MySQL/MariaDB, so that "no other row
 * has this scope" stays true until commit (no unique index can say it: the scope columns are
 * nullable). SQLite runs one write transaction at a time anyway.
 */
export async function lockCompany(ds: DataSource, em: EntityManager, companyId: number): Promise<void> {
  if (ds.options.type !== 'mariadb' && ds.options.type !== 'mysql') return;
  await em.query('SELECT id FROM company WHERE id = ? FOR UPDATE', [companyId]);
}

/** Null-safe equality on the scope columns, as find() conditions. */
export function scopeWhere(scope: RuleScope) {
  return {
    communityId: scope.communityId === null ? IsNull() : scope.communityId,
    category: scope.category === null ? IsNull() : scope.category,
    priority: scope.priority === null ? IsNull() : scope.priority,
  };
}

@Injectable()
export class RoutingRulesRepository {
  constructor(@InjectDataSource() readonly ds: DataSource) {}

  listForCompany(companyId: number): Promise<RoutingRule[]> {
    return this.ds.getRepository(RoutingRule).find({ where: { companyId }, order: { id: 'ASC' } });
  }

  findInCompany(companyId: number, id: number, em: EntityManager = this.ds.manager): Promise<RoutingRule | null> {
    if (!Number.isSafeInteger(id) || id < 1) return Promise.resolve(null);
    return em.findOneBy(RoutingRule, { id, companyId });
  }

  /** Enabled rules of the company whose every set field equals the order's, oldest first. */
  matching(
    companyId: number,
    order: { communityId: number; category: string; priority: string },
    em: EntityManager = this.ds.manager,
  ): Promise<RoutingRule[]> {
    return em
      .createQueryBuilder(RoutingRule, 'r')
      .where('r.companyId = :companyId', { companyId })
      .andWhere('r.enabled = :enabled', { enabled: true })
      .andWhere('(r.communityId IS NULL OR r.communityId = :communityId)', { communityId: order.communityId })
      .andWhere('(r.category IS NULL OR r.category = :category)', { category: order.category })
      .andWhere('(r.priority IS NULL OR r.priority = :priority)', { priority: order.priority })
      .orderBy('r.id', 'ASC')
      .getMany();
  }

  sameScope(em: EntityManager, companyId: number, scope: RuleScope, exceptId?: number): Promise<RoutingRule | null> {
    return em.findOneBy(RoutingRule, {
      companyId,
      ...scopeWhere(scope),
      ...(exceptId !== undefined ? { id: Not(exceptId) } : {}),
    });
  }

  teamInCompany(em: EntityManager, companyId: number, teamId: number): Promise<boolean> {
    return em.existsBy(Team, { id: teamId, companyId });
  }

  insert(em: EntityManager, data: Partial<RoutingRule>): Promise<RoutingRule> {
    return em.save(em.create(RoutingRule, data));
  }

  async update(em: EntityManager, id: number, data: Partial<RoutingRule>): Promise<void> {
    await em.update(RoutingRule, { id }, data);
  }

  async remove(em: EntityManager, id: number): Promise<void> {
    await em.delete(RoutingRule, { id });
  }
}

type RuleFields = Omit<RoutingRule, 'id' | 'companyId' | 'updatedAt'>;

/** Routing rules (派单规则) per community x category x priority, and which one applies to an order. */
@Injectable()
export class RoutingRulesService {
  constructor(
    @Inject(RoutingRulesRepository) private readonly rules: RoutingRulesRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
  ) {}

  /**
   * The rule that applies to an order (shared selectRule: the most specific enabled rule),
   * or null when none does. For the routing service; pass `em` inside a transaction.
   */
  async ruleFor(
    companyId: number,
    communityId: number,
    category: string,
    priority: string,
    em?: EntityManager,
  ): Promise<RoutingRule | null> {
    const rows = await this.rules.matching(companyId, { communityId, category, priority }, em);
    // The rows' priority column holds P1..P4 or null (checked on write).
    const typed = rows as unknown as Array<RoutingRule & { priority: Priority | null }>;
    return selectRule(typed, { communityId, category, priority: priority as Priority });
  }

  async list(actor: Actor): Promise<RoutingRuleView[]> {
    return (await this.rules.listForCompany(actor.companyId!)).map(toView);
  }

  async create(actor: Actor, dto: RoutingRuleDto): Promise<RoutingRuleView> {
    const fields = this.fieldsOf(dto);
    const rule = await transactionWithRetry(this.rules.ds, async (em) => {
      await lockCompany(this.rules.ds, em, actor.companyId!);
      await this.checkReferences(em, actor.companyId!, fields);
      const row = await this.rules.insert(em, { companyId: actor.companyId!, ...fields });
      await recordAudit(em, actor, 'create', 'routing_rule', row.id, null, fields);
      return row;
    });
    return toView((await this.rules.findInCompany(actor.companyId!, rule.id))!);
  }

  /** Replaces every field of the rule. */
  async update(actor: Actor, id: number, dto: RoutingRuleDto): Promise<RoutingRuleView> {
    if (!(await this.rules.findInCompany(actor.companyId!, id))) throw notFound('routing rule');
    const fields = this.fieldsOf(dto);
    await transactionWithRetry(this.rules.ds, async (em) => {
      await lockCompany(this.rules.ds, em, actor.companyId!);
      const before = await this.rules.findInCompany(actor.companyId!, id, em);
      if (!before) throw notFound('routing rule');
      await this.checkReferences(em, actor.companyId!, fields, id);
      await this.rules.update(em, id, fields);
      await recordAudit(em, actor, 'update', 'routing_rule', id, auditFields(before), fields);
    });
    return toView((await this.rules.findInCompany(actor.companyId!, id))!);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    await transactionWithRetry(this.rules.ds, async (em) => {
      const before = await this.rules.findInCompany(actor.companyId!, id, em);
      if (!before) throw notFound('routing rule');
      await this.rules.remove(em, id);
      await recordAudit(em, actor, 'delete', 'routing_rule', id, auditFields(before), null);
    });
  }

  /** Which rule an order of this community, category and priority would be routed by. */
  async preview(actor: Actor, query: RulePreviewQuery): Promise<{ rule: RoutingRuleView | null }> {
    const community = await this.places.findCommunity(query.communityId);
    if (!community || community.companyId !== actor.companyId) throw notFound('community');
    if (!(await this.categories.exists(actor.companyId, query.category))) {
      throw new AppError('VALIDATION_FAILED', 'unknown category', [
        { field: 'category', problems: [`no category "${query.category}" in this company`] },
      ]);
    }
    const rule = await this.ruleFor(actor.companyId, community.id, query.category, query.priority);
    return { rule: rule && toView(rule) };
  }

  /** The row's fields from the DTO, defaults applied, weights checked by the shared rule. */
  private fieldsOf(dto: RoutingRuleDto): RuleFields {
    let weights: RoutingWeights | null = null;
    if (dto.weights !== undefined && dto.weights !== null) {
      const unknown = Object.keys(dto.weights).filter((k) => !(GRADE_NAMES as readonly string[]).includes(k));
      const problems = [
        ...unknown.map((k) => `${k}: not a grade (grades: ${GRADE_NAMES.join(', ')})`),
        ...validateWeights(dto.weights),
      ];
      if (problems.length) {
        throw new AppError('VALIDATION_FAILED', 'weights are invalid', [{ field: 'weights', problems }]);
      }
      weights = Object.fromEntries(GRADE_NAMES.map((g) => [g, dto.weights![g] as number])) as RoutingWeights;
    }
    return {
      communityId: dto.communityId ?? null,
      category: dto.category ?? null,
      priority: dto.priority ?? null,
      mode: dto.mode,
      teamId: dto.teamId ?? null,
      offerTimeoutSeconds: dto.offerTimeoutSeconds ?? DEFAULT_OFFER_TIMEOUT_SECONDS,
      maxRefusals: dto.maxRefusals ?? DEFAULT_MAX_REFUSALS,
      weights,
      enabled: dto.enabled ?? true,
    };
  }

  /** Community, category and team must be the company's, and no other rule may have the same scope. */
  private async checkReferences(em: EntityManager, companyId: number, f: RuleFields, exceptId?: number) {
    const errors: FieldError[] = [];
    if (f.communityId !== null) {
      const community = await this.places.findCommunity(f.communityId);
      if (!community || community.companyId !== companyId) {
        errors.push({ field: 'communityId', problems: ['no such community in this company'] });
      }
    }
    if (f.category !== null && !(await this.categories.exists(companyId, f.category))) {
      errors.push({ field: 'category', problems: [`no category "${f.category}" in this company`] });
    }
    if (f.teamId !== null && !(await this.rules.teamInCompany(em, companyId, f.teamId))) {
      errors.push({ field: 'teamId', problems: ['no such team in this company'] });
    }
    if (!errors.length) {
      const twin = await this.rules.sameScope(em, companyId, f, exceptId);
      if (twin) errors.push({ field: 'communityId', problems: [`a rule for this scope exists (#${twin.id})`] });
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', 'routing rule is invalid', errors);
  }
}

/** The audited fields of a rule (the same keys as a write's). */
function auditFields(r: RoutingRule): RuleFields {
  const { id: _id, companyId: _companyId, updatedAt: _updatedAt, ...fields } = r;
  return fields;
}

function toView(r: RoutingRule): RoutingRuleView {
  return {
    id: r.id,
    communityId: r.communityId,
    category: r.category,
    priority: r.priority as Priority | null,
    mode: r.mode as RoutingMode,
    teamId: r.teamId,
    offerTimeoutSeconds: r.offerTimeoutSeconds,
    maxRefusals: r.maxRefusals,
    weights: r.weights,
    enabled: r.enabled,
    updatedAt: r.updatedAt.toISOString(),
  };
}
