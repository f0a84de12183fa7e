import { Inject, Injectable } from '@nestjs/common';
import type { StaffView } from '@linli/shared';
import { validateRoster, type FieldError, type ShiftException, type StaffRole, type Weekday } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { Clock } from '../../common/clock.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { UsersRepository, type User } from '../users/users.repository.js';
import type { ListStaffQuery, ProfileDto, RosterDto, ServiceAreaDto, SkillsDto } from './staff.dto.js';
import { StaffRepository, type Roster } from './staff.repository.js';

/** The view this module answers with, defined once in shared/. */
export type { StaffView } from '@linli/shared';

export const invalid = (message: string, details: FieldError[]) => new AppError('VALIDATION_FAILED', message, details);

/** "pattern[2]: endMinute must ..." -> { field: 'pattern.2', problems: ['endMinute must ...'] }, grouped by field. */
export function problemsToFields(problems: string[], fallbackField: string): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const p of problems) {
    const m = /^(\w+)\[(\d+)\]: (.*)$/.exec(p);
    const field = m ? `${m[1]}.${m[2]}` : fallbackField;
    const text = m ? m[3] : p;
    byField.set(field, [...(byField.get(field) ?? []), text]);
  }
  return [...byField].map(([field, list]) => ({ field, problems: list }));
}

