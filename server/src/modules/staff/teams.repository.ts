import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Not } from 'typeorm';
import { QualityGrades } from './quality-grades.js';
import { RosterCache } from './roster-cache.js';
import { Team, TeamMember } from './staff.entities.js';

@Injectable()
export class TeamsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(RosterCache) private readonly rosters: RosterCache,
    @Inject(QualityGrades) private readonly quality: QualityGrades,
  ) {}

  listForCompany(companyId: number): Promise<Team[]> {
    return this.ds.getRepository(Team).find({ where: { companyId }, order: { id: 'ASC' } });
  }

  /** The team if it belongs to the company. */
  findInCompany(companyId: number, id: number, em: EntityManager = this.ds.manager): Promise<Team | null> {
    if (!Number.isSafeInteger(id) || id < 1) return Promise.resolve(null);
    return em.findOneBy(Team, { id, companyId });
  }

  membersOf(teamIds: number[]): Promise<TeamMember[]> {
    return teamIds.length
      ? this.ds.getRepository(TeamMember).find({ where: { teamId: In(teamIds) }, order: { userId: 'ASC' } })
      : Promise.resolve([]);
  }

  /** Another team of the company already called `name` (names are compared as stored, trimmed). */
  nameTaken(em: EntityManager, companyId: number, name: string, exceptId?: number): Promise<boolean> {
    return em.existsBy(Team, { companyId, name, ...(exceptId !== undefined ? { id: Not(exceptId) } : {}) });
  }

  /**
   * Serialise team changes of one company on MySQL/MariaDB (the name check and the write
   * must not interleave); SQLite runs one write transaction at a time anyway.
   */
  async lockCompany(em: EntityManager, companyId: number): Promise<void> {
    if (this.ds.options.type !== 'mariadb' && this.ds.options.type !== 'mysql') return;
    await em.query('SELECT id FROM company WHERE id = ? FOR UPDATE', [companyId]);
  }

  async insert(em: EntityManager, data: { companyId: number; name: string; supervisorId: number | null }) {
    return em.save(em.create(Team, data));
  }

  async update(em: EntityManager, id: number, data: { name: string; supervisorId: number | null }) {
    await em.update(Team, { id }, data);
  }

  async replaceMembers(em: EntityManager, teamId: number, userIds: number[]) {
    this.rosters.forget();
    // Routing's quality grades are shrunk towards the team's index: its members changed.
    this.quality.forget();
    await em.delete(TeamMember, { teamId });
    if (userIds.length)
      await em.insert(
        TeamMember,
        userIds.map((userId) => ({ teamId, userId })),
      );
  }

  /** Routing rules that restrict candidates to the team. */
  async rulesUsing(em: EntityManager, teamId: number): Promise<number[]> {
    // Read-only look at the routing module's table (docs/architecture.md "Who owns which table").
    const rows: Array<{ id: number | string }> = await em
      .createQueryBuilder()
      .select('r.id', 'id')
      .from('routing_rule', 'r')
      .where('r.teamId = :teamId', { teamId })
      .orderBy('r.id', 'ASC')
      .getRawMany();
    return rows.map((r) => Number(r.id));
  }

  async remove(em: EntityManager, id: number) {
    this.rosters.forget();
    this.quality.forget();
    await em.delete(TeamMember, { teamId: id });
    await em.delete(Team, { id });
  }

  // --- one staff member's teams (staff-accounts.service.ts) ---------------------------------

  /** Teams of the company among `ids` (others are simply absent). */
  findManyInCompany(em: EntityManager, companyId: number, ids: number[]): Promise<Team[]> {
    return ids.length ? em.findBy(Team, { companyId, id: In(ids) }) : Promise.resolve([]);
  }

  /** The company's teams by exact name. */
  findByNames(em: EntityManager, companyId: number, names: string[]): Promise<Team[]> {
    return names.length ? em.findBy(Team, { companyId, name: In(names) }) : Promise.resolve([]);
  }

  /** The teams the user belongs to. */
  async teamIdsOf(em: EntityManager, userId: number): Promise<number[]> {
    const rows = await em.find(TeamMember, { where: { userId }, order: { teamId: 'ASC' } });
    return rows.map((r) => r.teamId);
  }

  /** Replace the teams one user belongs to (in the caller's transaction). */
  async replaceTeamsOf(em: EntityManager, userId: number, teamIds: number[]): Promise<void> {
    this.rosters.forget();
    this.quality.forget();
    await em.delete(TeamMember, { userId });
    if (teamIds.length)
      await em.insert(
        TeamMember,
        teamIds.map((teamId) => ({ teamId, userId })),
      );
  }

  /** The user no longer supervises any team (their role changed). */
  async unsetSupervisor(em: EntityManager, userId: number): Promise<void> {
    await em.update(Team, { supervisorId: userId }, { supervisorId: null });
  }
}
