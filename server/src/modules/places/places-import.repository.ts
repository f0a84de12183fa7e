import { Inject, Injectable } from '@nestjs/common';
import { normalizePhone } from '@linli/shared';
import { type EntityManager, In } from 'typeorm';
import { Building, Community, House, HouseRegistryEntry, Unit } from './place.entities.js';
import { PlacesRepository } from './places.repository.js';

/** A validated master-data import, as the places module writes it. */
export interface PlacesImport {
  communities: Array<{
    code: string;
    name: string;
    address: string;
    households: number | null;
    latitude: number | null;
    longitude: number | null;
  }>;
  /** Coordinates for buildings of the import's houses or of the company's without any yet. */
  buildingPoints: Array<{ communityCode: string; building: string; latitude: number; longitude: number }>;
  houses: Array<{
    key: string;
    communityCode: string;
    building: string;
    unit: string | null;
    roomNo: string;
    label: string;
    floor: number | null;
    areaSqm: number | null;
    /** Set for a house already in the database (residents added to it). */
    existingId: number | null;
  }>;
  residents: Array<{ houseKey: string; name: string; phone: string; relation: string }>;
}

/**
 * The places module's side of the master-data import (imports/): what the validation reads
 * and the all-or-nothing write, in the caller's transaction.
 */
@Injectable()
export class PlacesImportRepository {
  constructor(@Inject(PlacesRepository) private readonly places: PlacesRepository) {}

  communitiesOfCompany(em: EntityManager, companyId: number): Promise<Community[]> {
    return em.findBy(Community, { companyId });
  }

  /** Write the communities, buildings, units, houses and registry entries; new building and unit counts. */
  async write(em: EntityManager, companyId: number, plan: PlacesImport): Promise<{ buildings: number; units: number }> {
    this.places.forgetCommunities();
    const communityIds = new Map<string, number>();
    for (const c of await em.findBy(Community, { companyId })) communityIds.set(c.code, c.id);
    const newHouses = plan.houses.filter((h) => h.existingId === null);
    const added = new Map<string, number>();
    for (const h of newHouses) added.set(h.communityCode, (added.get(h.communityCode) ?? 0) + 1);
    for (const c of plan.communities) {
      const households = c.households ?? added.get(c.code) ?? 0;
      const row = await em.save(
        em.create(Community, {
          companyId,
          code: c.code,
          name: c.name,
          address: c.address,
          households,
          latitude: c.latitude,
          longitude: c.longitude,
        }),
      );
      communityIds.set(c.code, row.id);
    }
    let buildingCount = 0;
    let unitCount = 0;
    const buildings = new Map<string, number>();
    const units = new Map<string, number>();
    const houseIds = new Map<string, number>();
    for (const h of plan.houses) if (h.existingId !== null) houseIds.set(h.key, h.existingId);
    const rows: Array<{ key: string; row: Omit<House, 'id' | 'community' | 'building' | 'unit'> }> = [];
    for (const h of newHouses) {
      const communityId = communityIds.get(h.communityCode)!;
      const bKey = JSON.stringify([communityId, h.building]);
      let buildingId = buildings.get(bKey);
      if (buildingId === undefined) {
        const found = await em.findOneBy(Building, { communityId, name: h.building });
        if (found) buildingId = found.id;
        else {
          buildingId = (await em.save(em.create(Building, { communityId, name: h.building }))).id;
          buildingCount++;
        }
        buildings.set(bKey, buildingId);
      }
      let unitId: number | null = null;
      if (h.unit !== null) {
        const uKey = JSON.stringify([buildingId, h.unit]);
        const known = units.get(uKey);
        if (known !== undefined) unitId = known;
        else {
          const found = await em.findOneBy(Unit, { buildingId, name: h.unit });
          if (found) unitId = found.id;
          else {
            unitId = (await em.save(em.create(Unit, { buildingId, name: h.unit }))).id;
            unitCount++;
          }
          units.set(uKey, unitId);
        }
      }
      rows.push({
        key: h.key,
        row: {
          communityId,
          buildingId,
          unitId,
          roomNo: h.roomNo,
          label: h.label,
          floor: h.floor,
          areaSqm: h.areaSqm,
        },
      });
    }
    // Multi-row inserts, then the new ids read back by (building, unit, room): the same on every driver.
    for (let i = 0; i < rows.length; i += 500) {
      await em.insert(
        House,
        rows.slice(i, i + 500).map((r) => r.row),
      );
    }
    const byPlace = new Map<string, number>();
    const touched = [...new Set(rows.map((r) => r.row.buildingId))];
    for (let i = 0; i < touched.length; i += 500) {
      const found = await em.find(House, {
        select: { id: true, buildingId: true, unitId: true, roomNo: true },
        where: { buildingId: In(touched.slice(i, i + 500)) },
      });
      for (const f of found) byPlace.set(JSON.stringify([f.buildingId, f.unitId, f.roomNo]), f.id);
    }
    for (const r of rows) {
      houseIds.set(r.key, byPlace.get(JSON.stringify([r.row.buildingId, r.row.unitId, r.row.roomNo]))!);
    }
    // Existing communities gain the imported houses as households.
    const created = new Set(plan.communities.map((c) => c.code));
    for (const [code, n] of added) {
      if (!created.has(code)) await em.increment(Community, { id: communityIds.get(code)! }, 'households', n);
    }
    for (let i = 0; i < plan.residents.length; i += 500) {
      await em.insert(
        HouseRegistryEntry,
        plan.residents.slice(i, i + 500).map((r) => ({
          houseId: houseIds.get(r.houseKey)!,
          name: r.name,
          phone: r.phone,
          relation: r.relation,
        })),
      );
    }
    // Building coordinates, once the buildings exist (new ones above, or already on record).
    for (const p of plan.buildingPoints) {
      await em.update(
        Building,
        { communityId: communityIds.get(p.communityCode)!, name: p.building },
        { latitude: p.latitude, longitude: p.longitude },
      );
    }
    return { buildings: buildingCount, units: unitCount };
  }

