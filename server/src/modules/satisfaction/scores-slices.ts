/**
 * Slice resolution: turns a scores query into the slice the actor may see (every id checked
 * against the actor's company and communities, 404 otherwise), its period, the chain of levels
 * its index is shrunk along, and its households.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import type { SliceFilter } from './rollup-sql.js';
import { parsePeriod, type IndexLevel, type ScoresQuery } from './scores.dto.js';
import type { Row, ScoreQueries } from './scores-queries.js';

/** A slice the actor may see, with its period and its prior chain. */
export interface ResolvedSlice {
  companyId: number;
  query: ScoresQuery;
  filter: SliceFilter;
  rolling: boolean;
  asOfDay: string;
  days: number;
  /** Top down; the last level's filter is `filter`. */
  levels: Array<{ level: IndexLevel['level']; id: number | string | null; filter: SliceFilter }>;
  /** Households of the slice's communities; null when the slice is narrower than communities. */
  households: number | null;
}

export class SliceResolver {
  constructor(
    private readonly ds: DataSource,
    private readonly queries: ScoreQueries,
  ) {}

  private get em(): EntityManager {
    return this.ds.manager;
  }

  /** Check every id of the query against the actor's company and communities (404 otherwise). */
  async resolve(actor: Actor, query: ScoresQuery): Promise<ResolvedSlice> {
    const period = parsePeriod(query);
    const companyId = actor.companyId;
    if (companyId === null) throw new AppError('FORBIDDEN', 'scores are for company staff');
    const visible = actor.role === 'admin' ? null : actor.communityIds;
    const canSee = (communityId: number) => visible === null || visible.includes(communityId);
    const one = async (sql: string, params: unknown[]) => (await this.em.query<Row[]>(sql, params))[0];

    if (query.communityId !== undefined) {
      const c = await one('SELECT companyId FROM community WHERE id = ?', [query.communityId]);
      if (!c || Number(c.companyId) !== companyId || !canSee(query.communityId)) throw notFound('community');
    }
    if (query.buildingId !== undefined && query.buildingId !== 0) {
      const b = await one(
        'SELECT b.communityId, c.companyId FROM building b JOIN community c ON c.id = b.communityId WHERE b.id = ?',
        [query.buildingId],
      );
      const communityId = Number(b?.communityId);
      if (
        !b ||
        Number(b.companyId) !== companyId ||
        !canSee(communityId) ||
        (query.communityId !== undefined && query.communityId !== communityId)
      ) {
        throw notFound('building');
      }
    }
    let teamMembers: number[] | undefined;
    if (query.teamId !== undefined) {
      const t = await one('SELECT companyId FROM team WHERE id = ?', [query.teamId]);
      if (!t || Number(t.companyId) !== companyId) throw notFound('team');
      teamMembers = await this.queries.teamMembers(query.teamId);
    }
    if (query.technicianId !== undefined) {
      const u = await one('SELECT companyId, role FROM `user` WHERE id = ?', [query.technicianId]);
      if (!u || Number(u.companyId) !== companyId || u.role !== 'technician') throw notFound('technician');
    }
    if (query.category !== undefined) {
      const c = await one('SELECT id FROM category WHERE companyId = ? AND code = ?', [companyId, query.category]);
      if (!c) throw notFound('category');
    }

    const base = { companyId, fromDay: period.fromDay, toDay: period.toDay };
    const communityIds = query.communityId !== undefined ? [query.communityId] : (visible ?? undefined);
    let technicianIds: number[] | undefined = teamMembers;
    if (query.technicianId !== undefined) {
      technicianIds = !teamMembers || teamMembers.includes(query.technicianId) ? [query.technicianId] : [];
    }
    const filter: SliceFilter = {
      ...base,
      communityIds,
      buildingId: query.buildingId,
      category: query.category,
      technicianIds,
    };

    const levels: ResolvedSlice['levels'] = [{ level: 'company', id: companyId, filter: base }];
    const inCommunities = { ...base, communityIds };
    if (communityIds) levels.push({ level: 'community', id: query.communityId ?? null, filter: inCommunities });
    let teamId = query.teamId ?? null;
    let members = teamMembers;
    if (teamId === null && query.technicianId !== undefined) {
      teamId = (await this.queries.teamsOf([query.technicianId])).get(query.technicianId)?.[0] ?? null;
      if (teamId !== null) members = await this.queries.teamMembers(teamId);
    }
    if (teamId !== null && members) {
      levels.push({ level: 'team', id: teamId, filter: { ...inCommunities, technicianIds: members } });
    }
    if (query.technicianId !== undefined) {
      levels.push({ level: 'technician', id: query.technicianId, filter: { ...inCommunities, technicianIds } });
    }
    if (query.buildingId !== undefined || query.category !== undefined) {
      levels.push({ level: 'slice', id: null, filter });
    }
    levels[levels.length - 1].filter = filter;

    let households: number | null = null;
    if (query.buildingId === undefined && technicianIds === undefined) {
      const where = communityIds ? `id IN (${communityIds.map(() => '?').join(', ') || 'NULL'})` : 'companyId = ?';
      const h = await one(`SELECT SUM(households) AS h FROM community WHERE ${where}`, communityIds ?? [companyId]);
      households = Number(h?.h ?? 0);
    }
    return {
      companyId,
      query,
      filter,
      rolling: query.rolling ?? false,
      asOfDay: period.asOfDay,
      days: period.days,
      levels,
      households,
    };
  }
}
