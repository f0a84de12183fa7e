/**
 * The CRUD mechanics of a company's scoped settings: routing rules (routing module) and SLA
 * policies (sla module). Each is a row of one company for a scope (community x category x
 * priority, null = any), and the two share every rule of how they are kept:
 *
 * - at most one row per scope in a company (no unique index can say it: the scope columns are
 *   nullable), so every write first locks the company row (lockCompany), then checks;
 * - community and category of a scope must be the company's; a field error names each bad one;
 * - a write runs in one transaction, retried when the database picks it as a deadlock victim,
 *   and records its audit entry (before/after fields) in that transaction;
 * - PUT replaces every field; a row of another company is "not found", never "forbidden";
 * - reads are answered with the owning module's view of a row, re-read after the commit.
 *
 * The owning module keeps its table (ScopedRows over its entity), how a DTO becomes fields and
 * a row becomes a view, and any reference it checks beyond the scope (checkMore).
 */
import type { AuditEntityType, FieldError } from '@linli/shared';
import {
  IsNull,
  Not,
  type DataSource,
  type DeepPartial,
  type EntityManager,
  type EntityTarget,
  type FindOptionsOrder,
  type FindOptionsWhere,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { recordAudit } from '../modules/audit/audit.service.js';
import { AppError, notFound } from './app-error.js';
import type { Actor } from './auth/actor.js';
import { transactionWithRetry } from './db-errors.js';
import { ReadCache } from './read-cache.js';

/** Which orders a rule (or an SLA policy) is for; null = any. */
export interface RuleScope {
  communityId: number | null;
  category: string | null;
  priority: string | null;
}

/**
 * Serialise the scoped-setting changes of one company on MySQL/MariaDB, so that "no other row
 * has this scope" stays true until commit. SQLite runs one write transaction at a time anyway.
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

/** A row of a company's scoped setting. */
export interface ScopedRow {
  id: number;
  companyId: number;
  communityId: number | null;
  category: string | null;
  priority: string | null;
  enabled: boolean;
}

/** The table side: one entity's rows of a company, by id and by scope. Extend it per entity. */
export class ScopedRows<Row extends ScopedRow> {
  /** Each company's enabled rows, which every order reads (common/read-cache.ts); forgotten on every write here. */
  private readonly enabled: ReadCache<number, Row[]>;

  constructor(
    readonly ds: DataSource,
    private readonly entity: EntityTarget<Row>,
    cacheTtlMs = 0,
  ) {
    this.enabled = new ReadCache(cacheTtlMs);
  }

  /**
   * The company's enabled rows whose every set scope field equals the order's, oldest first
   * (routing rules and SLA policies that fit an order; `selectRule` picks among them).
   */
  async matching(
    companyId: number,
    order: { communityId: number; category: string; priority: string },
    em: EntityManager = this.ds.manager,
  ): Promise<Row[]> {
    const rows = await this.enabled.get(companyId, () =>
      em.find(this.entity, {
        where: { companyId, enabled: true } as unknown as FindOptionsWhere<Row>,
        order: { id: 'ASC' } as FindOptionsOrder<Row>,
      }),
    );
    return rows.filter(
      (r) =>
        (r.communityId === null || r.communityId === order.communityId) &&
        (r.category === null || r.category === order.category) &&
        (r.priority === null || r.priority === order.priority),
    );
  }

  listForCompany(companyId: number): Promise<Row[]> {
    return this.ds.getRepository(this.entity).find({
      where: { companyId } as FindOptionsWhere<Row>,
      order: { id: 'ASC' } as FindOptionsOrder<Row>,
    });
  }

  findInCompany(companyId: number, id: number, em: EntityManager = this.ds.manager): Promise<Row | null> {
    if (!Number.isSafeInteger(id) || id < 1) return Promise.resolve(null);
    return em.findOneBy(this.entity, { id, companyId } as FindOptionsWhere<Row>);
  }

  /** Another row of the company with exactly this scope (nulls equal), if any. */
  sameScope(em: EntityManager, companyId: number, scope: RuleScope, exceptId?: number): Promise<Row | null> {
    return em.findOneBy(this.entity, {
      companyId,
      ...scopeWhere(scope),
      ...(exceptId !== undefined ? { id: Not(exceptId) } : {}),
    } as FindOptionsWhere<Row>);
  }

  insert(em: EntityManager, data: DeepPartial<Row>): Promise<Row> {
    this.enabled.forget();
    return em.save(this.entity, em.create(this.entity, data));
  }

  async update(em: EntityManager, id: number, data: QueryDeepPartialEntity<Row>): Promise<void> {
    this.enabled.forget();
    await em.update(this.entity, { id }, data);
  }

  async remove(em: EntityManager, id: number): Promise<void> {
    this.enabled.forget();
    await em.delete(this.entity, { id });
  }
}

/** What ScopedCrud needs to know of communities and categories (the places and categories repositories). */
export interface ScopeLookups {
  places: { findCommunity(id: number): Promise<{ companyId: number } | null> };
  categories: { exists(companyId: number, code: string): Promise<boolean> };
}

export interface ScopedCrudSpec<Row extends ScopedRow, Fields extends RuleScope, View> extends ScopeLookups {
  rows: ScopedRows<Row>;
  auditType: AuditEntityType;
  /** 'routing rule': "routing rule not found", "routing rule is invalid". */
  label: string;
  /** 'rule': "a rule for this scope exists (#7)". */
  noun: string;
  /** The audited fields of a row (the same keys as a write's). */
  fieldsOf(row: Row): Fields;
  toView(row: Row): View;
  /** References beyond the scope (checked after community and category, before the same-scope rule). */
  checkMore?(em: EntityManager, companyId: number, fields: Fields): Promise<FieldError[]>;
}

/** List, create, replace and delete one kind of scoped setting, by the rules in this file's header. */
export class ScopedCrud<Row extends ScopedRow, Fields extends RuleScope, View> {
  constructor(private readonly spec: ScopedCrudSpec<Row, Fields, View>) {}

  async list(actor: Actor): Promise<View[]> {
    return (await this.spec.rows.listForCompany(actor.companyId!)).map((r) => this.spec.toView(r));
  }

  async create(actor: Actor, fields: Fields): Promise<View> {
    const { rows, auditType } = this.spec;
    const companyId = actor.companyId!;
    const row = await transactionWithRetry(rows.ds, async (em) => {
      await lockCompany(rows.ds, em, companyId);
      await this.check(em, companyId, fields);
      const inserted = await rows.insert(em, { companyId, ...fields } as unknown as DeepPartial<Row>);
      await recordAudit(em, actor, 'create', auditType, inserted.id, null, fields);
      return inserted;
    });
    return this.spec.toView((await rows.findInCompany(companyId, row.id))!);
  }

  /**
   * Replaces every field of the row. `build` turns the request into fields after the row is
   * known to exist, so an unknown id is "not found" whatever the body says.
   */
  async update(actor: Actor, id: number, build: () => Fields): Promise<View> {
    const { rows, auditType, label } = this.spec;
    const companyId = actor.companyId!;
    if (!(await rows.findInCompany(companyId, id))) throw notFound(label);
    const fields = build();
    await transactionWithRetry(rows.ds, async (em) => {
      await lockCompany(rows.ds, em, companyId);
      const before = await rows.findInCompany(companyId, id, em);
      if (!before) throw notFound(label);
      await this.check(em, companyId, fields, id);
      await rows.update(em, id, fields as unknown as QueryDeepPartialEntity<Row>);
      await recordAudit(em, actor, 'update', auditType, id, this.spec.fieldsOf(before), fields);
    });
    return this.spec.toView((await rows.findInCompany(companyId, id))!);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    const { rows, auditType, label } = this.spec;
    await transactionWithRetry(rows.ds, async (em) => {
      const before = await rows.findInCompany(actor.companyId!, id, em);
      if (!before) throw notFound(label);
      await rows.remove(em, id);
      await recordAudit(em, actor, 'delete', auditType, id, this.spec.fieldsOf(before), null);
    });
  }

  /**
   * A read-only question about a scope (which rule or policy would apply): the community must
   * be the actor's company's (else "community not found") and the category one of its codes.
   */
  async checkQuery(actor: Actor, query: { communityId: number; category: string }): Promise<void> {
    if (!(await this.communityInCompany(actor.companyId!, query.communityId))) throw notFound('community');
    if (!(await this.spec.categories.exists(actor.companyId!, query.category))) {
      throw new AppError('VALIDATION_FAILED', 'unknown category', [
        { field: 'category', problems: [`no category "${query.category}" in this company`] },
      ]);
    }
  }

  private async communityInCompany(companyId: number, communityId: number): Promise<boolean> {
    const community = await this.spec.places.findCommunity(communityId);
    return !!community && community.companyId === companyId;
  }

  /** Community and category must be the company's, then checkMore, then no other row may have the same scope. */
  private async check(em: EntityManager, companyId: number, f: Fields, exceptId?: number): Promise<void> {
    const errors: FieldError[] = [];
    if (f.communityId !== null && !(await this.communityInCompany(companyId, f.communityId))) {
      errors.push({ field: 'communityId', problems: ['no such community in this company'] });
    }
    if (f.category !== null && !(await this.spec.categories.exists(companyId, f.category))) {
      errors.push({ field: 'category', problems: [`no category "${f.category}" in this company`] });
    }
    if (this.spec.checkMore) errors.push(...(await this.spec.checkMore(em, companyId, f)));
    if (!errors.length) {
      const twin = await this.spec.rows.sameScope(em, companyId, f, exceptId);
      if (twin) {
        errors.push({ field: 'communityId', problems: [`a ${this.spec.noun} for this scope exists (#${twin.id})`] });
      }
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', `${this.spec.label} is invalid`, errors);
  }
}