@Injectable()
export class StaffService {
  constructor(
    @Inject(UsersRepository) private readonly accounts: UsersRepository,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(actor: Actor, query: ListStaffQuery): Promise<StaffView[]> {
    const users = await this.accounts.listStaff(actor.companyId!, {
      role: query.role,
      communityId: query.communityId,
      servingAny: actor.role === 'admin' ? undefined : actor.communityIds,
    });
    return this.toViews(users);
  }

  async detail(actor: Actor, id: number): Promise<StaffView> {
    return this.viewOf(await this.findVisible(actor, id));
  }

  /**
   * The staff member if the actor may see and manage them: an admin the whole company;
   * supervisor and desk those serving at least one of their communities; a technician only
   * themselves. Anyone else answers 404, as if they did not exist.
   */
  async findVisible(actor: Actor, id: number, em?: EntityManager): Promise<User> {
    const user = await this.accounts.findStaffMember(actor.companyId!, id, em);
    if (!user) throw notFound('staff member');
    if (actor.role === 'admin') return user;
    if (actor.role === 'technician') {
      if (user.id !== actor.userId) throw notFound('staff member');
      return user;
    }
    if (!(await this.accounts.servesAny(user.id, actor.communityIds, em))) throw notFound('staff member');
    return user;
  }

  async updateProfile(actor: Actor, id: number, dto: ProfileDto): Promise<StaffView> {
    const user = await this.findVisible(actor, id);
    this.requireTechnician(user, 'a profile');
    const before = await this.viewOf(user);
    await this.staff.transaction(async (em) => {
      await this.accounts.lockForUpdate(em, user.id);
      await this.staff.saveProfile(em, user.id, { capacity: dto.capacity });
      await recordAudit(
        em,
        actor,
        'update',
        'staff_profile',
        user.id,
        { capacity: before.capacity },
        { capacity: dto.capacity },
      );
    });
    return this.viewOf(user);
  }

  async replaceSkills(actor: Actor, id: number, dto: SkillsDto): Promise<StaffView> {
    const user = await this.findVisible(actor, id);
    this.requireTechnician(user, 'skills');
    const known = new Set((await this.categories.listForCompanies([actor.companyId!])).map((c) => c.code));
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    dto.skills.forEach((s, i) => {
      if (!known.has(s.category)) {
        errors.push({ field: `skills.${i}.category`, problems: [`no category "${s.category}" in this company`] });
      } else if (seen.has(s.category)) {
        errors.push({ field: `skills.${i}.category`, problems: [`"${s.category}" is listed twice`] });
      }
      seen.add(s.category);
    });
    if (errors.length) throw invalid('skills are invalid', errors);
    const before = await this.viewOf(user);
    await this.staff.transaction(async (em) => {
      await this.accounts.lockForUpdate(em, user.id);
      const skills = dto.skills.map((s) => ({ category: s.category, level: s.level }));
      await this.staff.replaceSkills(em, user.id, skills);
      await recordAudit(em, actor, 'update', 'staff_skills', user.id, { skills: before.skills }, { skills });
    });
    return this.viewOf(user);
  }

  async replaceServiceArea(actor: Actor, id: number, dto: ServiceAreaDto): Promise<StaffView> {
    const user = await this.findVisible(actor, id);
    if (user.role === 'admin') {
      throw invalid('an admin serves the whole company', [
        { field: 'id', problems: ['an admin has no service area: they serve the whole company'] },
      ]);
    }
    const buildingIds = dto.buildingIds ?? [];
    const communities = await this.staff.companyCommunities(actor.companyId!, dto.communityIds);
    const found = new Set(communities.map((c) => c.id));
    const errors: FieldError[] = [];
    const unknownCommunities = dto.communityIds.filter((c) => !found.has(c));
    if (unknownCommunities.length) {
      errors.push({
        field: 'communityIds',
        problems: [`not communities of this company: ${unknownCommunities.join(', ')}`],
      });
    }
    const buildings = new Map((await this.staff.buildingsByIds(buildingIds)).map((b) => [b.id, b]));
    const strayBuildings = buildingIds.filter((b) => !found.has(buildings.get(b)?.communityId ?? -1));
    if (strayBuildings.length) {
      errors.push({
        field: 'buildingIds',
        problems: [`not buildings of the communities given: ${strayBuildings.join(', ')}`],
      });
    }
    if (errors.length) throw invalid('service area is invalid', errors);
    const before = await this.viewOf(user);
    await this.staff.transaction(async (em) => {
      await this.accounts.lockForUpdate(em, user.id);
      await this.staff.replaceServiceArea(em, user.id, dto.communityIds, buildingIds);
      await recordAudit(
        em,
        actor,
        'update',
        'staff_service_area',
        user.id,
        { communityIds: before.communityIds, buildingIds: before.buildingIds },
        { communityIds: dto.communityIds, buildingIds },
      );
    });
    return this.viewOf(user);
  }

  async roster(actor: Actor, id: number): Promise<Roster> {
    const user = await this.findVisible(actor, id);
    return this.staff.rosterOf(user.id);
  }

  async replaceRoster(actor: Actor, id: number, dto: RosterDto): Promise<Roster> {
    const user = await this.findVisible(actor, id);
    const roster: Roster = {
      pattern: dto.pattern.map((p) => ({
        weekday: p.weekday as Weekday,
        startMinute: p.startMinute,
        endMinute: p.endMinute,
      })),
      exceptions: dto.exceptions.map((e) => {
        const x: ShiftException = { date: e.date, off: e.off };
        if (e.startMinute !== undefined && e.startMinute !== null) x.startMinute = e.startMinute;
        if (e.endMinute !== undefined && e.endMinute !== null) x.endMinute = e.endMinute;
        return x;
      }),
    };
    const problems = validateRoster(roster.pattern, roster.exceptions);
    if (problems.length) throw invalid('roster is invalid', problemsToFields(problems, 'pattern'));
    const before = await this.staff.rosterOf(user.id);
    await this.staff.transaction(async (em) => {
      await this.accounts.lockForUpdate(em, user.id);
      await this.staff.replaceRoster(em, user.id, roster);
      await recordAudit(em, actor, 'update', 'staff_roster', user.id, before, roster);
    });
    return this.staff.rosterOf(user.id);
  }

  private requireTechnician(user: User, what: string) {
    if (user.role !== 'technician') {
      throw invalid(`only technicians have ${what}`, [{ field: 'id', problems: [`${user.name} is not a technician`] }]);
    }
  }

  async viewOf(user: User): Promise<StaffView> {
    const [view] = await this.toViews([user]);
    return view;
  }

  private async toViews(users: User[]): Promise<StaffView[]> {
    const facts = await this.staff.factsOf(
      users.map((u) => u.id),
      this.clock.now(),
    );
    return users.map((u) => {
      const f = facts.get(u.id)!;
      return {
        id: u.id,
        username: u.username,
        name: u.name,
        role: u.role as StaffRole,
        phone: u.phone,
        active: u.active,
        communityIds: f.communityIds,
        buildingIds: f.buildingIds,
        teamIds: f.teamIds,
        skills: f.skills,
        capacity: f.capacity,
        latitude: f.latitude,
        longitude: f.longitude,
        openOrders: f.openOrders,
        onShift: f.onShift,
        onLeave: f.onLeave,
      };
    });
  }
}
