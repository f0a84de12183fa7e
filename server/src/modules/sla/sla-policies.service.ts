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
  type Weekday,
} from '@linli/shared';
import { DataSource, type EntityManager, Not } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { transactionWithRetry } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { lockCompany, scopeWhere } from '../routing/routing-rules.service.js';
import type { EffectivePolicyQuery, SlaPolicyDto } from './sla-policies.dto.js';
import { SlaPolicy } from './sla.entities.js';

export interface SlaPolicyView {
  id: number;
  communityId: number | null;
  category: string | null;
  priority: Priority;
  acceptMinutes: number;
  /** null = by appointment: no arrive clock. */
  arriveMinutes: number | null;
  resolveMinutes: number;
  /** null = around the clock. */
  calendar: BusinessCalendar | null;
  enabled: boolean;
}

/** The targets that apply to an order, from a policy or the shared defaults. */
export interface EffectiveSlaPolicy {
  acceptMinutes: number;
  arriveMinutes: number | null;
  resolveMinutes: number;
  calendar: BusinessCalendar | null;
  /** null = no policy applies: DEFAULT_SLA_TARGETS, around the clock. */
  policyId: number | null;
}

@Injectable()
export class SlaPoliciesRepository {
  constructor(@InjectDataSource() readonly ds: DataSource) {}

  listForCompany(companyId: number): Promise<SlaPolicy[]> {
    return this.ds.getRepository(SlaPolicy).find({ where: { companyId }, order: { id: 'ASC' } });
  }

  findInCompany(companyId: number, id: number, em: EntityManager = this.ds.manager): Promise<SlaPolicy | null> {
    if (!Number.isSafeInteger(id) || id < 1) return Promise.resolve(null);
    return em.findOneBy(SlaPolicy, { id, companyId });
  }

  /** Enabled policies of the company for the priority whose community and category fit the order. */
  matching(
    companyId: number,
    order: { communityId: number; category: string; priority: string },
    em: EntityManager = this.ds.manager,
  ): Promise<SlaPolicy[]> {
    return em
      .createQueryBuilder(SlaPolicy, 'p')
      .where('p.companyId = :companyId', { companyId })
      .andWhere('p.enabled = :enabled', { enabled: true })
      .andWhere('p.priority = :priority', { priority: order.priority })
      .andWhere('(p.communityId IS NULL OR p.communityId = :communityId)', { communityId: order.communityId })
      .andWhere('(p.category IS NULL OR p.category = :category)', { category: order.category })
      .orderBy('p.id', 'ASC')
      .getMany();
  }

  sameScope(
    em: EntityManager,
    companyId: number,
    scope: { communityId: number | null; category: string | null; priority: string },
    exceptId?: number,
  ): Promise<SlaPolicy | null> {
    return em.findOneBy(SlaPolicy, {
      companyId,
      ...scopeWhere(scope),
      ...(exceptId !== undefined ? { id: Not(exceptId) } : {}),
    });
  }

  insert(em: EntityManager, data: Partial<SlaPolicy>): Promise<SlaPolicy> {
    return em.save(em.create(SlaPolicy, data));
  }

  async update(em: EntityManager, id: number, data: Partial<SlaPolicy>): Promise<void> {
    await em.update(SlaPolicy, { id }, data);
  }

  async remove(em: EntityManager, id: number): Promise<void> {
    await em.delete(SlaPolicy, { id });
  }
}

type PolicyFields = Omit<SlaPolicy, 'id' | 'companyId'>;

/** The audited fields of a policy (the same keys as a write's). */
function auditFields(p: SlaPolicy): PolicyFields {
  const { id: _id, companyId: _companyId, ...fields } = p;
  return fields;
}

/** SLA policies per community x category x priority, and which targets apply to an order. */
@Injectable()
export class SlaPoliciesService {
  constructor(
    @Inject(SlaPoliciesRepository) private readonly policies: SlaPoliciesRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
  ) {}

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

  async list(actor: Actor): Promise<SlaPolicyView[]> {
    return (await this.policies.listForCompany(actor.companyId!)).map(toView);
  }

  async create(actor: Actor, dto: SlaPolicyDto): Promise<SlaPolicyView> {
    const fields = this.fieldsOf(dto);
    const policy = await transactionWithRetry(this.policies.ds, async (em) => {
      await lockCompany(this.policies.ds, em, actor.companyId!);
      await this.checkReferences(em, actor.companyId!, fields);
      const row = await this.policies.insert(em, { companyId: actor.companyId!, ...fields });
      await recordAudit(em, actor, 'create', 'sla_policy', row.id, null, fields);
      return row;
    });
    return toView((await this.policies.findInCompany(actor.companyId!, policy.id))!);
  }

  /** Replaces every field of the policy. Orders already running keep the targets they started with. */
  async update(actor: Actor, id: number, dto: SlaPolicyDto): Promise<SlaPolicyView> {
    if (!(await this.policies.findInCompany(actor.companyId!, id))) throw notFound('SLA policy');
    const fields = this.fieldsOf(dto);
    await transactionWithRetry(this.policies.ds, async (em) => {
      await lockCompany(this.policies.ds, em, actor.companyId!);
      const before = await this.policies.findInCompany(actor.companyId!, id, em);
      if (!before) throw notFound('SLA policy');
      await this.checkReferences(em, actor.companyId!, fields, id);
      await this.policies.update(em, id, fields);
      await recordAudit(em, actor, 'update', 'sla_policy', id, auditFields(before), fields);
    });
    return toView((await this.policies.findInCompany(actor.companyId!, id))!);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    await transactionWithRetry(this.policies.ds, async (em) => {
      const before = await this.policies.findInCompany(actor.companyId!, id, em);
      if (!before) throw notFound('SLA policy');
      await this.policies.remove(em, id);
      await recordAudit(em, actor, 'delete', 'sla_policy', id, auditFields(before), null);
    });
  }

  /** What an order of this community, category and priority would be measured against. */
  async effective(
    actor: Actor,
    query: EffectivePolicyQuery,
  ): Promise<EffectiveSlaPolicy & { source: 'policy' | 'default' }> {
    const community = await this.places.findCommunity(query.communityId);
    if (!community || community.companyId !== actor.companyId) throw notFound('community');
    if (!(await this.categories.exists(actor.companyId, query.category))) {
      throw new AppError('VALIDATION_FAILED', 'unknown category', [
        { field: 'category', problems: [`no category "${query.category}" in this company`] },
      ]);
    }
    const policy = await this.effectivePolicy(actor.companyId, community.id, query.category, query.priority);
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

  /** Community and category must be the company's, and no other policy may have the same scope. */
  private async checkReferences(em: EntityManager, companyId: number, f: PolicyFields, exceptId?: number) {
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
    if (!errors.length) {
      const twin = await this.policies.sameScope(em, companyId, f, exceptId);
      if (twin) errors.push({ field: 'communityId', problems: [`a policy for this scope exists (#${twin.id})`] });
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', 'SLA policy is invalid', errors);
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
