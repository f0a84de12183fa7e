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

/** Where a place is on the map (null: not known). */
export interface PlacePoint {
  latitude: number | null;
  longitude: number | null;
}

const NO_POINT: PlacePoint = { latitude: null, longitude: null };

/** A house (`h12`) or a public area (`a3`). */
type PlaceKey = `${'h' | 'a'}${number}`;

/** An order's or a job's place: its house or public area, in its community. */
export interface OrderPlace {
  id: number;
  communityId: number;
  houseId: number | null;
  publicAreaId: number | null;
}

const keyOf = (p: { houseId: number | null; publicAreaId: number | null }): PlaceKey | null =>
  p.houseId !== null ? `h${p.houseId}` : p.publicAreaId !== null ? `a${p.publicAreaId}` : null;

const located = (p: PlacePoint | undefined): p is PlacePoint =>
  p !== undefined && p.latitude !== null && p.longitude !== null;

@Injectable()
export class PlacesRepository {
  /** Community rows by id (read by every order; written by admins and imports): common/read-cache.ts. */
  private readonly communities: ReadCache<number, Community | null>;
  /**
   * The building of each house and public area (routing batches, positions, arrival): fixed
   * once imported (no path moves a house or an area to another building), so kept as long as
   * the configuration rows.
   */
  private readonly placeBuildings: ReadCache<PlaceKey, number | null>;
  /** Each house's and public area's map point (building, else community): `pointsOfPlaces`. */
  private readonly points: ReadCache<PlaceKey, PlacePoint>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.communities = new ReadCache(config.configCacheMs);
    this.placeBuildings = new ReadCache(config.configCacheMs, 100_000);
    this.points = new ReadCache(config.configCacheMs, 100_000);
  }

  findCommunity(id: number, em: EntityManager = this.ds.manager): Promise<Community | null> {
    return this.communities.get(id, () => em.findOneBy(Community, { id }));
  }

  /** Every write of a community row in the places module calls this (the cache above). */
  forgetCommunities(): void {
    this.communities.forget();
    this.points.forget();
  }

  /** Every write of a building's coordinates calls this (the map points of its places). */
  forgetPoints(): void {
    this.points.forget();
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

  /**
   * The building of each order's place (id -> building), kept per house and public area
   * (`placeBuildings`); the misses are read in one query per kind of place.
   */
  async buildingsOfPlaces(
    places: Array<{ id: number; houseId: number | null; publicAreaId: number | null }>,
    em: EntityManager = this.ds.manager,
  ): Promise<Map<number, number | null>> {
    const keys = places.map(keyOf).filter((k): k is PlaceKey => k !== null);
    const buildings = await this.placeBuildings.getMany(keys, (missing) => this.readPlaceBuildings(missing, em), null);
    return new Map(
      places.map((p) => {
        const key = keyOf(p);
        return [p.id, key === null ? null : (buildings.get(key) ?? null)];
      }),
    );
  }

  private async readPlaceBuildings(keys: PlaceKey[], em: EntityManager): Promise<Map<PlaceKey, number | null>> {
    const ids = (kind: 'h' | 'a') => keys.filter((k) => k.startsWith(kind)).map((k) => Number(k.slice(1)));
    const [houses, areas] = await Promise.all([this.findHouses(ids('h'), em), this.findPublicAreas(ids('a'), em)]);
    return new Map<PlaceKey, number | null>([
      ...houses.map((h): [PlaceKey, number | null] => [`h${h.id}`, h.buildingId]),
      ...areas.map((a): [PlaceKey, number | null] => [`a${a.id}`, a.buildingId]),
    ]);
  }

  /**
   * Where each place is (id -> point): its building's coordinates, else its community's, else
   * unknown. Kept per house and public area for LINLI_CONFIG_CACHE_MS (forgotten when a
   * building's or community's coordinates are set): arrival estimates and technician positions.
   */
  async pointsOfPlaces(places: OrderPlace[], em: EntityManager = this.ds.manager): Promise<Map<number, PlacePoint>> {
    const communityOf = new Map<PlaceKey, number>();
    for (const p of places) {
      const key = keyOf(p);
      if (key !== null) communityOf.set(key, p.communityId);
    }
    const points = await this.points.getMany(
      [...communityOf.keys()],
      (missing) => this.readPoints(missing, communityOf, em),
      NO_POINT,
    );
    return new Map(
      places.map((p) => {
        const key = keyOf(p);
        return [p.id, key === null ? NO_POINT : (points.get(key) ?? NO_POINT)];
      }),
    );
  }

  private async readPoints(
    keys: PlaceKey[],
    communityOf: Map<PlaceKey, number>,
    em: EntityManager,
  ): Promise<Map<PlaceKey, PlacePoint>> {
    const places = keys.map((key, i) => ({
      id: i,
      houseId: key.startsWith('h') ? Number(key.slice(1)) : null,
      publicAreaId: key.startsWith('a') ? Number(key.slice(1)) : null,
    }));
    const buildingOf = await this.buildingsOfPlaces(places, em);
    const [buildings, communities] = await Promise.all([
      this.buildingsByIds(
        [...buildingOf.values()].filter((b): b is number => b !== null),
        em,
      ),
      this.findCommunities([...new Set(communityOf.values())], em),
    ]);
    const buildingById = new Map(buildings.map((b) => [b.id, b]));
    const communityById = new Map(communities.map((c) => [c.id, c]));
    const out = new Map<PlaceKey, PlacePoint>();
    keys.forEach((key, i) => {
      const b = buildingById.get(buildingOf.get(i) ?? -1);
      const c = communityById.get(communityOf.get(key) ?? -1);
      const point = located(b) ? b : located(c) ? c : null;
      out.set(key, point ? { latitude: point.latitude, longitude: point.longitude } : NO_POINT);
    });
    return out;
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
  /** Every community of the company, by id (a survey schedule's reach, modules/surveys). */
  communitiesOfCompany(companyId: number, em: EntityManager = this.ds.manager): Promise<Community[]> {
    return em.getRepository(Community).find({ where: { companyId }, order: { id: 'ASC' } });
  }

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
