import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Like } from 'typeorm';
import { Building, Community, House, HouseRegistryEntry, PublicArea, Unit } from './place.entities.js';

@Injectable()
export class PlacesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findCommunity(id: number) {
    return this.ds.getRepository(Community).findOneBy({ id });
  }

  /** Communities by name (any company: a resident picks where they live). */
  searchCommunities(q: string | undefined, companyId: number | null, limit = 50) {
    return this.ds.getRepository(Community).find({
      where: {
        ...(q ? { name: Like(`%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`) } : {}),
        ...(companyId ? { companyId } : {}),
      },
      order: { id: 'ASC' },
      take: limit,
    });
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
