import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuditAction, AuditEntityType, AuditLogEntryView, Page } from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AuditLogQuery } from './audit.dto.js';
import { AuditLog } from './audit-log.entity.js';

/** A JSON-safe copy (dates as ISO strings), so the stored snapshot is exactly what a reader gets back. */
function snapshot(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Record an admin change in the audit log. Call it with the transaction's `em` of the change,
 * so the entry commits or rolls back with it. `before` null = created, `after` null = deleted.
 */
export async function recordAudit(
  em: EntityManager,
  actor: Actor,
  action: AuditAction,
  entityType: AuditEntityType,
  entityId: number | null,
  before: unknown,
  after: unknown,
): Promise<void> {
  await em.insert(AuditLog, {
    companyId: actor.companyId!,
    actorId: actor.userId,
    at: new Date(),
    action,
    entityType,
    entityId,
    before: snapshot(before) as object | null,
    after: snapshot(after) as object | null,
    requestId: actor.requestId ?? null,
  });
}

/** Reads of the audit log: admins their company, newest first, paginated on the server. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(UsersRepository) private readonly users: UsersRepository,
  ) {}

  async list(actor: Actor, query: AuditLogQuery): Promise<Page<AuditLogEntryView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.ds
      .getRepository(AuditLog)
      .createQueryBuilder('a')
      .where('a.companyId = :companyId', { companyId: actor.companyId });
    if (query.entityType) qb.andWhere('a.entityType = :entityType', { entityType: query.entityType });
    if (query.actorId) qb.andWhere('a.actorId = :actorId', { actorId: query.actorId });
    if (query.entityId) qb.andWhere('a.entityId = :entityId', { entityId: query.entityId });
    if (query.from) qb.andWhere('a.at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('a.at < :to', { to: new Date(query.to) });
    const [rows, total] = await qb
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is number => id !== null))];
    const names = new Map((await this.users.findByIds(actorIds)).map((u) => [u.id, u.name]));
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: r.actorId === null ? null : { id: r.actorId, name: names.get(r.actorId) ?? '' },
        action: r.action as AuditAction,
        entityType: r.entityType as AuditEntityType,
        entityId: r.entityId,
        before: r.before ?? null,
        after: r.after ?? null,
        requestId: r.requestId,
      })),
      total,
      page,
      pageSize,
    };
  }
}