  /** Houses of these communities with their building and unit names, to detect duplicates. */
  async housesOf(
    em: EntityManager,
    communityIds: number[],
  ): Promise<Array<{ id: number; communityId: number; building: string; unit: string | null; roomNo: string }>> {
    if (!communityIds.length) return [];
    const rows = await em
      .createQueryBuilder(House, 'h')
      .innerJoin(Building, 'b', 'b.id = h.buildingId')
      .leftJoin(Unit, 'u', 'u.id = h.unitId')
      .select(['h.id AS id', 'h.communityId AS communityId', 'h.roomNo AS roomNo'])
      .addSelect('b.name', 'building')
      .addSelect('u.name', 'unit')
      .where('h.communityId IN (:...ids)', { ids: communityIds })
      .getRawMany<{ id: number; communityId: number; building: string; unit: string | null; roomNo: string }>();
    return rows.map((r) => ({ ...r, id: Number(r.id), communityId: Number(r.communityId) }));
  }

  async registryPhones(em: EntityManager, houseIds: number[]): Promise<Set<string>> {
    const keys = new Set<string>();
    for (let i = 0; i < houseIds.length; i += 1000) {
      const rows = await em.findBy(HouseRegistryEntry, { houseId: In(houseIds.slice(i, i + 1000)) });
      for (const r of rows) keys.add(`${r.houseId}:${normalizePhone(r.phone)}`);
    }
    return keys;
  }

  /** Buildings of these communities (the 员工 sheet's 楼栋 column names them). */
  buildingsOf(em: EntityManager, communityIds: number[]): Promise<Building[]> {
    return communityIds.length ? em.findBy(Building, { communityId: In(communityIds) }) : Promise.resolve([]);
  }
}
