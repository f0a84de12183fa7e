import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify } from '@node-rs/argon2';
import {
  isStaffRole,
  PASSWORD_PROBLEM_LABELS,
  passwordProblem,
  type CreateCompanyResponse,
  type LoginResponse,
  type PasswordResetResponse,
  type PlatformCompanyView,
} from '@linli/shared';
import { DataSource } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { transactionWithRetry } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { companiesWithCommunityCounts, findCompany, setCompanyActive, type CompanyRow } from '../places/companies.js';
import { activeUsersByCompany } from '../users/accounts.js';
import { UsersRepository } from '../users/users.repository.js';
import { createCompanyWithAdmin, temporaryPassword } from './company-setup.js';

/**
 * Passwords (a user's own change, an admin's reset) and the platform operator's companies
 * (docs/security.md "Accounts and tokens"). Every change that must end old sessions bumps the
 * user's token version (UsersRepository.bumpTokenVersion).
 */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  /**
   * The signed-in user sets a new password: the old one (or the temporary one) must match. Ends
   * every other session (token version) and answers a fresh token for this one.
   */
  async changePassword(actor: Actor, oldPassword: string, newPassword: string): Promise<LoginResponse> {
    const user = await this.users.findById(actor.userId);
    if (!user || !user.passwordHash) throw new AppError('FORBIDDEN', 'this account has no password');
    if (!(await verify(user.passwordHash, oldPassword).catch(() => false)))
      throw new AppError('INVALID_CREDENTIALS', 'the current password is wrong');
    const problem = passwordProblem(newPassword, { username: user.username, oldPassword });
    if (problem)
      // problems: the stable PasswordProblem code; the forms show PASSWORD_PROBLEM_LABELS.
      throw new AppError('VALIDATION_FAILED', PASSWORD_PROBLEM_LABELS[problem], [
        { field: 'newPassword', problems: [problem] },
      ]);
    const passwordHash = await hash(newPassword);
    await transactionWithRetry(this.ds, (em) =>
      this.users.bumpTokenVersion(em, user.id, { passwordHash, mustChangePassword: false }),
    );
    const fresh = await this.users.findById(user.id);
    return this.auth.issue(fresh!);
  }

  /**
   * An admin gives a staff member of their company a temporary password (answered once, never
   * stored in clear): their sessions end and they must set their own at the next login. Audited.
   */
  async resetPassword(actor: Actor, userId: number): Promise<PasswordResetResponse> {
    const password = temporaryPassword();
    const passwordHash = await hash(password);
    await transactionWithRetry(this.ds, async (em) => {
      await this.users.lockForUpdate(em, userId);
      const user = await this.users.findStaffMember(actor.companyId!, userId, em);
      if (!user || !isStaffRole(user.role)) throw notFound('staff member');
      if (!user.username) throw new AppError('VALIDATION_FAILED', 'this staff member signs in with WeChat only');
      const version = await this.users.bumpTokenVersion(em, user.id, { passwordHash, mustChangePassword: true });
      await recordAudit(
        em,
        actor,
        'update',
        'staff_account',
        user.id,
        { username: user.username, mustChangePassword: user.mustChangePassword, tokenVersion: user.tokenVersion },
        { username: user.username, mustChangePassword: true, tokenVersion: version, passwordReset: true },
      );
    });
    return { userId, temporaryPassword: password };
  }

  // ---- the platform operator ------------------------------------------------------------------

  async listCompanies(): Promise<PlatformCompanyView[]> {
    const [companies, staff] = await Promise.all([
      companiesWithCommunityCounts(this.ds),
      activeUsersByCompany(this.ds),
    ]);
    return companies.map(({ company, communities }) =>
      this.companyView(company, staff.get(company.id) ?? 0, communities),
    );
  }

  /** A company with its default categories and first admin (temporary password, answered once). */
  async createCompany(
    actor: Actor,
    input: { name: string; adminUsername: string; adminName: string },
  ): Promise<CreateCompanyResponse> {
    const created = await transactionWithRetry(this.ds, async (em) => {
      const c = await createCompanyWithAdmin(em, {
        name: input.name.trim(),
        adminUsername: input.adminUsername,
        adminName: input.adminName.trim(),
      });
      await this.auditCompany(em, actor, c.company.id, 'create', null, {
        name: c.company.name,
        active: true,
        adminUserId: c.admin.id,
        adminUsername: c.admin.username,
      });
      return c;
    });
    return {
      company: this.companyView(created.company, 1, 0),
      adminUserId: created.admin.id,
      adminUsername: created.admin.username!,
      temporaryPassword: created.temporaryPassword,
    };
  }

  /**
   * Deactivate (or reactivate) a company: while inactive none of its users can sign in, and
   * every token of theirs is refused on its next request.
   */
  async setCompanyActive(actor: Actor, companyId: number, active: boolean): Promise<PlatformCompanyView> {
    await transactionWithRetry(this.ds, async (em) => {
      const company = await findCompany(em, companyId);
      if (!company) throw notFound('company');
      if (company.active === active) return;
      // Every cached actor may be of this company: drop them all (rare, operator-only).
      this.users.forgetActor(undefined, em);
      await setCompanyActive(em, companyId, active);
      await this.auditCompany(em, actor, companyId, active ? 'open' : 'close', { active: !active }, { active });
    });
    return (await this.listCompanies()).find((c) => c.id === companyId)!;
  }

  /** The operator has no company: the entry goes to the company it concerns. */
  private async auditCompany(
    em: import('typeorm').EntityManager,
    actor: Actor,
    companyId: number,
    action: 'create' | 'open' | 'close',
    before: object | null,
    after: object | null,
  ): Promise<void> {
    await recordAudit(em, { ...actor, companyId }, action, 'company', companyId, before, after);
  }

  private companyView(c: CompanyRow, staff: number, communities: number): PlatformCompanyView {
    return { id: c.id, name: c.name, active: c.active, createdAt: c.createdAt.toISOString(), staff, communities };
  }
}
