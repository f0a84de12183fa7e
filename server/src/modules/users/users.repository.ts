import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isStaffRole, PLACEHOLDER_NICKNAME, STAFF_ROLES, type Role, type UserView } from '@linli/shared';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { ReadCache } from '../../common/read-cache.js';
import { afterCommit } from '../../common/write-batch.js';
import { deploymentChannel, RedisBroadcast } from '../../common/redis-broadcast.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { StaffCommunity, User } from './user.entities.js';

export interface StaffFilter {
  role?: string;
  /** Only staff serving at least one of these communities (supervisor and desk scope). */
  servingAny?: number[];
  /** Only staff serving this community. */
  communityId?: number;
}

/** The users module's row types, for other modules (they never touch the entities). */
export type { User } from './user.entities.js';

/** What the auth guard needs of a signed-in user, besides the actor: checked on every request. */
export interface ActorState {
  actor: Actor;
  /** Must equal the token's `ver`. */
  tokenVersion: number;
  mustChangePassword: boolean;
}

@Injectable()
export class UsersRepository implements OnModuleDestroy {
  /**
   * Active users of active companies by id, as the guard reads them on every request
   * (LINLI_ACTOR_CACHE_MS; null: gone or inactive). Every write through this repository that
   * changes what is cached forgets the entry (docs/security.md "Tokens").
   */
  private readonly actors: ReadCache<number, ActorState | null>;
  /**
   * With LINLI_REDIS_URL, a forgotten user is forgotten by every process at once (a
   * deactivation through process A refuses the next request on process B); the cache time is
   * the backstop while the Redis link is down, and a process that lost its link forgets everyone.
   */
  private readonly peers: RedisBroadcast | null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.actors = new ReadCache(config.actorCacheMs);
    this.peers =
      config.redisUrl && config.actorCacheMs > 0
        ? new RedisBroadcast(config.redisUrl, deploymentChannel('actors', config.db), 'signed-in user changes')
        : null;
    this.peers?.listen(
      (payload) => this.actors.forget(typeof payload === 'number' ? payload : undefined),
      () => this.actors.forget(),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.peers?.close();
  }

  findByIds(ids: number[]): Promise<User[]> {
    const unique = [...new Set(ids)];
    return unique.length ? this.ds.getRepository(User).findBy({ id: In(unique) }) : Promise.resolve([]);
  }

  /** Active users among `ids`, by id. */
  findActiveByIds(ids: number[], em: EntityManager = this.ds.manager): Promise<User[]> {
    return ids.length
      ? em.find(User, { where: { id: In(ids), active: true }, order: { id: 'ASC' } })
      : Promise.resolve([]);
  }

  /** Ids of the company's active staff of a role; with a community, only those serving it. */
  async activeStaffIds(
    em: EntityManager,
    filter: { companyId: number; role: string; communityId?: number },
  ): Promise<number[]> {
    const qb = em
      .getRepository(User)
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .where('u.companyId = :companyId AND u.active = :active AND u.role = :role', {
        companyId: filter.companyId,
        active: true,
        role: filter.role,
      });
    if (filter.communityId !== undefined) {
      qb.innerJoin(StaffCommunity, 'sc', 'sc.userId = u.id AND sc.communityId = :communityId', {
        communityId: filter.communityId,
      });
    }
    return (await qb.getRawMany<{ id: number | string }>()).map((r) => Number(r.id));
  }

  // ---- staff accounts: user rows of staff roles and the communities they serve -------------

