import { Inject, Injectable } from '@nestjs/common';
import type { LeaveView } from '@linli/shared';
import type { FieldError } from '@linli/shared';
import { AppError, forbidden, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import type { ListLeaveQuery, LeaveRequestDto } from './staff.dto.js';
import type { StaffLeave } from './staff.entities.js';
import { LeaveRepository, type LeaveScope, type LeaveStatus } from './leave.repository.js';
import { StaffRepository } from './staff.repository.js';
import { invalid, StaffService } from './staff.service.js';
import { UsersRepository } from '../users/users.repository.js';

/** The longest leave one request may cover. */
export const MAX_LEAVE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The view this module answers with, defined once in shared/. */
export type { LeaveView } from '@linli/shared';

@Injectable()
export class LeaveService {
  constructor(
    @Inject(UsersRepository) private readonly accounts: UsersRepository,
    @Inject(LeaveRepository) private readonly leave: LeaveRepository,
    @Inject(StaffRepository) private readonly staffRows: StaffRepository,
    @Inject(StaffService) private readonly staff: StaffService,
  ) {}

  /**
   * A technician asks for themself; an admin or supervisor files for their staff. Pending
   * until reviewed, except that an admin's filing is approved at once.
   */
  async request(actor: Actor, userId: number, dto: LeaveRequestDto): Promise<LeaveView> {
    const user = await this.staff.findVisible(actor, userId);
    const startAt = new Date(dto.startAt);
    const endAt = new Date(dto.endAt);
    const reason = dto.reason.trim();
    const errors: FieldError[] = [];
    if (!(endAt.getTime() > startAt.getTime())) {
      errors.push({ field: 'endAt', problems: ['endAt must be after startAt'] });
    } else if (endAt.getTime() - startAt.getTime() > MAX_LEAVE_DAYS * DAY_MS) {
      errors.push({ field: 'endAt', problems: [`one request covers at most ${MAX_LEAVE_DAYS} days`] });
    }
    if (!reason) errors.push({ field: 'reason', problems: ['a reason is required'] });
    if (errors.length) throw invalid('leave request is invalid', errors);

    const approved = actor.role === 'admin';
    const row = await this.staffRows.transaction(async (em) => {
      await this.accounts.lockForUpdate(em, user.id);
      const overlap = await this.leave.findOverlapping(em, user.id, startAt, endAt);
      if (overlap) {
        throw invalid('overlaps another leave', [
          {
            field: 'startAt',
            problems: [
              `overlaps ${overlap.status} leave #${overlap.id} (${overlap.startAt.toISOString()} - ${overlap.endAt.toISOString()})`,
            ],
          },
        ]);
      }
      return this.leave.insert(em, {
        userId: user.id,
        startAt,
        endAt,
        reason,
        status: approved ? 'approved' : 'pending',
        reviewedById: approved ? actor.userId : null,
      });
    });
    const [view] = await this.toViews(actor, [row]);
    return view;
  }

  async list(actor: Actor, query: ListLeaveQuery): Promise<LeaveView[]> {
    return this.toViews(actor, await this.leave.list(this.scopeOf(actor), { status: query.status }));
  }

  /** pending -> approved | rejected; of two reviewers racing, one wins and the other gets 409. */
  async review(actor: Actor, id: number, decision: 'approved' | 'rejected'): Promise<LeaveView> {
    const [leave] = Number.isSafeInteger(id) && id > 0 ? await this.leave.list(this.scopeOf(actor), { id }) : [];
    if (!leave) throw notFound('leave');
    if (leave.userId === actor.userId) throw forbidden('no one reviews their own leave');
    const decided =
      leave.status === 'pending' &&
      (await this.staffRows.transaction(async (em) => {
        if (!(await this.leave.decideIfPending(leave.id, decision, actor.userId, em))) return false;
        await recordAudit(em, actor, 'review', 'leave', leave.id, { status: 'pending' }, { status: decision });
        return true;
      }));
    if (!decided) {
      const now = await this.leave.findById(leave.id);
      throw new AppError('TRANSITION_NOT_ALLOWED', `leave is already ${now?.status ?? leave.status}`, {
        status: now?.status ?? leave.status,
        reviewedById: now?.reviewedById ?? leave.reviewedById,
      });
    }
    const [view] = await this.toViews(actor, [(await this.leave.findById(leave.id))!]);
    return view;
  }

  private scopeOf(actor: Actor): LeaveScope {
    switch (actor.role) {
      case 'admin':
        return { kind: 'company', companyId: actor.companyId! };
      case 'supervisor':
      case 'desk':
        return { kind: 'communities', companyId: actor.companyId!, communityIds: actor.communityIds };
      case 'technician':
      case 'resident':
      case 'operator': // never reaches leave routes (auth guard); sees only their own (none)
        return { kind: 'self', userId: actor.userId };
    }
  }

  private async toViews(actor: Actor, rows: StaffLeave[]): Promise<LeaveView[]> {
    const users = new Map(
      (
        await this.accounts.findStaffMembers(
          actor.companyId!,
          rows.map((r) => r.userId),
        )
      ).map((u) => [u.id, u]),
    );
    return rows.map((r) => ({
      id: r.id,
      userId: r.userId,
      userName: users.get(r.userId)?.name ?? '',
      startAt: r.startAt.toISOString(),
      endAt: r.endAt.toISOString(),
      reason: r.reason,
      status: r.status as LeaveStatus,
      reviewedById: r.reviewedById,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
