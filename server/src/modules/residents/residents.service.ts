import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  normalizePhone,
  registryMatches,
  type BindingRelation,
  type BindingStatus,
  type HouseBindingView,
} from '@linli/shared';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { PlacesRepository } from '../places/places.repository.js';
import type { HouseBinding } from './house-binding.entity.js';
import { BindingsRepository } from './bindings.repository.js';
import type { RequestBindingDto } from './bindings.dto.js';

@Injectable()
export class ResidentsService {
  constructor(
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  async myHouses(actor: Actor): Promise<HouseBindingView[]> {
    return this.toViews(await this.bindings.listForUser(actor.userId));
  }

  /** Ask to bind a house: verified at once when name and phone match the registry, else pending. */
  async requestBinding(actor: Actor, dto: RequestBindingDto): Promise<HouseBindingView> {
    const house = await this.places.findHouse(dto.houseId);
    if (!house) throw notFound('house');
    if (await this.bindings.find(actor.userId, house.id)) {
      throw new AppError('BINDING_EXISTS', 'you already asked to bind this house');
    }
    const registry = await this.places.registryOf(house.id);
    const match = registry.some((r) => registryMatches(r, dto));
    let binding: HouseBinding;
    try {
      binding = await this.bindings.create({
        userId: actor.userId,
        houseId: house.id,
        relation: dto.relation,
        status: match ? 'verified' : 'pending',
        name: dto.name.trim(),
        phone: normalizePhone(dto.phone),
        reviewedById: null,
        reviewedAt: match ? new Date() : null,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('BINDING_EXISTS', 'you already asked to bind this house');
      throw e;
    }
    const [view] = await this.toViews([binding]);
    return view;
  }

  /** The desk's or admin's queue of bindings that did not match the registry. */
  async pending(actor: Actor): Promise<HouseBindingView[]> {
    const ids = await this.reviewableCommunities(actor);
    return this.toViews(await this.bindings.pendingInCommunities(ids));
  }

  async review(actor: Actor, id: number, decision: 'verified' | 'rejected'): Promise<HouseBindingView> {
    const binding = await this.bindings.findById(id);
    const house = binding && (await this.places.findHouse(binding.houseId));
    if (!binding || !house || !(await this.reviewableCommunities(actor)).includes(house.communityId)) {
      throw notFound('binding');
    }
    await this.ds.transaction(async (em) => {
      if (!(await this.bindings.review(id, decision, actor.userId, em))) {
        throw new AppError('TRANSITION_NOT_ALLOWED', `binding is already ${binding.status}`);
      }
      await recordAudit(em, actor, 'review', 'house_binding', id, { status: binding.status }, { status: decision });
    });
    const [view] = await this.toViews([(await this.bindings.findById(id))!]);
    return view;
  }

  private async reviewableCommunities(actor: Actor): Promise<number[]> {
    if (actor.role === 'admin') {
      return (await this.places.searchCommunities(undefined, actor.companyId, 10_000)).map((c) => c.id);
    }
    return actor.communityIds;
  }

  private async toViews(rows: HouseBinding[]): Promise<HouseBindingView[]> {
    const houses = new Map((await this.places.findHouses(rows.map((r) => r.houseId))).map((h) => [h.id, h]));
    const communities = new Map(
      (await this.places.findCommunities([...new Set([...houses.values()].map((h) => h.communityId))])).map((c) => [
        c.id,
        c,
      ]),
    );
    return rows.map((r) => {
      const house = houses.get(r.houseId)!;
      const community = communities.get(house.communityId)!;
      return {
        id: r.id,
        houseId: r.houseId,
        houseLabel: house.label,
        communityId: community.id,
        communityName: community.name,
        relation: r.relation as BindingRelation,
        status: r.status as BindingStatus,
        createdAt: r.createdAt.toISOString(),
        servicePhone: community.servicePhone ?? null,
        applicant: { name: r.name, phone: r.phone },
      };
    });
  }
}
