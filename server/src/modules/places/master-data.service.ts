import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  coordinateProblems,
  ofViewersCompany,
  type BuildingRow,
  type CommunityOption,
  type CommunityRow,
  type HouseRow,
  type Page,
  type PlaceCoordinatesView,
} from '@linli/shared';
import { DataSource } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { escapeLike, LIKE_ESCAPE } from '../../common/db-errors.js';
import { Building, Community, House, HouseRegistryEntry, Unit } from './place.entities.js';
import type { BuildingsQuery, CommunitiesQuery, CoordinatesDto, HousesQuery } from './master-data.dto.js';
import { PlacesRepository } from './places.repository.js';

/** The console's paginated browse of the company's communities and houses, and the service phone. */
@Injectable()
export class MasterDataService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
  ) {}

  async communities(actor: Actor, query: CommunitiesQuery): Promise<Page<CommunityRow>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.ds
      .getRepository(Community)
      .createQueryBuilder('c')
      .where('c.companyId = :companyId', { companyId: actor.companyId });
    if (query.q) {
      qb.andWhere(`(c.name LIKE :like ESCAPE '${LIKE_ESCAPE}' OR c.code LIKE :like ESCAPE '${LIKE_ESCAPE}')`, {
        like: `%${escapeLike(query.q)}%`,
      });
    }
    const [rows, total] = await qb
      .orderBy('c.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    const ids = rows.map((c) => c.id);
    const counts = async (entity: typeof Building | typeof House) =>
      new Map(
        (ids.length
          ? await this.ds
              .createQueryBuilder(entity, 'x')
              .select('x.communityId', 'id')
              .addSelect('COUNT(*)', 'n')
              .where('x.communityId IN (:...ids)', { ids })
              .groupBy('x.communityId')
              .getRawMany<{ id: number; n: number | string }>()
          : []
        ).map((r) => [Number(r.id), Number(r.n)]),
      );
    const [buildings, houses] = await Promise.all([counts(Building), counts(House)]);
    return {
      items: rows.map((c) => ({
        id: c.id,
        code: c.code,
        name: c.name,
        address: c.address,
        servicePhone: c.servicePhone,
        households: c.households,
        buildings: buildings.get(c.id) ?? 0,
        houses: houses.get(c.id) ?? 0,
        latitude: c.latitude,
        longitude: c.longitude,
      })),
      total,
      page,
      pageSize,
    };
  }

  /**
   * Set (or, with null, clear) the community's service hotline, audited as `community` in the
   * same transaction. Another company's community is refused exactly as a missing one.
   */
  async setServicePhone(actor: Actor, id: number, servicePhone: string | null): Promise<CommunityOption> {
    return this.ds.transaction(async (em) => {
      const community = await em.findOneBy(Community, { id });
      if (!community || !ofViewersCompany(actor, community)) throw notFound('community');
      this.places.forgetCommunities();
      await em.update(Community, { id }, { servicePhone });
      await recordAudit(
        em,
        actor,
        'update',
        'community',
        id,
        { servicePhone: community.servicePhone },
        { servicePhone },
      );
      return { id, name: community.name, address: community.address, servicePhone };
    });
  }

  /** Every building of the company's community with its coordinates and house count. */
  async buildings(actor: Actor, query: BuildingsQuery): Promise<BuildingRow[]> {
    const community = await this.ds.getRepository(Community).findOneBy({ id: query.communityId });
    if (!community || !ofViewersCompany(actor, community)) throw notFound('community');
    const [rows, counts] = await Promise.all([
      this.ds.getRepository(Building).find({ where: { communityId: community.id }, order: { id: 'ASC' } }),
      this.ds
        .createQueryBuilder(House, 'h')
        .select('h.buildingId', 'id')
        .addSelect('COUNT(*)', 'n')
        .where('h.communityId = :id', { id: community.id })
        .groupBy('h.buildingId')
        .getRawMany<{ id: number | string; n: number | string }>(),
    ]);
    const houses = new Map(counts.map((r) => [Number(r.id), Number(r.n)]));
    return rows.map((b) => ({
      id: b.id,
      communityId: b.communityId,
      name: b.name,
      houses: houses.get(b.id) ?? 0,
      latitude: b.latitude,
      longitude: b.longitude,
    }));
  }

  /** Set (or, with both null, clear) a community's coordinates; audited as `community`. */
  async setCommunityCoordinates(actor: Actor, id: number, dto: CoordinatesDto): Promise<PlaceCoordinatesView> {
    const at = checkedCoordinates(dto);
    return this.ds.transaction(async (em) => {
      const community = await em.findOneBy(Community, { id });
      if (!community || !ofViewersCompany(actor, community)) throw notFound('community');
      this.places.forgetCommunities();
      await em.update(Community, { id }, at);
      const before = { latitude: community.latitude, longitude: community.longitude };
      await recordAudit(em, actor, 'update', 'community', id, before, at);
      return { id, name: community.name, ...at };
    });
  }

  /** Set (or clear) a building's coordinates (admin of its community's company); audited as `building`. */
  async setBuildingCoordinates(actor: Actor, id: number, dto: CoordinatesDto): Promise<PlaceCoordinatesView> {
    const at = checkedCoordinates(dto);
    return this.ds.transaction(async (em) => {
      const building = await em.findOneBy(Building, { id });
      const community = building && (await em.findOneBy(Community, { id: building.communityId }));
      if (!building || !community || !ofViewersCompany(actor, community)) throw notFound('building');
      this.places.forgetPoints();
      await em.update(Building, { id }, at);
      const before = { latitude: building.latitude, longitude: building.longitude };
      await recordAudit(em, actor, 'update', 'building', id, before, at);
      return { id, name: building.name, ...at };
    });
  }

  async houses(actor: Actor, query: HousesQuery): Promise<Page<HouseRow>> {
    const community = await this.ds.getRepository(Community).findOneBy({ id: query.communityId });
    if (!community || !ofViewersCompany(actor, community)) throw notFound('community');
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.ds
      .getRepository(House)
      .createQueryBuilder('h')
      .innerJoin(Building, 'b', 'b.id = h.buildingId')
      .leftJoin(Unit, 'u', 'u.id = h.unitId')
      .where('h.communityId = :communityId', { communityId: community.id });
    if (query.buildingId) qb.andWhere('h.buildingId = :buildingId', { buildingId: query.buildingId });
    if (query.q) qb.andWhere(`h.label LIKE :like ESCAPE '${LIKE_ESCAPE}'`, { like: `%${escapeLike(query.q)}%` });
    const total = await qb.getCount();
    const rows = await qb
      .select([
        'h.id AS id',
        'h.communityId AS communityId',
        'h.roomNo AS roomNo',
        'h.label AS label',
        'h.floor AS floor',
        'h.areaSqm AS areaSqm',
      ])
      .addSelect('b.name', 'building')
      .addSelect('u.name', 'unit')
      .orderBy('h.id', 'ASC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getRawMany<Record<string, unknown>>();
    const ids = rows.map((r) => Number(r.id));
    const residents = new Map(
      (ids.length
        ? await this.ds
            .createQueryBuilder(HouseRegistryEntry, 'e')
            .select('e.houseId', 'id')
            .addSelect('COUNT(*)', 'n')
            .where('e.houseId IN (:...ids)', { ids })
            .groupBy('e.houseId')
            .getRawMany<{ id: number; n: number | string }>()
        : []
      ).map((r) => [Number(r.id), Number(r.n)]),
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        communityId: Number(r.communityId),
        building: String(r.building),
        unit: (r.unit as string | null) ?? null,
        floor: num(r.floor),
        roomNo: String(r.roomNo),
        label: String(r.label),
        areaSqm: num(r.areaSqm),
        residents: residents.get(Number(r.id)) ?? 0,
      })),
      total,
      page,
      pageSize,
    };
  }
}

/** Both or neither, in range, in China (shared coordinateProblems): 400 VALIDATION_FAILED otherwise. */
function checkedCoordinates(dto: CoordinatesDto): { latitude: number | null; longitude: number | null } {
  const problems = coordinateProblems(dto.latitude, dto.longitude);
  if (problems.length) {
    const field = dto.latitude === null ? 'latitude' : dto.longitude === null ? 'longitude' : 'latitude';
    throw new AppError('VALIDATION_FAILED', 'coordinates are not valid', [{ field, problems }]);
  }
  return { latitude: dto.latitude, longitude: dto.longitude };
}
