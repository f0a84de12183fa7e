import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ofViewersCompany, type CategoryView } from '@linli/shared';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/decorators.js';
import { AppError } from '../../common/app-error.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { CategoriesRepository } from './categories.repository.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('categories')
@ApiBearerAuth()
@Controller('categories')
export class CategoriesController {
  constructor(
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
  ) {}

  /** Staff: their company's categories. Residents: those of the companies of their houses (or one community's). */
  @Get()
  @ApiQuery({ name: 'communityId', required: false })
  @ApiView(['CategoryView'], 'Repair categories the caller may report')
  async list(@CurrentActor() actor: Actor, @Query('communityId') communityId?: string): Promise<CategoryView[]> {
    let companyIds: number[];
    if (communityId !== undefined) {
      if (!/^\d{1,9}$/.test(communityId)) {
        throw new AppError('VALIDATION_FAILED', 'communityId must be an id', [
          { field: 'communityId', problems: ['must be a positive integer'] },
        ]);
      }
      const c = await this.places.findCommunity(Number(communityId));
      companyIds = c && (actor.role === 'resident' || ofViewersCompany(actor, c)) ? [c.companyId] : [];
    } else if (actor.role === 'resident') {
      const communities = await this.places.findCommunities(await this.bindings.verifiedCommunityIds(actor.userId));
      companyIds = [...new Set(communities.map((c) => c.companyId))];
    } else {
      companyIds = [actor.companyId!];
    }
    const rows = await this.categories.listForCompanies(companyIds);
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.code) && seen.add(r.code)).map((r) => ({ code: r.code, name: r.name }));
  }
}
