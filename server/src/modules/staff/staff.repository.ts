import { Inject, Injectable } from '@nestjs/common';
import type { RosterView as Roster } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { chinaLocalTime, isOnShift, type RoutingCandidate, type ShiftException, type Weekday } from '@linli/shared';
import { DataSource, type EntityManager, In, LessThanOrEqual, MoreThan } from 'typeorm';
import { transactionWithRetry } from '../../common/db-errors.js';
import { PlacesRepository, type Building, type Community } from '../places/places.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { CandidatePool } from './candidate-pool.js';
import { QualityGrades } from './quality-grades.js';
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
import { TechnicianPositions } from './technician-positions.js';

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
    @Inject(TechnicianPositions) private readonly positions: TechnicianPositions,
    @Inject(QualityGrades) private readonly quality: QualityGrades,
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

  /** The technician's phone reported where they are (出发/到达, with their consent). */
  async saveReportedPosition(
    em: EntityManager,
    userId: number,
    at: { latitude: number; longitude: number },
    now: Date,
  ): Promise<void> {
    const patch = { latitude: at.latitude, longitude: at.longitude, positionAt: now };
    const res = await em.update(TechnicianProfile, { userId }, patch);
    if (!res.affected)
      await em.insert(TechnicianProfile, { userId, capacity: DEFAULT_CAPACITY, lastAssignedAt: null, ...patch });
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
   * `communityId` (and `buildingId`, the distance's end when it has coordinates) in `category`
   * at `now`. Not prefiltered: the shared core excludes, with reasons.
   */
  async loadCandidates(
    companyId: number,
    communityId: number,
    category: string,
    now: Date,
    em: EntityManager = this.ds.manager,
    buildingId: number | null = null,
  ): Promise<RoutingCandidate[]> {
    const pool = await this.loadCandidatePool(companyId, [{ communityId, buildingId }], now, em);
    return pool.for({ communityId, buildingId, category });
  }

  /**
   * The company's technicians as routing candidates for orders at any of `places`, read in a
   * fixed number of queries whatever the number of technicians and orders: facts, positions,
   * the places' coordinates; quality grades come from their cache (quality-grades.ts). The pool
   * then makes each order's candidates without another query (candidate-pool.ts).
   */
  async loadCandidatePool(
    companyId: number,
    places: ReadonlyArray<{ communityId: number; buildingId: number | null }>,
    now: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<CandidatePool> {
    const buildingIds = [...new Set(places.map((p) => p.buildingId).filter((b): b is number => b !== null))];
    const communityIds = [...new Set(places.map((p) => p.communityId))];
    const [technicians, buildings, communities, quality] = await Promise.all([
      this.users.activeTechnicians(companyId, em),
      this.places.buildingsByIds(buildingIds, em),
      this.places.findCommunities(communityIds, em),
      this.quality.of(em, companyId, now),
    ]);
    const ids = technicians.map((t) => t.id);
    const [facts, positions] = await Promise.all([
      this.factsOf(ids, now, em),
      this.positions.positionsOf(em, companyId, ids, now),
    ]);
    const base = technicians.map((t): RoutingCandidate => {
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
        distanceKm: null,
      };
    });
    const points = <T extends { id: number; latitude: number | null; longitude: number | null }>(rows: T[]) =>
      new Map(
        rows
          .filter((r) => r.latitude !== null && r.longitude !== null)
          .map((r) => [r.id, { latitude: r.latitude!, longitude: r.longitude! }]),
      );
    return new CandidatePool(base, positions, quality, points(buildings), points(communities));
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

  /** Capacity; the routing-owned lastAssignedAt and the reported position are left as they are. */
  async saveProfile(em: EntityManager, userId: number, profile: { capacity: number }): Promise<void> {
    const res = await em.update(TechnicianProfile, { userId }, profile);
    if (!res.affected)
      await em.insert(TechnicianProfile, {
        userId,
        ...profile,
        latitude: null,
        longitude: null,
        positionAt: null,
        lastAssignedAt: null,
      });
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

  // --- accounts (staff-accounts.service.ts) -------------------------------------------------

  /** Orders on the technician's plate (HELD_STATUSES): what blocks deactivating them or changing their role. */
  async heldOrderCount(em: EntityManager, userId: number): Promise<number> {
    return (await this.orders.countsByAssignee([userId], HELD_STATUSES, em)).get(userId) ?? 0;
  }

  /** A technician no more: their skills go (routing and the pickers read them). */
  async clearSkills(em: EntityManager, userId: number): Promise<void> {
    this.rosters.forget();
    await em.delete(TechnicianSkill, { userId });
  }
}
