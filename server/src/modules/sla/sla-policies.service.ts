import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_SLA_TARGETS,
  PRIORITIES,
  selectRule,
  validateBusinessCalendar,
  type BusinessCalendar,
  type FieldError,
  type Priority,
  type SlaPolicyView,
  type Weekday,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { ScopedCrud, ScopedRows } from '../../common/scoped-crud.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import type { EffectivePolicyQuery, SlaPolicyDto } from './sla-policies.dto.js';
import { SlaPolicy } from './sla.entities.js';

export type { SlaPolicyView };

/** The targets that apply to an order, from a policy or the shared defaults. */
export interface EffectiveSlaPolicy {
  acceptMinutes: number;
  arriveMinutes: number | null;
  resolveMinutes: number;
  calendar: BusinessCalendar | null;
  /** null = no policy applies: DEFAULT_SLA_TARGETS, around the clock. */
  policyId: number | null;
}

/** The sla_policy table: a company's policies by id and scope (ScopedRows), and the policies that fit an order. */
@Injectable()
export class SlaPoliciesRepository extends ScopedRows<SlaPolicy> {
  constructor(@InjectDataSource() ds: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    // `matching` (the SLA policies that fit an order) is cached per company: common/read-cache.ts.
    super(ds, SlaPolicy, config.configCacheMs);
  }
}

type PolicyFields = Omit<SlaPolicy, 'id' | 'companyId'>;

/** The audited fields of a policy (the same keys as a write's). */
function auditFields(p: SlaPolicy): PolicyFields {
  const { id: _id, companyId: _companyId, ...fields } = p;
  return fields;
}

/**
 * SLA policies per community x category x priority, and which targets apply to an order.
 * List, create, replace and delete are the scoped-setting CRUD (common/scoped-crud.ts); this
 * service adds the policy's own fields and the target and calendar checks.
 */
@Injectable()
export class SlaPoliciesService {
  private readonly crud: ScopedCrud<SlaPolicy, PolicyFields, SlaPolicyView>;

  constructor(
    @Inject(SlaPoliciesRepository) private readonly policies: SlaPoliciesRepository,
    @Inject(PlacesRepository) places: PlacesRepository,
    @Inject(CategoriesRepository) categories: CategoriesRepository,
  ) {
    this.crud = new ScopedCrud({
      rows: policies,
      places,
      categories,
      auditType: 'sla_policy',
      label: 'SLA policy',
      noun: 'policy',
      fieldsOf: auditFields,
      toView,
    });
  }

  /**
   * The targets for an order: the most specific enabled policy for its priority (community +
   * category > community > category > company-wide, the same order as routing rules, hence
   * shared selectRule), else DEFAULT_SLA_TARGETS around the clock. Throws RangeError for a
   * priority that is not P1..P4. Pass `em` inside a transaction.
   */
  async effectivePolicy(
    companyId: number,
    communityId: number,
    category: string,
    priority: string,
    em?: EntityManager,
  ): Promise<EffectiveSlaPolicy> {
    if (!(PRIORITIES as readonly string[]).includes(priority)) throw new RangeError(`unknown priority ${priority}`);
    const rows = await this.policies.matching(companyId, { communityId, category, priority }, em);
    const typed = rows as unknown as Array<SlaPolicy & { priority: Priority }>;
    const policy = selectRule(typed, { communityId, category, priority: priority as Priority });
    if (!policy) {
      const d = DEFAULT_SLA_TARGETS[priority as Priority];
      return {
        acceptMinutes: d.acceptMinutes,
        arriveMinutes: d.arriveMinutes,
        resolveMinutes: d.resolveMinutes,
        calendar: null,
        policyId: null,
      };
    }
    return {
      acceptMinutes: policy.acceptMinutes,
      arriveMinutes: policy.arriveMinutes,
      resolveMinutes: policy.resolveMinutes,
      calendar: policy.calendar,
      policyId: policy.id,
    };
  }

  list(actor: Actor): Promise<SlaPolicyView[]> {
    return this.crud.list(actor);
  }

  create(actor: Actor, dto: SlaPolicyDto): Promise<SlaPolicyView> {
    return this.crud.create(actor, this.fieldsOf(dto));
  }

  /** Replaces every field of the policy. Orders already running keep the targets they started with. */
  update(actor: Actor, id: number, dto: SlaPolicyDto): Promise<SlaPolicyView> {
    return this.crud.update(actor, id, () => this.fieldsOf(dto));
  }

  remove(actor: Actor, id: number): Promise<void> {
    return this.crud.remove(actor, id);
  }

  /** What an order of this community, category and priority would be measured against. */
  async effective(
    actor: Actor,
    query: EffectivePolicyQuery,
  ): Promise<EffectiveSlaPolicy & { source: 'policy' | 'default' }> {
    await this.crud.checkQuery(actor, query);
    const policy = await this.effectivePolicy(actor.companyId!, query.communityId, query.category, query.priority);
    return { ...policy, source: policy.policyId === null ? 'default' : 'policy' };
  }

  /** The row's fields from the DTO; the calendar checked by the shared rule. */
  private fieldsOf(dto: SlaPolicyDto): PolicyFields {
    const errors: FieldError[] = [];
    if (dto.resolveMinutes < dto.acceptMinutes) {
      errors.push({ field: 'resolveMinutes', problems: ['resolveMinutes must be at least acceptMinutes'] });
    }
    let calendar: BusinessCalendar | null = null;
    if (dto.calendar) {
      calendar = {
        days: dto.calendar.days.map((d) => ({
          weekday: d.weekday as Weekday,
          startMinute: d.startMinute,
          endMinute: d.endMinute,
        })),
        holidays: [...new Set(dto.calendar.holidays ?? [])].sort(),
      };
      const problems = validateBusinessCalendar(calendar);
      if (problems.length) {
        errors.push(...calendarFields(problems));
      }
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', 'SLA policy is invalid', errors);
    return {
      communityId: dto.communityId ?? null,
      category: dto.category ?? null,
      priority: dto.priority,
      acceptMinutes: dto.acceptMinutes,
      arriveMinutes: dto.arriveMinutes ?? null,
      resolveMinutes: dto.resolveMinutes,
      calendar,
      enabled: dto.enabled ?? true,
    };
  }
}

/** "days[2]: endMinute must ..." -> { field: 'calendar.days.2', problems: ['endMinute must ...'] }. */
function calendarFields(problems: string[]): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const p of problems) {
    const m = /^(\w+)\[(\d+)\]: (.*)$/.exec(p);
    const field = m ? `calendar.${m[1]}.${m[2]}` : 'calendar';
    byField.set(field, [...(byField.get(field) ?? []), m ? m[3] : p]);
  }
  return [...byField].map(([field, list]) => ({ field, problems: list }));
}

function toView(p: SlaPolicy): SlaPolicyView {
  return {
    id: p.id,
    communityId: p.communityId,
    category: p.category,
    priority: p.priority as Priority,
    acceptMinutes: p.acceptMinutes,
    arriveMinutes: p.arriveMinutes,
    resolveMinutes: p.resolveMinutes,
    calendar: p.calendar,
    enabled: p.enabled,
  };
}
