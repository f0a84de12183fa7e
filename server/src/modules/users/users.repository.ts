import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isStaffRole, type Role, type UserView } from '@linli/shared';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { StaffCommunity, User } from './user.entities.js';

/** The users module's row types, for other modules (they never touch the entities). */
export type { User } from './user.entities.js';

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

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
        repo.create({ role: 'resident', name: '微信用户', wechatOpenid: openid, companyId: null }),
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
    if (!Number.isSafeInteger(userId)) return null;
    const user = await this.findById(userId);
    if (!user || !user.active) return null;
    return {
      userId: user.id,
      role: user.role as Role,
      name: user.name,
      companyId: user.companyId,
      communityIds: isStaffRole(user.role) ? await this.communityIdsOf(user.id) : [],
    };
  }

  async toView(user: User): Promise<UserView> {
    return {
      id: user.id,
      role: user.role as Role,
      name: user.name,
      phone: user.phone,
      companyId: user.companyId,
      communityIds: isStaffRole(user.role) ? await this.communityIdsOf(user.id) : [],
    };
  }

  /** Staff of a company by id, for assignment checks. */
  findStaff(companyId: number, userId: number) {
    return this.ds.getRepository(User).findOneBy({ id: userId, companyId, active: true });
  }
}