  /**
   * Serialise changes to one staff member's rows (replace-all writes) on MySQL/MariaDB;
   * SQLite runs one write transaction at a time anyway.
   */
  async lockForUpdate(em: EntityManager, userId: number): Promise<void> {
    if (this.ds.options.type !== 'mariadb' && this.ds.options.type !== 'mysql') return;
    await em
      .createQueryBuilder(User, 'u')
      .select('u.id')
      .where('u.id = :userId', { userId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** A staff member (any staff role, active or not) of the company. */
  findStaffMember(companyId: number, userId: number, em: EntityManager = this.ds.manager): Promise<User | null> {
    if (!Number.isSafeInteger(userId) || userId < 1) return Promise.resolve(null);
    return em.findOneBy(User, { id: userId, companyId, role: In([...STAFF_ROLES]) });
  }

  /** Staff of the company by id (missing or other-company ids are simply absent). */
  findStaffMembers(companyId: number, userIds: number[], em: EntityManager = this.ds.manager): Promise<User[]> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return Promise.resolve([]);
    return em.findBy(User, { id: In(ids), companyId, role: In([...STAFF_ROLES]) });
  }

  /** The company's staff, by role and served communities. */
  listStaff(companyId: number, filter: StaffFilter): Promise<User[]> {
    const qb = this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.companyId = :companyId', { companyId })
      .andWhere('u.role IN (:...roles)', { roles: filter.role ? [filter.role] : [...STAFF_ROLES] })
      .orderBy('u.id', 'ASC');
    if (filter.servingAny) {
      if (!filter.servingAny.length) return Promise.resolve([]);
      qb.andWhere('u.id IN (SELECT sc.userId FROM staff_community sc WHERE sc.communityId IN (:...servingAny))', {
        servingAny: filter.servingAny,
      });
    }
    if (filter.communityId !== undefined) {
      qb.andWhere('u.id IN (SELECT sc2.userId FROM staff_community sc2 WHERE sc2.communityId = :communityId)', {
        communityId: filter.communityId,
      });
    }
    return qb.getMany();
  }

  /** Every active technician of the company, by id. */
  activeTechnicians(companyId: number, em: EntityManager = this.ds.manager): Promise<User[]> {
    return em.find(User, { where: { companyId, role: 'technician', active: true }, order: { id: 'ASC' } });
  }

  /** Whether the user serves at least one of the communities. */
  async servesAny(userId: number, communityIds: number[], em: EntityManager = this.ds.manager): Promise<boolean> {
    if (!communityIds.length) return false;
    return (await em.countBy(StaffCommunity, { userId, communityId: In(communityIds) })) > 0;
  }

  /** The community memberships of these users, by community id. */
  communityMemberships(userIds: number[], em: EntityManager = this.ds.manager): Promise<StaffCommunity[]> {
    if (!userIds.length) return Promise.resolve([]);
    return em.find(StaffCommunity, { where: { userId: In(userIds) }, order: { communityId: 'ASC' } });
  }

  /** Replace the communities a staff member serves (in the caller's transaction). */
  async replaceCommunities(em: EntityManager, userId: number, communityIds: number[]): Promise<void> {
    this.forgetActor(userId, em);
    await em.delete(StaffCommunity, { userId });
    if (communityIds.length)
      await em.insert(
        StaffCommunity,
        communityIds.map((communityId) => ({ userId, communityId })),
      );
  }

  findById(id: number, em: EntityManager = this.ds.manager) {
    return em.findOneBy(User, { id });
  }

  findByUsername(username: string) {
    return this.ds.getRepository(User).findOneBy({ username });
  }

  findByOpenid(openid: string) {
    return this.ds.getRepository(User).findOneBy({ wechatOpenid: openid });
  }

  /** First WeChat login of someone unknown: a resident with no houses yet. */
  async createResidentFromWechat(openid: string): Promise<User> {
    const repo = this.ds.getRepository(User);
    try {
      return await repo.save(
        repo.create({ role: 'resident', name: PLACEHOLDER_NICKNAME, wechatOpenid: openid, companyId: null }),
      );
    } catch (e) {
      // Two first logins racing: the other one created the user.
      const existing = await this.findByOpenid(openid);
      if (existing) return existing;
      throw e;
    }
  }

  async communityIdsOf(userId: number): Promise<number[]> {
    const rows = await this.ds.getRepository(StaffCommunity).find({ where: { userId }, order: { communityId: 'ASC' } });
    return rows.map((r) => r.communityId);
  }

  /** The actor of an authenticated request, or null when the user is gone or inactive. */
  async loadActor(userId: number): Promise<Actor | null> {
    const state = await this.loadActorState(userId);
    return state ? { ...state.actor, communityIds: [...state.actor.communityIds] } : null;
  }

  /**
   * The actor and token state of a signed-in user, cached (LINLI_ACTOR_CACHE_MS): null when the
   * user is gone, inactive, or of an inactive company. The returned object is shared: copy before
   * changing it.
   */
  loadActorState(userId: number): Promise<ActorState | null> {
    if (!Number.isSafeInteger(userId) || userId < 1) return Promise.resolve(null);
    return this.actors.get(userId, async () => {
      const user = await this.ds
        .getRepository(User)
        .createQueryBuilder('u')
        // The places module's table, by name (no entity import across modules).
        .leftJoin('company', 'c', 'c.id = u.companyId')
        .addSelect('c.active', 'companyActive')
        .where('u.id = :userId', { userId })
        .getRawAndEntities<{ companyActive: unknown }>()
        .then((r) => (r.entities[0] ? { user: r.entities[0], companyActive: r.raw[0]?.companyActive } : null));
      if (!user || !user.user.active) return null;
      // A company row's boolean comes back raw: 0/1 (SQLite, MariaDB) or true/false.
      if (user.user.companyId !== null && !(user.companyActive === true || Number(user.companyActive) === 1))
        return null;
      const u = user.user;
      return {
        actor: {
          userId: u.id,
          role: u.role as Role,
          name: u.name,
          phone: u.phone,
          companyId: u.companyId,
          communityIds: isStaffRole(u.role) ? await this.communityIdsOf(u.id) : [],
        },
        tokenVersion: u.tokenVersion,
        mustChangePassword: u.mustChangePassword,
      };
    });
  }

  /** Whether a user of this company may sign in (residents and operators have none: true). */
  async companyActive(companyId: number | null): Promise<boolean> {
    if (companyId === null) return true;
    const row = await this.ds
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('company', 'c')
      .where('c.id = :companyId AND c.active = :active', { companyId, active: true })
      .getRawOne<{ id: number }>();
    return row !== undefined;
  }

  /** Drop a user's cached actor (every user's without an id): call on any write to their row or communities. */
  forgetActor(userId?: number, em?: EntityManager): void {
    this.actors.forget(userId);
    this.peers?.publish(userId ?? null);
    // Again once the caller's transaction has committed: a read between now and the commit (here
    // or in another process) may have cached the row as it was.
    if (em)
      afterCommit(em, () => {
        this.actors.forget(userId);
        this.peers?.publish(userId ?? null);
      });
  }

  /**
   * Invalidate every token of the user (deactivation, role change, password change or reset), in
   * the caller's transaction, with other changes to the row. Returns the new version.
   */
  async bumpTokenVersion(em: EntityManager, userId: number, changes: Partial<User> = {}): Promise<number> {
    this.forgetActor(userId, em);
    await em
      .createQueryBuilder()
      .update(User)
      .set({ ...changes, tokenVersion: () => 'tokenVersion + 1' })
      .where('id = :userId', { userId })
      .execute();
    const row = await em.findOne(User, { where: { id: userId }, select: { id: true, tokenVersion: true } });
    return row?.tokenVersion ?? 0;
  }

  async toView(user: User): Promise<UserView> {
    return {
      id: user.id,
      role: user.role as Role,
      name: user.name,
      phone: user.phone,
      companyId: user.companyId,
      communityIds: isStaffRole(user.role) ? await this.communityIdsOf(user.id) : [],
      ...(user.mustChangePassword ? { mustChangePassword: true } : {}),
    };
  }

  /** Staff of a company by id, for assignment checks. */
  findStaff(companyId: number, userId: number) {
    return this.ds.getRepository(User).findOneBy({ id: userId, companyId, active: true });
  }

  // ---- staff accounts created and edited by admins (staff/staff-accounts.service.ts) -----------

  /**
   * The password fields of an account created by an admin or an import: the temporary
   * password's hash, and the first login must set the user's own password.
   */
  newAccountPasswordFields(passwordHash: string): Pick<User, 'passwordHash' | 'mustChangePassword'> {
    return { passwordHash, mustChangePassword: true };
  }

  /** Insert a staff account (in the caller's transaction); its id. */
  async insertStaff(
    em: EntityManager,
    row: {
      companyId: number;
      role: string;
      name: string;
      phone: string | null;
      username: string;
      passwordHash: string;
    },
  ): Promise<number> {
    const res = await em.insert(User, {
      companyId: row.companyId,
      role: row.role,
      name: row.name,
      phone: row.phone,
      username: row.username,
      wechatOpenid: null,
      isDemo: false,
      active: true,
      ...this.newAccountPasswordFields(row.passwordHash),
    });
    return Number(res.identifiers[0].id);
  }

  /** Which of these usernames exist already (any company: usernames are unique platform-wide). */
  async usernamesTaken(em: EntityManager, usernames: string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    const unique = [...new Set(usernames)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await em.find(User, {
        select: { id: true, username: true },
        where: { username: In(unique.slice(i, i + 500)) },
      });
      for (const r of rows) if (r.username !== null) taken.add(r.username.toLowerCase());
    }
    return taken;
  }

  /** Active admins of the company other than `exceptId`. */
  countOtherActiveAdmins(em: EntityManager, companyId: number, exceptId: number): Promise<number> {
    return em
      .createQueryBuilder(User, 'u')
      .where('u.companyId = :companyId AND u.role = :role AND u.active = :active AND u.id <> :exceptId', {
        companyId,
        role: 'admin',
        active: true,
        exceptId,
      })
      .getCount();
  }

  /** Name and phone of an account (role and active go through bumpTokenVersion). */
  async updateContact(em: EntityManager, userId: number, changes: { name: string; phone: string | null }) {
    this.forgetActor(userId, em);
    await em.update(User, { id: userId }, changes);
  }
}
