import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_MAX_REFUSALS,
  GRADE_NAMES,
  selectRule,
  validateWeights,
  type Priority,
  type RoutingMode,
  type RoutingRuleView,
  type RoutingWeights,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { ScopedCrud, ScopedRows } from '../../common/scoped-crud.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { TeamsRepository } from '../staff/teams.repository.js';
import { DEFAULT_OFFER_TIMEOUT_SECONDS, type RoutingRuleDto, type RulePreviewQuery } from './routing-rules.dto.js';
import { RoutingRule } from './routing.entities.js';

export type { RoutingRuleView };

/** The routing_rule table: a company's rules by id and scope (ScopedRows), and the rules that fit an order. */
@Injectable()
export class RoutingRulesRepository extends ScopedRows<RoutingRule> {
  constructor(@InjectDataSource() ds: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    // `matching` (the routing rules that fit an order) is cached per company: common/read-cache.ts.
    super(ds, RoutingRule, config.configCacheMs);
  }
}

type RuleFields = Omit<RoutingRule, 'id' | 'companyId' | 'updatedAt'>;

/**
 * Routing rules (派单规则) per community x category x priority, and which one applies to an order.
 * List, create, replace and delete are the scoped-setting CRUD (common/scoped-crud.ts); this
 * service adds the rule's own fields and defaults, the team check and the weights check.
 */
@Injectable()
export class RoutingRulesService {
  private readonly crud: ScopedCrud<RoutingRule, RuleFields, RoutingRuleView>;

  constructor(
    @Inject(RoutingRulesRepository) private readonly rules: RoutingRulesRepository,
    @Inject(PlacesRepository) places: PlacesRepository,
    @Inject(CategoriesRepository) categories: CategoriesRepository,
    @Inject(TeamsRepository) teams: TeamsRepository,
  ) {
    this.crud = new ScopedCrud({
      rows: rules,
      places,
      categories,
      auditType: 'routing_rule',
      label: 'routing rule',
      noun: 'rule',
      fieldsOf: auditFields,
      toView,
      // Only members of the rule's team are candidates: the team must be the company's.
      checkMore: async (em, companyId, f) =>
        f.teamId !== null && !(await teams.findInCompany(companyId, f.teamId, em))
          ? [{ field: 'teamId', problems: ['no such team in this company'] }]
          : [],
    });
  }

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

  list(actor: Actor): Promise<RoutingRuleView[]> {
    return this.crud.list(actor);
  }

  create(actor: Actor, dto: RoutingRuleDto): Promise<RoutingRuleView> {
    return this.crud.create(actor, this.fieldsOf(dto));
  }

  /** Replaces every field of the rule. */
  update(actor: Actor, id: number, dto: RoutingRuleDto): Promise<RoutingRuleView> {
    return this.crud.update(actor, id, () => this.fieldsOf(dto));
  }

  remove(actor: Actor, id: number): Promise<void> {
    return this.crud.remove(actor, id);
  }

  /** Which rule an order of this community, category and priority would be routed by. */
  async preview(actor: Actor, query: RulePreviewQuery): Promise<{ rule: RoutingRuleView | null }> {
    await this.crud.checkQuery(actor, query);
    const rule = await this.ruleFor(actor.companyId!, query.communityId, query.category, query.priority);
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
