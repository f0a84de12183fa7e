import { Inject, Injectable } from '@nestjs/common';
import type { TeamView } from '@linli/shared';
import type { FieldError } from '@linli/shared';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import type { TeamDto } from './staff.dto.js';
import type { Team } from './staff.entities.js';
import { StaffRepository } from './staff.repository.js';
import { invalid } from './staff.service.js';
import { TeamsRepository } from './teams.repository.js';
import { UsersRepository } from '../users/users.repository.js';

/** The view this module answers with, defined once in shared/. */
export type { TeamView } from '@linli/shared';

interface CheckedTeam {
  name: string;
  supervisorId: number | null;
  memberIds: number[];
}

@Injectable()
export class TeamsService {
  constructor(
    @Inject(UsersRepository) private readonly accounts: UsersRepository,
    @Inject(TeamsRepository) private readonly teams: TeamsRepository,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
  ) {}

  async list(actor: Actor): Promise<TeamView[]> {
    return this.toViews(actor, await this.teams.listForCompany(actor.companyId!));
  }

  async create(actor: Actor, dto: TeamDto): Promise<TeamView> {
    const input = await this.check(actor, dto);
    const team = await this.staff.transaction(async (em) => {
      await this.teams.lockCompany(em, actor.companyId!);
      if (await this.teams.nameTaken(em, actor.companyId!, input.name)) throw this.nameTaken();
      const created = await this.teams.insert(em, {
        companyId: actor.companyId!,
        name: input.name,
        supervisorId: input.supervisorId,
      });
      await this.teams.replaceMembers(em, created.id, input.memberIds);
      await recordAudit(em, actor, 'create', 'team', created.id, null, input);
      return created;
    });
    const [view] = await this.toViews(actor, [team]);
    return view;
  }

  /** Replaces name, supervisor and members. */
  async update(actor: Actor, id: number, dto: TeamDto): Promise<TeamView> {
    if (!(await this.teams.findInCompany(actor.companyId!, id))) throw notFound('team');
    const input = await this.check(actor, dto);
    const team = await this.staff.transaction(async (em) => {
      await this.teams.lockCompany(em, actor.companyId!);
      const current = await this.teams.findInCompany(actor.companyId!, id, em);
      if (!current) throw notFound('team');
      if (await this.teams.nameTaken(em, actor.companyId!, input.name, id)) throw this.nameTaken();
      const [before] = await this.toViews(actor, [current]);
      await this.teams.update(em, id, { name: input.name, supervisorId: input.supervisorId });
      await this.teams.replaceMembers(em, id, input.memberIds);
      await recordAudit(
        em,
        actor,
        'update',
        'team',
        id,
        { name: before.name, supervisorId: before.supervisorId, memberIds: before.memberIds },
        input,
      );
      return { ...current, name: input.name, supervisorId: input.supervisorId };
    });
    const [view] = await this.toViews(actor, [team]);
    return view;
  }

  /** A team that a routing rule restricts to cannot go: the rule would silently widen to everyone. */
  async remove(actor: Actor, id: number): Promise<void> {
    if (!(await this.teams.findInCompany(actor.companyId!, id))) throw notFound('team');
    await this.staff.transaction(async (em) => {
      await this.teams.lockCompany(em, actor.companyId!);
      const current = await this.teams.findInCompany(actor.companyId!, id, em);
      if (!current) throw notFound('team');
      const ruleIds = await this.teams.rulesUsing(em, id);
      if (ruleIds.length) {
        throw new AppError('TRANSITION_NOT_ALLOWED', `routing rules ${ruleIds.join(', ')} use this team`, { ruleIds });
      }
      const [before] = await this.toViews(actor, [current]);
      await this.teams.remove(em, id);
      await recordAudit(
        em,
        actor,
        'delete',
        'team',
        id,
        { name: before.name, supervisorId: before.supervisorId, memberIds: before.memberIds },
        null,
      );
    });
  }

  private nameTaken() {
    return invalid('team name is taken', [{ field: 'name', problems: ['a team of this name exists'] }]);
  }

  private async check(actor: Actor, dto: TeamDto): Promise<CheckedTeam> {
    const errors: FieldError[] = [];
    const name = dto.name.trim();
    if (!name) errors.push({ field: 'name', problems: ['name must not be blank'] });
    const supervisorId = dto.supervisorId ?? null;
    if (supervisorId !== null) {
      const supervisor = await this.accounts.findStaffMember(actor.companyId!, supervisorId);
      if (supervisor?.role !== 'supervisor') {
        errors.push({ field: 'supervisorId', problems: ['must be a supervisor of the company'] });
      }
    }
    const found = new Map(
      (await this.accounts.findStaffMembers(actor.companyId!, dto.memberIds)).map((u) => [u.id, u]),
    );
    const notTechnicians = dto.memberIds.filter((id) => found.get(id)?.role !== 'technician');
    if (notTechnicians.length) {
      errors.push({
        field: 'memberIds',
        problems: [`not technicians of the company: ${notTechnicians.join(', ')}`],
      });
    }
    if (errors.length) throw invalid('team is invalid', errors);
    return { name, supervisorId, memberIds: dto.memberIds };
  }

  private async toViews(actor: Actor, teams: Team[]): Promise<TeamView[]> {
    const members = await this.teams.membersOf(teams.map((t) => t.id));
    const people = new Map(
      (
        await this.accounts.findStaffMembers(actor.companyId!, [
          ...members.map((m) => m.userId),
          ...teams.flatMap((t) => (t.supervisorId === null ? [] : [t.supervisorId])),
        ])
      ).map((u) => [u.id, u]),
    );
    return teams.map((t) => {
      const own = members.filter((m) => m.teamId === t.id);
      return {
        id: t.id,
        name: t.name,
        supervisorId: t.supervisorId,
        supervisorName: t.supervisorId === null ? null : (people.get(t.supervisorId)?.name ?? null),
        memberIds: own.map((m) => m.userId),
        members: own.map((m) => ({ id: m.userId, name: people.get(m.userId)?.name ?? '' })),
      };
    });
  }
}
