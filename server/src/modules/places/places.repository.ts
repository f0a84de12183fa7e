import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { escapeLike, LIKE_ESCAPE } from '../../common/db-errors.js';
import { ReadCache } from '../../common/read-cache.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { Building, Community, House, HouseRegistryEntry, PublicArea, Unit } from './place.entities.js';

/** The places module's row types, for other modules (they never touch the entities). */
export type { Building, Community, House, PublicArea } from './place.entities.js';

@Injectable()
export class PlacesRepository {
  /** Community rows by id (read by every order; written by admins and imports): common/read-cache.ts. */
  private readonly communities: ReadCache<number, Community | null>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.communities = new ReadCache(config.configCacheMs);
  }

  findCommunity(id: number, em: EntityManager = this.ds.manager): Promise<Community | null> {
    return this.communities.get(id, () => em.findOneBy(Community, { id }));
  }

  /** Every write of a community row in the places module calls this (the cache above). */
  forgetCommunities(): void {
    this.communities.forget();
  }

  /** The building of an order's place (its house or public area), or null. */
  async buildingOf(
    place: { houseId: number | null; publicAreaId: number | null },
    em: EntityManager = this.ds.manager,
  ): Promise<number | null> {
    if (place.houseId !== null) return (await em.findOneBy(House, { id: place.houseId }))?.buildingId ?? null;
    if (place.publicAreaId !== null)
      return (await em.findOneBy(PublicArea, { id: place.publicAreaId }))?.buildingId ?? null;
    return null;
  }

  /** The building of each order's place, read in one query per kind of place (id -> building). */
  async buildingsOfPlaces(
    places: Array<{ id: number; houseId: number | null; publicAreaId: number | null }>,
    em: EntityManager = this.ds.manager,
  ): Promise<Map<number, number | null>> {
    const houseIds = [...new Set(places.map((p) => p.houseId).filter((x): x is number => x !== null))];
    const areaIds = [...new Set(places.map((p) => p.publicAreaId).filter((x): x is number => x !== null))];
    const houses = new Map((await this.findHouses(houseIds, em)).map((h) => [h.id, h.buildingId]));
    const areas = new Map((await this.findPublicAreas(areaIds, em)).map((a) => [a.id, a.buildingId]));
    return new Map(
      places.map((p) => [
        p.id,
        (p.houseId !== null ? houses.get(p.houseId) : p.publicAreaId !== null ? areas.get(p.publicAreaId) : null) ??
          null,
      ]),
    );
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

  findHouse(id: number, em: EntityManager = this.ds.manager) {
    return em.findOneBy(House, { id });
  }

  /**
   * The house if the resident is verified for it, else null (as for a missing house): the
   * create path's place check in one read. The residents module's binding table only filters.
   */
  findHouseOfResident(id: number, residentId: number, em: EntityManager = this.ds.manager): Promise<House | null> {
    if (!Number.isSafeInteger(id) || id < 1) return Promise.resolve(null);
    return em
      .createQueryBuilder(House, 'h')
      .where('h.id = :id', { id })
      .andWhere(
        'EXISTS (SELECT 1 FROM house_binding b WHERE b.houseId = h.id AND b.userId = :residentId AND b.status = :verified)',
        { residentId, verified: 'verified' },
      )
      .getOne();
  }

  findHouses(ids: number[], em: EntityManager = this.ds.manager) {
    return ids.length ? em.findBy(House, { id: In(ids) }) : Promise.resolve([]);
  }

  registryOf(houseId: number) {
    return this.ds.getRepository(HouseRegistryEntry).findBy({ houseId });
  }

  findPublicArea(id: number, em: EntityManager = this.ds.manager) {
    return em.findOneBy(PublicArea, { id });
  }

  publicAreasOf(communityId: number) {
    return this.ds.getRepository(PublicArea).find({ where: { communityId }, order: { id: 'ASC' } });
  }

  findPublicAreas(ids: number[], em: EntityManager = this.ds.manager) {
    return ids.length ? em.findBy(PublicArea, { id: In(ids) }) : Promise.resolve([]);
  }

  /** A community's closed-loop settings: its follow-up policy and rating window (null: the default). */
  async setFollowUpSettings(
    em: EntityManager,
    id: number,
    settings: { followUpPolicy: string; ratingWindowDays: number | null },
  ): Promise<void> {
    this.forgetCommunities();
    await em.update(Community, { id }, settings);
  }

  /** Communities of the company among `ids` (others are simply absent). */
  companyCommunities(companyId: number, ids: number[], em: EntityManager = this.ds.manager): Promise<Community[]> {
    const unique = [...new Set(ids)];
    return unique.length ? em.findBy(Community, { id: In(unique), companyId }) : Promise.resolve([]);
  }

  buildingsByIds(ids: number[], em: EntityManager = this.ds.manager): Promise<Building[]> {
    const unique = [...new Set(ids)];
    return unique.length ? em.findBy(Building, { id: In(unique) }) : Promise.resolve([]);
  }

  async findCommunities(ids: number[], em: EntityManager = this.ds.manager): Promise<Community[]> {
    if (!ids.length) return [];
    const rows = await this.communities.getMany(
      ids,
      async (missing) => new Map((await em.findBy(Community, { id: In(missing) })).map((c) => [c.id, c])),
      null,
    );
    return [...rows.values()].filter((c): c is Community => c !== null);
  }
}
