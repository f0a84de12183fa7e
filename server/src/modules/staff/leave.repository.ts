import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThan, MoreThan } from 'typeorm';
import { StaffLeave } from './staff.entities.js';

export const LEAVE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type LeaveStatus = (typeof LEAVE_STATUSES)[number];

/** Whose leave a reviewer sees: a whole company, or the staff serving some communities. */
export type LeaveScope =
  | { kind: 'company'; companyId: number }
  | { kind: 'communities'; companyId: number; communityIds: number[] }
  | { kind: 'self'; userId: number };

@Injectable()
export class LeaveRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findById(id: number): Promise<StaffLeave | null> {
    if (!Number.isSafeInteger(id) || id < 1) return Promise.resolve(null);
    return this.ds.getRepository(StaffLeave).findOneBy({ id });
  }

  /** Leave of the scope, newest request first; `id` narrows to one request. */
  list(scope: LeaveScope, filter: { status?: LeaveStatus; id?: number }, limit = 500): Promise<StaffLeave[]> {
    const qb = this.ds.getRepository(StaffLeave).createQueryBuilder('l');
    switch (scope.kind) {
      case 'self':
        qb.where('l.userId = :self', { self: scope.userId });
        break;
      case 'company':
        qb.innerJoin('user', 'u', 'u.id = l.userId').where('u.companyId = :companyId', { companyId: scope.companyId });
        break;
      case 'communities':
        if (!scope.communityIds.length) return Promise.resolve([]);
        qb.innerJoin('user', 'u', 'u.id = l.userId')
          .where('u.companyId = :companyId', { companyId: scope.companyId })
          .andWhere('l.userId IN (SELECT sc.userId FROM staff_community sc WHERE sc.communityId IN (:...scoped))', {
            scoped: scope.communityIds,
          });
        break;
    }
    if (filter.status) qb.andWhere('l.status = :status', { status: filter.status });
    if (filter.id !== undefined) qb.andWhere('l.id = :id', { id: filter.id });
    return qb.orderBy('l.createdAt', 'DESC').addOrderBy('l.id', 'DESC').take(limit).getMany();
  }

  /** Pending or approved leave of the user that overlaps `[startAt, endAt)`. */
  findOverlapping(em: EntityManager, userId: number, startAt: Date, endAt: Date): Promise<StaffLeave | null> {
    return em.findOne(StaffLeave, {
      where: { userId, status: In(['pending', 'approved']), startAt: LessThan(endAt), endAt: MoreThan(startAt) },
      order: { startAt: 'ASC' },
    });
  }

  insert(em: EntityManager, data: Partial<StaffLeave>): Promise<StaffLeave> {
    return em.save(em.create(StaffLeave, data));
  }

  /** pending -> decision, only if still pending: of two racing reviewers exactly one wins. */
  async decideIfPending(
    id: number,
    decision: 'approved' | 'rejected',
    reviewerId: number,
    em: EntityManager = this.ds.manager,
  ): Promise<boolean> {
    const res = await em
      .createQueryBuilder()
      .update(StaffLeave)
      .set({ status: decision, reviewedById: reviewerId })
      .where('id = :id AND status = :pending', { id, pending: 'pending' })
      .execute();
    return (res.affected ?? 0) === 1;
  }
}
