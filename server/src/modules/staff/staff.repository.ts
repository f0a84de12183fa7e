import { Inject, Injectable } from '@nestjs/common';
import type { RosterView as Roster } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { chinaLocalTime, isOnShift, type RoutingCandidate, type ShiftException, type Weekday } from '@linli/shared';
import { DataSource, type EntityManager, In, LessThanOrEqual, MoreThan } from 'typeorm';
import { transactionWithRetry } from '../../common/db-errors.js';
import { PlacesRepository, type Building, type Community } from '../places/places.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { distanceKm } from '@linli/shared';
import { RosterCache, type RosterFacts } from './roster-cache.js';
import {
  ShiftExceptionRow,
  ShiftPattern,
  StaffBuilding,
  StaffLeave,
  TeamMember,
  TechnicianProfile,
  TechnicianSkill,
} from './staff.entities.js';

/** Statuses in which an order sits on its assignee's plate and counts against their capacity. */
export const HELD_STATUSES = ['assigned', 'accepted', 'on_the_way', 'in_progress', 'paused', 'quoted'] as const;
/** Open orders a technician may hold when no profile says otherwise. */
export const DEFAULT_CAPACITY = 6;
const EMPTY_ROSTER: RosterFacts = {
  skills: [],
  communityIds: [],
  buildingIds: [],
  teamIds: [],
  pattern: [],
  exceptions: [],
};

/** Everything the console and routing know about one staff member at an instant. */
export interface StaffFacts {
  communityIds: number[];
  /** Empty = every building of the communities served. */
  buildingIds: number[];
  teamIds: number[];
  skills: Array<{ category: string; level: number }>;
  capacity: number;
  latitude: number | null;
  longitude: number | null;
  lastAssignedAt: Date | null;
  openOrders: number;
  onShift: boolean;
  onLeave: boolean;
}

/** The view this module answers with, defined once in shared/. */
export type { RosterView as Roster } from '@linli/shared';

function groupBy<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return map;
}

function toException(r: ShiftExceptionRow): ShiftException {
  const e: ShiftException = { date: r.date, off: r.off };
  if (!r.off && r.startMinute !== null) e.startMinute = r.startMinute;
  if (!r.off && r.endMinute !== null) e.endMinute = r.endMinute;
  return e;
}

