import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { HouseBinding } from './house-binding.entity.js';
import { PlacesRepository } from '../places/places.repository.js';

@Injectable()
export class BindingsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
  ) {}

  listForUser(userId: number) {
    return this.ds.getRepository(HouseBinding).find({ where: { userId }, order: { id: 'ASC' } });
  }

  find(userId: number, houseId: number) {
    return this.ds.getRepository(HouseBinding).findOneBy({ userId, houseId });
  }

  findById(id: number) {
    return this.ds.getRepository(HouseBinding).findOneBy({ id });
  }

  async verifiedHouseIds(userId: number): Promise<number[]> {
    const rows = await this.ds.getRepository(HouseBinding).find({
      select: { houseId: true },
      where: { userId, status: 'verified' },
    });
    return rows.map((r) => r.houseId);
  }

  /** Communities where the resident has a verified house. */
  async verifiedCommunityIds(userId: number): Promise<number[]> {
    const ids = await this.verifiedHouseIds(userId);
    if (!ids.length) return [];
    const houses = await this.places.findHouses(ids);
    return [...new Set(houses.map((h) => h.communityId))];
  }

  /**
   * The residents verified for a house of the community (of these buildings; null: all of
   * them): who a notice reaches (notices/notices.service.ts). One query over house_binding.
   */
  async verifiedResidentIdsOf(
    communityId: number,
    buildingIds: number[] | null,
    em?: EntityManager,
  ): Promise<number[]> {
    const qb = (em ?? this.ds.manager)
      .getRepository(HouseBinding)
      .createQueryBuilder('b')
      .select('DISTINCT b.userId', 'userId')
      .innerJoin('house', 'h', 'h.id = b.houseId')
      .where('b.status = :verified', { verified: 'verified' })
      .andWhere('h.communityId = :communityId', { communityId });
    if (buildingIds !== null) qb.andWhere('h.buildingId IN (:...buildingIds)', { buildingIds });
    const rows = await qb.orderBy('b.userId', 'ASC').getRawMany<{ userId: number | string }>();
    return rows.map((r) => Number(r.userId));
  }

  /** The verified residents of a house, oldest binding first. */
  verifiedOf(houseId: number): Promise<HouseBinding[]> {
    return this.ds.getRepository(HouseBinding).find({ where: { houseId, status: 'verified' }, order: { id: 'ASC' } });
  }

  /** The resident's verified binding of the house (relation and fee flag), or null. */
  verifiedBinding(userId: number, houseId: number): Promise<HouseBinding | null> {
    return this.ds.getRepository(HouseBinding).findOneBy({ userId, houseId, status: 'verified' });
  }

  /** Houses where the resident may approve fees: verified as owner, or with the owner's 可审批费用. */
  async feeApproverHouseIds(userId: number): Promise<number[]> {
    const rows = await this.ds.getRepository(HouseBinding).find({
      select: { houseId: true, relation: true, canApproveFees: true },
      where: { userId, status: 'verified' },
    });
    return rows.filter((r) => r.relation === 'owner' || r.canApproveFees).map((r) => r.houseId);
  }

  /** Every binding of a house, oldest first (the owner's household page). */
  allOf(houseId: number): Promise<HouseBinding[]> {
    return this.ds.getRepository(HouseBinding).find({ where: { houseId }, order: { id: 'ASC' } });
  }

  async isVerified(userId: number, houseId: number): Promise<boolean> {
    return (await this.ds.getRepository(HouseBinding).countBy({ userId, houseId, status: 'verified' })) > 0;
  }

  create(data: Partial<HouseBinding>) {
    const repo = this.ds.getRepository(HouseBinding);
    return repo.save(repo.create(data));
  }

  /** Pending bindings of houses in these communities (the desk's review queue). */
  pendingInCommunities(communityIds: number[]) {
    if (!communityIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(HouseBinding)
      .createQueryBuilder('b')
      .innerJoin('house', 'h', 'h.id = b.houseId')
      .where('b.status = :s', { s: 'pending' })
      .andWhere('h.communityId IN (:...ids)', { ids: communityIds })
      .orderBy('b.id', 'ASC')
      .getMany();
  }

  /** Decide a pending binding; false when someone else decided first. */
  async review(
    id: number,
    status: 'verified' | 'rejected',
    reviewerId: number,
    em: EntityManager = this.ds.manager,
  ): Promise<boolean> {
    const res = await em
      .getRepository(HouseBinding)
      .createQueryBuilder()
      .update()
      .set({ status, reviewedById: reviewerId, reviewedAt: new Date() })
      .where('id = :id AND status = :pending', { id, pending: 'pending' })
      .execute();
    return (res.affected ?? 0) === 1;
  }
}
