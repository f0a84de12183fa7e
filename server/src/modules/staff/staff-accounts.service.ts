import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from '@node-rs/argon2';
import {
  validateRoster,
  type FieldError,
  type IssuedAccount,
  type StaffCreatedView,
  type StaffRole,
  type StaffView,
  type WeeklyShift,
  type Weekday,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { lockCompany } from '../../common/scoped-crud.js';
import { recordAudit } from '../audit/audit.service.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import type { CreateStaffDto, StaffTeamsDto, UpdateStaffDto } from './staff.dto.js';
import { StaffRepository } from './staff.repository.js';
import { invalid, problemsToFields, StaffService } from './staff.service.js';
import { TeamsRepository } from './teams.repository.js';

/** A new staff account, checked: what createAccounts writes. */
export interface NewStaffAccount {
  username: string;
  name: string;
  phone: string | null;
  role: StaffRole;
  communityIds: number[];
  /** Empty = every building of the communities. */
  buildingIds: number[];
  skills: Array<{ category: string; level: number }>;
  teamIds: number[];
  pattern: WeeklyShift[];
}

/** No 0/O, 1/l/I: a temporary password is read off a screen and typed on a phone. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const PASSWORD_LENGTH = 12;

/** 12 characters from a 55-letter alphabet (~69 bits), with at least one letter and one digit. */
export function temporaryPassword(): string {
  for (;;) {
    let p = '';
    for (let i = 0; i < PASSWORD_LENGTH; i++) p += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    if (/\d/.test(p) && /[a-zA-Z]/.test(p)) return p;
  }
}

/** What the audit log keeps of an account (never the password or its hash). */
function accountSnapshot(a: {
  username: string | null;
  name: string;
  phone: string | null;
  role: string;
  active: boolean;
  communityIds: number[];
  buildingIds: number[];
  skills: Array<{ category: string; level: number }>;
  teamIds: number[];
}) {
  return {
    username: a.username,
    name: a.name,
    phone: a.phone,
    role: a.role,
    active: a.active,
    communityIds: a.communityIds,
    buildingIds: a.buildingIds,
    skills: a.skills,
    teamIds: a.teamIds,
  };
}

/**
 * Staff accounts by a company's admins: create (the account, its service area, skills, teams
 * and shift pattern in one transaction, with a temporary password shown once), edit name,
 * phone and role, deactivate and reactivate; every change audited with before and after
 * (entity `staff_account`). Rules: docs/staff-and-rules.md "Staff accounts".
 */
@Injectable()
export class StaffAccountsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(UsersRepository) private readonly accounts: UsersRepository,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
    @Inject(TeamsRepository) private readonly teams: TeamsRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(StaffService) private readonly views: StaffService,
  ) {}

  async create(actor: Actor, dto: CreateStaffDto): Promise<StaffCreatedView> {
    const account: NewStaffAccount = {
      username: dto.username,
      name: dto.name.trim(),
      phone: dto.phone ?? null,
      role: dto.role,
      communityIds: dto.communityIds ?? [],
      buildingIds: dto.buildingIds ?? [],
      skills: (dto.skills ?? []).map((s) => ({ category: s.category, level: s.level })),
      teamIds: dto.teamIds ?? [],
      pattern: (dto.pattern ?? []).map((p) => ({
        weekday: p.weekday as Weekday,
        startMinute: p.startMinute,
        endMinute: p.endMinute,
      })),
    };
    const problems = validateRoster(account.pattern);
    if (problems.length) throw invalid('pattern is invalid', problemsToFields(problems, 'pattern'));
    // Read before the transaction: categories change rarely, and SQLite has one connection.
    const categories = new Set((await this.categories.listForCompanies([actor.companyId!])).map((c) => c.code));
    const [issued] = await this.staff.transaction(async (em) => {
      await lockCompany(this.ds, em, actor.companyId!);
      const errors = await this.check(em, actor.companyId!, account, categories);
      if (errors.length) throw invalid('staff account is invalid', errors);
      if ((await this.accounts.usernamesTaken(em, [account.username])).size) throw usernameTaken(account.username);
      return this.createAccounts(em, actor, [account]);
    });
    const user = await this.accounts.findStaffMember(actor.companyId!, issued.userId);
    return { staff: await this.views.viewOf(user!), account: issued };
  }

  /**
   * Write checked accounts in the caller's transaction (the console's create and the import's
   * 员工 sheet): each with a fresh temporary password, must-change-password set, audited.
   */
  async createAccounts(em: EntityManager, actor: Actor, list: NewStaffAccount[]): Promise<IssuedAccount[]> {
    const passwords = list.map(() => temporaryPassword());
    const hashes = await Promise.all(passwords.map((p) => hash(p)));
    const issued: IssuedAccount[] = [];
    for (const [i, a] of list.entries()) {
      let userId: number;
      try {
        userId = await this.accounts.insertStaff(em, {
          companyId: actor.companyId!,
          role: a.role,
          name: a.name,
          phone: a.phone,
          username: a.username,
          passwordHash: hashes[i],
        });
      } catch (e) {
        // Another request took the name between the check and the insert.
        if (isUniqueViolation(e)) throw usernameTaken(a.username);
        throw e;
      }
      if (a.communityIds.length) await this.staff.replaceServiceArea(em, userId, a.communityIds, a.buildingIds);
      if (a.skills.length) await this.staff.replaceSkills(em, userId, a.skills);
      if (a.teamIds.length) await this.teams.replaceTeamsOf(em, userId, a.teamIds);
      if (a.pattern.length) await this.staff.replaceRoster(em, userId, { pattern: a.pattern, exceptions: [] });
      await recordAudit(em, actor, 'create', 'staff_account', userId, null, {
        ...accountSnapshot({ ...a, active: true }),
        pattern: a.pattern,
      });
      issued.push({ userId, username: a.username, name: a.name, temporaryPassword: passwords[i] });
    }
    return issued;
  }

  /** The rules of a new account beyond its shapes, as field errors. */
  private async check(
    em: EntityManager,
    companyId: number,
    a: NewStaffAccount,
    known: Set<string>,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    if (a.role === 'admin' && (a.communityIds.length || a.buildingIds.length)) {
      errors.push({ field: 'communityIds', problems: ['an admin serves the whole company: leave communities empty'] });
    }
    if (a.role !== 'technician') {
      if (a.skills.length) errors.push({ field: 'skills', problems: ['only technicians have skills'] });
      if (a.teamIds.length) errors.push({ field: 'teamIds', problems: ['only technicians are team members'] });
    }
    const communities = await this.staff.companyCommunities(companyId, a.communityIds, em);
    const found = new Set(communities.map((c) => c.id));
    const unknown = a.communityIds.filter((c) => !found.has(c));
    if (unknown.length) {
      errors.push({ field: 'communityIds', problems: [`not communities of this company: ${unknown.join(', ')}`] });
    }
    const buildings = new Map((await this.staff.buildingsByIds(a.buildingIds, em)).map((b) => [b.id, b]));
    const stray = a.buildingIds.filter((b) => !found.has(buildings.get(b)?.communityId ?? -1));
    if (stray.length) {
      errors.push({ field: 'buildingIds', problems: [`not buildings of the communities given: ${stray.join(', ')}`] });
    }
    const seen = new Set<string>();
    a.skills.forEach((s, i) => {
      if (!known.has(s.category)) {
        errors.push({ field: `skills.${i}.category`, problems: [`no category "${s.category}" in this company`] });
      } else if (seen.has(s.category)) {
        errors.push({ field: `skills.${i}.category`, problems: [`"${s.category}" is listed twice`] });
      }
      seen.add(s.category);
    });
    const teams = new Set((await this.teams.findManyInCompany(em, companyId, a.teamIds)).map((t) => t.id));
    const strayTeams = a.teamIds.filter((t) => !teams.has(t));
    if (strayTeams.length) {
      errors.push({ field: 'teamIds', problems: [`not teams of this company: ${strayTeams.join(', ')}`] });
    }
    return errors;
  }

  /**
   * Name, phone, role and (when given) active. Refused: changing one's own role or deactivating
   * oneself (OWN_ACCOUNT), leaving the company without an active admin (LAST_ADMIN), changing the
   * role of or deactivating a technician who still holds orders (STAFF_HAS_OPEN_ORDERS, with the
   * count). A role change or deactivation ends the user's sessions on their next request.
   */
  async update(actor: Actor, id: number, dto: UpdateStaffDto): Promise<StaffView> {
    const found = await this.views.findVisible(actor, id);
    const before = await this.views.viewOf(found);
    await this.staff.transaction(async (em) => {
      // Serialises the company's account changes: two admins demoting each other cannot both pass.
      await lockCompany(this.ds, em, actor.companyId!);
      const user = await this.accounts.findStaffMember(actor.companyId!, id, em);
      if (!user) throw notFound('staff member');
      const active = dto.active ?? user.active;
      const roleChanged = dto.role !== user.role;
      const leaving = roleChanged || (user.active && !active);
      if (user.id === actor.userId && leaving) {
        throw new AppError('OWN_ACCOUNT', 'an admin cannot deactivate themself or change their own role');
      }
      if (user.role === 'admin' && user.active && leaving) {
        if ((await this.accounts.countOtherActiveAdmins(em, actor.companyId!, user.id)) === 0) {
          throw new AppError('LAST_ADMIN', 'the company would have no active admin');
        }
      }
      if (user.role === 'technician' && leaving) {
        const openOrders = await this.staff.heldOrderCount(em, user.id);
        if (openOrders > 0) {
          throw new AppError('STAFF_HAS_OPEN_ORDERS', `${openOrders} order(s) are still on this technician`, {
            openOrders,
          });
        }
      }
      const contact = { name: dto.name.trim(), phone: dto.phone };
      if (roleChanged || active !== user.active) {
        await this.accounts.bumpTokenVersion(em, user.id, { ...contact, role: dto.role, active });
      } else {
        await this.accounts.updateContact(em, user.id, contact);
      }
      const after = { ...before, ...contact, role: dto.role, active };
      if (roleChanged && user.role === 'technician') {
        await this.staff.clearSkills(em, user.id);
        await this.teams.replaceTeamsOf(em, user.id, []);
        after.skills = [];
        after.teamIds = [];
      }
      if (roleChanged && user.role === 'supervisor') await this.teams.unsetSupervisor(em, user.id);
      if (roleChanged && dto.role === 'admin') {
        await this.staff.replaceServiceArea(em, user.id, [], []);
        after.communityIds = [];
        after.buildingIds = [];
      }
      await recordAudit(
        em,
        actor,
        'update',
        'staff_account',
        user.id,
        accountSnapshot({ ...before, username: found.username }),
        accountSnapshot({ ...after, username: found.username }),
      );
    });
    return this.views.detail(actor, id);
  }

  /** Replace the teams a technician belongs to. */
  async replaceTeams(actor: Actor, id: number, dto: StaffTeamsDto): Promise<StaffView> {
    const user = await this.views.findVisible(actor, id);
    if (user.role !== 'technician' && dto.teamIds.length) {
      throw invalid('only technicians are team members', [{ field: 'teamIds', problems: ['not a technician'] }]);
    }
    await this.staff.transaction(async (em) => {
      await lockCompany(this.ds, em, actor.companyId!);
      const teams = new Set((await this.teams.findManyInCompany(em, actor.companyId!, dto.teamIds)).map((t) => t.id));
      const stray = dto.teamIds.filter((t) => !teams.has(t));
      if (stray.length) {
        throw invalid('teams are invalid', [
          { field: 'teamIds', problems: [`not teams of this company: ${stray.join(', ')}`] },
        ]);
      }
      const before = await this.teams.teamIdsOf(em, user.id);
      await this.teams.replaceTeamsOf(em, user.id, dto.teamIds);
      await recordAudit(em, actor, 'update', 'staff_account', user.id, { teamIds: before }, { teamIds: dto.teamIds });
    });
    return this.views.detail(actor, id);
  }
}

function usernameTaken(username: string): AppError {
  return new AppError('USERNAME_TAKEN', `username "${username}" is taken`, {
    fields: [{ field: 'username', problems: ['username is taken'] }],
    username,
  });
}