/** Staff rows and the facts around them: service area, skills, rosters, load. */
@Injectable()
export class StaffRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(RosterCache) private readonly rosters: RosterCache,
  ) {}

  /** A transaction, retried a few times when the database picks it as a deadlock victim. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return transactionWithRetry(this.ds, work);
  }

  /** Active technicians serving the community with the category's skill (who may grab a pooled order). */
  async poolTechnicianIds(em: EntityManager, companyId: number, communityId: number, category: string) {
    const ids = await this.users.activeStaffIds(em, { companyId, role: 'technician', communityId });
    if (!ids.length) return [];
    const skilled = await em.find(TechnicianSkill, { select: { userId: true }, where: { userId: In(ids), category } });
    const withSkill = new Set(skilled.map((s) => s.userId));
    return ids.filter((id) => withSkill.has(id));
  }

  /** Routing gave this technician work now (fairness: the least recently assigned goes first). */
  async touchAssigned(em: EntityManager, userId: number, now: Date): Promise<void> {
    const res = await em.update(TechnicianProfile, { userId }, { lastAssignedAt: now });
    if (!res.affected)
      await em.insert(TechnicianProfile, { userId, capacity: 6, latitude: null, longitude: null, lastAssignedAt: now });
  }

  /**
   * The facts of each user at `now`, in a fixed number of queries whatever the number of
   * users (one per kind of fact).
   */
  async factsOf(userIds: number[], now: Date, em: EntityManager = this.ds.manager): Promise<Map<number, StaffFacts>> {
    const ids = [...new Set(userIds)];
    const result = new Map<number, StaffFacts>();
    if (!ids.length) return result;
    const today = chinaLocalTime(now).date;
    // Rosters (cached per technician and day, roster-cache.ts); the rest is read live.
    const [rosters, profiles, leave, load] = await Promise.all([
      this.rosters.facts.getMany(
        ids.map((id) => `${id}:${today}`),
        async (keys) => {
          const read = await this.readRosters(
            keys.map((k) => Number(k.split(':')[0])),
            today,
            em,
          );
          return new Map([...read].map(([id, facts]) => [`${id}:${today}`, facts]));
        },
        null,
      ),
      em.find(TechnicianProfile, { where: { userId: In(ids) } }),
      em.find(StaffLeave, {
        select: { userId: true },
        where: { userId: In(ids), status: 'approved', startAt: LessThanOrEqual(now), endAt: MoreThan(now) },
      }),
      this.orders.countsByAssignee(ids, HELD_STATUSES, em),
    ]);
    const profileOf = new Map(profiles.map((p) => [p.userId, p]));
    const onLeave = new Set(leave.map((l) => l.userId));
    for (const id of ids) {
      const profile = profileOf.get(id);
      const roster = rosters.get(`${id}:${today}`) ?? EMPTY_ROSTER;
      result.set(id, {
        communityIds: roster.communityIds,
        buildingIds: roster.buildingIds,
        teamIds: roster.teamIds,
        skills: roster.skills,
        capacity: profile?.capacity ?? DEFAULT_CAPACITY,
        latitude: profile?.latitude ?? null,
        longitude: profile?.longitude ?? null,
        lastAssignedAt: profile?.lastAssignedAt ?? null,
        openOrders: load.get(id) ?? 0,
        onShift: isOnShift(now, roster.pattern, roster.exceptions),
        onLeave: onLeave.has(id),
      });
    }
    return result;
  }

  /** The roster facts of these users for China day `today`: one query per kind of fact. */
  private async readRosters(ids: number[], today: string, em: EntityManager): Promise<Map<number, RosterFacts>> {
    const [skills, communities, buildings, teams, patterns, exceptions] = await Promise.all([
      em.find(TechnicianSkill, { where: { userId: In(ids) }, order: { category: 'ASC' } }),
      this.users.communityMemberships(ids, em),
      em.find(StaffBuilding, { where: { userId: In(ids) }, order: { buildingId: 'ASC' } }),
      em.find(TeamMember, { where: { userId: In(ids) }, order: { teamId: 'ASC' } }),
      em.find(ShiftPattern, { where: { userId: In(ids) } }),
      em.find(ShiftExceptionRow, { where: { userId: In(ids), date: today } }),
    ]);
    const skillsOf = groupBy(skills, (r) => r.userId);
    const communitiesOf = groupBy(communities, (r) => r.userId);
    const buildingsOf = groupBy(buildings, (r) => r.userId);
    const teamsOf = groupBy(teams, (r) => r.userId);
    const patternOf = groupBy(patterns, (r) => r.userId);
    const exceptionsOf = groupBy(exceptions, (r) => r.userId);
    return new Map(
      ids.map((id) => [
        id,
        {
          skills: (skillsOf.get(id) ?? []).map((r) => ({ category: r.category, level: r.level })),
          communityIds: (communitiesOf.get(id) ?? []).map((r) => r.communityId),
          buildingIds: (buildingsOf.get(id) ?? []).map((r) => r.buildingId),
          teamIds: (teamsOf.get(id) ?? []).map((r) => r.teamId),
          pattern: (patternOf.get(id) ?? []).map((p) => ({
            weekday: p.weekday as Weekday,
            startMinute: p.startMinute,
            endMinute: p.endMinute,
          })),
          exceptions: (exceptionsOf.get(id) ?? []).map(toException),
        },
      ]),
    );
  }

  /**
   * Every active technician of the company as routing sees them for an order of
   * `communityId` at `now`. Not prefiltered: the shared core excludes, with reasons. The
   * skills map is complete (every category), so one load can also serve other categories.
   */
  async loadCandidates(
    companyId: number,
    communityId: number,
    category: string,
    now: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<RoutingCandidate[]> {
    void category;
    return (await this.loadCandidatesFor(companyId, [communityId], now, em)).get(communityId) ?? [];
  }

  /**
   * The company's technicians as routing candidates for orders in each of `communityIds`: the
   * technicians and their facts are read once (they do not depend on the order), only the
   * distance differs per community.
   */
  async loadCandidatesFor(
    companyId: number,
    communityIds: number[],
    now: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<Map<number, RoutingCandidate[]>> {
    const [technicians, communities] = await Promise.all([
      this.users.activeTechnicians(companyId, em),
      this.places.findCommunities([...new Set(communityIds)], em),
    ]);
    const facts = await this.factsOf(
      technicians.map((t) => t.id),
      now,
      em,
    );
    const byId = new Map(communities.map((c) => [c.id, c]));
    return new Map(
      communityIds.map((communityId) => {
        const where = byId.get(communityId) ?? { latitude: null, longitude: null };
        const candidates = technicians.map((t): RoutingCandidate => {
          const f = facts.get(t.id)!;
          return {
            userId: t.id,
            name: t.name,
            active: t.active,
            skills: Object.fromEntries(f.skills.map((s) => [s.category, s.level])),
            communityIds: f.communityIds,
            buildingIds: f.buildingIds.length ? f.buildingIds : null,
            teamIds: f.teamIds,
            onShift: f.onShift,
            onLeave: f.onLeave,
            openOrders: f.openOrders,
            capacity: f.capacity,
            quality: null,
            lastAssignedAt: f.lastAssignedAt ? f.lastAssignedAt.getTime() : null,
            distanceKm: distanceKm(f, where),
          };
        });
        return [communityId, candidates];
      }),
    );
  }

  // --- service area -------------------------------------------------------------------------

  companyCommunities(companyId: number, ids: number[], em: EntityManager = this.ds.manager): Promise<Community[]> {
    return this.places.companyCommunities(companyId, ids, em);
  }

  buildingsByIds(ids: number[], em: EntityManager = this.ds.manager): Promise<Building[]> {
    return this.places.buildingsByIds(ids, em);
  }

  async replaceServiceArea(em: EntityManager, userId: number, communityIds: number[], buildingIds: number[]) {
    this.rosters.forget();
    await em.delete(StaffBuilding, { userId });
    await this.users.replaceCommunities(em, userId, communityIds);
    if (buildingIds.length)
      await em.insert(
        StaffBuilding,
        buildingIds.map((buildingId) => ({ userId, buildingId })),
      );
  }

  // --- profile and skills ------------------------------------------------------------------

  /** Capacity and location; the routing-owned lastAssignedAt is left as it is. */
  async saveProfile(
    em: EntityManager,
    userId: number,
    profile: { capacity: number; latitude: number | null; longitude: number | null },
  ): Promise<void> {
    await em.upsert(TechnicianProfile, { userId, ...profile }, { conflictPaths: ['userId'] });
  }

  async replaceSkills(em: EntityManager, userId: number, skills: Array<{ category: string; level: number }>) {
    this.rosters.forget();
    await em.delete(TechnicianSkill, { userId });
    if (skills.length)
      await em.insert(
        TechnicianSkill,
        skills.map((s) => ({ userId, ...s })),
      );
  }

  // --- roster ------------------------------------------------------------------------------

  async rosterOf(userId: number): Promise<Roster> {
    const [pattern, exceptions] = await Promise.all([
      this.ds
        .getRepository(ShiftPattern)
        .find({ where: { userId }, order: { weekday: 'ASC', startMinute: 'ASC', id: 'ASC' } }),
      this.ds.getRepository(ShiftExceptionRow).find({ where: { userId }, order: { date: 'ASC', id: 'ASC' } }),
    ]);
    return {
      pattern: pattern.map((p) => ({
        weekday: p.weekday as Weekday,
        startMinute: p.startMinute,
        endMinute: p.endMinute,
      })),
      exceptions: exceptions.map(toException),
    };
  }

  async replaceRoster(em: EntityManager, userId: number, roster: Roster): Promise<void> {
    this.rosters.forget();
    await em.delete(ShiftPattern, { userId });
    await em.delete(ShiftExceptionRow, { userId });
    if (roster.pattern.length) {
      await em.insert(
        ShiftPattern,
        roster.pattern.map((p) => ({ userId, weekday: p.weekday, startMinute: p.startMinute, endMinute: p.endMinute })),
      );
    }
    if (roster.exceptions.length) {
      await em.insert(
        ShiftExceptionRow,
        roster.exceptions.map((e) => ({
          userId,
          date: e.date,
          off: e.off,
          startMinute: e.off ? null : (e.startMinute ?? null),
          endMinute: e.off ? null : (e.endMinute ?? null),
        })),
      );
    }
  }
}
