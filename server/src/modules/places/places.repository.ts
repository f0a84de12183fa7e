import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { escapeLike, LIKE_ESCAPE } from '../../common/db-errors.js';
import { Building, Community, House, HouseRegistryEntry, PublicArea, Unit } from './place.entities.js';

@Injectable()
export class PlacesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findCommunity(id: number) {
    return this.ds.getRepository(Community).findOneBy({ id });
  }

  /** Communities by name (any company: a resident picks where they live). */
  searchCommunities(q: string | undefined, companyId: number | null, limit = 50) {
    const qb = this.ds.getRepository(Community).createQueryBuilder('c').orderBy('c.id', 'ASC').take(limit);
    if (q) qb.andWhere(`c.name LIKE :like ESCAPE '${LIKE_ESCAPE}'`, { like: `%${escapeLike(q)}%` });
    if (companyId) qb.andWhere('c.companyId = :companyId', { companyId });
    return qb.getMany();
  }

  buildingsOf(communityId: number) {
    return this.ds.getRepository(Building).find({ where: { communityId }, order: { id: 'ASC' } });
  }

  findBuilding(id: number) {
    return this.ds.getRepository(Building).findOneBy({ id });
  }

  unitsOf(buildingId: number) {
    return this.ds.getRepository(Unit).find({ where: { buildingId }, order: { id: 'ASC' } });
  }

  housesOfBuilding(buildingId: number) {
    return this.ds.getRepository(House).find({ where: { buildingId }, order: { unitId: 'ASC', roomNo: 'ASC' } });
  }

  findHouse(id: number) {
    return this.ds.getRepository(House).findOneBy({ id });
  }

  findHouses(ids: number[]) {
    return ids.length ? this.ds.getRepository(House).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  registryOf(houseId: number) {
    return this.ds.getRepository(HouseRegistryEntry).findBy({ houseId });
  }

  findPublicArea(id: number) {
    return this.ds.getRepository(PublicArea).findOneBy({ id });
  }

  publicAreasOf(communityId: number) {
    return this.ds.getRepository(PublicArea).find({ where: { communityId }, order: { id: 'ASC' } });
  }

  findCommunities(ids: number[]) {
    return ids.length ? this.ds.getRepository(Community).findBy({ id: In(ids) }) : Promise.resolve([]);
  }
}
