import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ofViewersCompany, type CommunityOption, type CommunityRow, type HouseRow, type Page } from '@linli/shared';
import { DataSource } from 'typeorm';
import { notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { escapeLike, LIKE_ESCAPE } from '../../common/db-errors.js';
import { Building, Community, House, HouseRegistryEntry, Unit } from './place.entities.js';
import type { CommunitiesQuery, HousesQuery } from './master-data.dto.js';
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
