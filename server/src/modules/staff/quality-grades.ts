import { Inject, Injectable } from '@nestjs/common';
import {
  addDays,
  chinaDay,
  daysBetween,
  decayWeight,
  emptyMoments,
  indexChain,
  mergeMoments,
  shrunkIndex,
  starMoments,
  type WeightedMoments,
} from '@linli/shared';
import { In, type EntityManager } from 'typeorm';
import { ReadCache } from '../../common/read-cache.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { RollupService } from '../satisfaction/rollup.service.js';
import { Team, TeamMember } from './staff.entities.js';

/** The ratings the quality grade looks at: the last this many China days, today included. */
export const QUALITY_WINDOW_DAYS = 365;

/**
 * A company's quality grades at one moment: technician x category -> the technician's shrunk
 * satisfaction index for the category / 100, along the dashboards' chain company -> team
 * (the technician's lowest team id) -> technician -> technician x category, over the last
 * QUALITY_WINDOW_DAYS with rolling weights (docs/routing.md "Quality").
 */
export class CompanyQuality {
  constructor(
    /** The company's own index (the prior of a technician without a team). */
    readonly companyIndex: number,
    /** Per team id: its index (shrunk towards the company's). */
    private readonly teams: Map<number, number>,
    /** Per technician: their lowest team id. */
    private readonly teamOf: Map<number, number>,
    /** Per technician: their rating sums over all categories. */
    private readonly technicians: Map<number, WeightedMoments>,
    /** Per `technician|category`: their rating sums in the category. */
    private readonly cells: Map<string, WeightedMoments>,
    /** When it was read (epoch ms). */
    readonly readAt: number,
  ) {}

  /** The technician's index for the category, 0..100 (the chain below the technician's team). */
  index(userId: number, category: string): number {
    const teamId = this.teamOf.get(userId);
    const team = teamId === undefined ? this.companyIndex : (this.teams.get(teamId) ?? this.companyIndex);
    const tech = this.technicians.get(userId);
    if (!tech) return team;
    const own = shrunkIndex(tech, team);
    return shrunkIndex(this.cells.get(`${userId}|${category}`) ?? emptyMoments(), own);
  }

  /** Grades already computed: category -> technician -> grade (the map lives as long as this). */
  private readonly memo = new Map<string, Map<number, number>>();

  /** The quality grade in [0, 1]: index / 100. */
  grade(userId: number, category: string): number {
    let byUser = this.memo.get(category);
    if (!byUser) this.memo.set(category, (byUser = new Map<number, number>()));
    let g = byUser.get(userId);
    if (g === undefined) {
      g = Math.min(1, Math.max(0, this.index(userId, category) / 100));
      byUser.set(userId, g);
    }
    return g;
  }
}

/**
 * Routing's quality grades per company, read from the satisfaction rollups (one query per
 * company) and kept for LINLI_QUALITY_CACHE_MS, so routing reads nothing per decision in the
 * steady state. Team changes forget them (teams.repository.ts), ratings reach them within the
 * cache time (plus the rollup job's lag).
 */
@Injectable()
export class QualityGrades {
  private readonly cache: ReadCache<number, CompanyQuality>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RollupService) private readonly rollups: RollupService,
  ) {
    this.cache = new ReadCache(config.qualityCacheMs, 1000);
  }

  of(em: EntityManager, companyId: number, now: Date): Promise<CompanyQuality> {
    return this.cache.get(companyId, () => this.read(em, companyId, now));
  }

  /** Forget every company's grades (team membership changed: the priors change). */
  forget(): void {
    this.cache.forget();
  }

  private async read(em: EntityManager, companyId: number, now: Date): Promise<CompanyQuality> {
    const today = chinaDay(now);
    const fromDay = addDays(today, -(QUALITY_WINDOW_DAYS - 1));
    const [rows, memberships] = await Promise.all([
      this.rollups.fromRollups(em, { companyId, fromDay, toDay: today }, ['day', 'technicianId', 'category'], {
        ratingsOnly: true,
      }),
      this.teamMemberships(em, companyId),
    ]);
    let company = emptyMoments();
    const technicians = new Map<number, WeightedMoments>();
    const cells = new Map<string, WeightedMoments>();
    for (const r of rows) {
      if (!r.counters.rated) continue;
      const m = starMoments(r.counters, decayWeight(Math.max(0, daysBetween(String(r.key.day), today))));
      company = mergeMoments(company, m);
      const tech = Number(r.key.technicianId);
      if (!tech) continue;
      technicians.set(tech, mergeMoments(technicians.get(tech) ?? emptyMoments(), m));
      const cell = `${tech}|${String(r.key.category)}`;
      cells.set(cell, mergeMoments(cells.get(cell) ?? emptyMoments(), m));
    }
    const [companyIndex] = indexChain([company]);
    // A team's sums are its current members' (a technician in two teams counts in both).
    const teamSums = new Map<number, WeightedMoments>();
    const teamOf = new Map<number, number>();
    for (const { teamId, userId } of memberships) {
      const own = technicians.get(userId);
      if (own) teamSums.set(teamId, mergeMoments(teamSums.get(teamId) ?? emptyMoments(), own));
      else if (!teamSums.has(teamId)) teamSums.set(teamId, emptyMoments());
      const lowest = teamOf.get(userId);
      if (lowest === undefined || teamId < lowest) teamOf.set(userId, teamId);
    }
    const teams = new Map([...teamSums].map(([teamId, sum]) => [teamId, shrunkIndex(sum, companyIndex)]));
    return new CompanyQuality(companyIndex, teams, teamOf, technicians, cells, now.getTime());
  }

  private async teamMemberships(em: EntityManager, companyId: number) {
    const teams = await em.find(Team, { select: { id: true }, where: { companyId } });
    if (!teams.length) return [];
    return em.find(TeamMember, {
      select: { teamId: true, userId: true },
      where: { teamId: In(teams.map((t) => t.id)) },
    });
  }
}
