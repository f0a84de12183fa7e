import { Inject, Injectable } from '@nestjs/common';
import type { PriceItemView } from '@linli/shared';
import { ofViewersCompany } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import type { PriceItemDto } from './price-list.dto.js';
import { PriceItem } from './price-item.entity.js';

/** The view this module answers with, defined once in shared/. */
export type { PriceItemView } from '@linli/shared';

const toView = (p: PriceItem): PriceItemView => ({
  id: p.id,
  communityId: p.communityId,
  category: p.category,
  kind: p.kind as PriceItemView['kind'],
  name: p.name,
  unit: p.unit,
  priceFen: p.priceFen,
});

/** The price list residents see before they report, and technicians quote from. */
@Injectable()
export class PriceListService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
  ) {}

  /** The items a quote in the community may use: its own and the company-wide ones (billing). */
  async listedFor(companyId: number, communityId: number): Promise<PriceItemView[]> {
    const rows = await this.ds
      .getRepository(PriceItem)
      .createQueryBuilder('p')
      .where('p.companyId = :companyId', { companyId })
      .andWhere(
        new Brackets((w) => w.where('p.communityId IS NULL').orWhere('p.communityId = :id', { id: communityId })),
      )
      .getMany();
    return rows.map(toView);
  }

  /** A community's list: its own items and the company-wide ones. Residents: communities they live in. */
  async forCommunity(actor: Actor, communityId: number): Promise<PriceItemView[]> {
    const community = await this.places.findCommunity(communityId);
    const visible =
      community &&
      (actor.role === 'resident'
        ? (await this.bindings.verifiedCommunityIds(actor.userId)).includes(community.id)
        : ofViewersCompany(actor, community));
    if (!community || !visible) throw notFound('community');
    const rows = await this.ds
      .getRepository(PriceItem)
      .createQueryBuilder('p')
      .where('p.companyId = :companyId', { companyId: community.companyId })
      .andWhere(
        new Brackets((w) => w.where('p.communityId IS NULL').orWhere('p.communityId = :id', { id: community.id })),
      )
      .orderBy('p.category', 'ASC')
      .addOrderBy('p.sortOrder', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .getMany();
    return rows.map(toView);
  }

  async create(actor: Actor, dto: PriceItemDto): Promise<PriceItemView> {
    await this.check(actor, dto);
    const row = await this.ds.transaction(async (em) => {
      const saved = await em.save(em.create(PriceItem, { ...this.fields(dto), companyId: actor.companyId! }));
      await recordAudit(em, actor, 'create', 'price_item', saved.id, null, toView(saved));
      return saved;
    });
    return toView(row);
  }

  async update(actor: Actor, id: number, dto: PriceItemDto): Promise<PriceItemView> {
    const repo = this.ds.getRepository(PriceItem);
    const row = await repo.findOneBy({ id, companyId: actor.companyId! });
    if (!row) throw notFound('price item');
    await this.check(actor, dto);
    const after = toView({ ...row, ...this.fields(dto) });
    await this.ds.transaction(async (em) => {
      await em.update(PriceItem, { id }, this.fields(dto));
      await recordAudit(em, actor, 'update', 'price_item', id, toView(row), after);
    });
    return after;
  }

  async remove(actor: Actor, id: number): Promise<void> {
    await this.ds.transaction(async (em) => {
      const row = await em.findOneBy(PriceItem, { id, companyId: actor.companyId! });
      if (!row) throw notFound('price item');
      await em.delete(PriceItem, { id });
      await recordAudit(em, actor, 'delete', 'price_item', id, toView(row), null);
    });
  }

  private fields(dto: PriceItemDto) {
    return {
      communityId: dto.communityId ?? null,
      category: dto.category,
      kind: dto.kind,
      name: dto.name.trim(),
      unit: dto.unit.trim(),
      priceFen: dto.priceFen,
      sortOrder: dto.sortOrder ?? 0,
    };
  }

  private async check(actor: Actor, dto: PriceItemDto) {
    if (dto.communityId !== undefined && dto.communityId !== null) {
      const c = await this.places.findCommunity(dto.communityId);
      if (!c || !ofViewersCompany(actor, c)) {
        throw new AppError('VALIDATION_FAILED', 'unknown community', [
          { field: 'communityId', problems: ['not a community of your company'] },
        ]);
      }
    }
    if (!(await this.categories.exists(actor.companyId!, dto.category))) {
      throw new AppError('VALIDATION_FAILED', 'unknown category', [
        { field: 'category', problems: [`no category "${dto.category}"`] },
      ]);
    }
  }
}
