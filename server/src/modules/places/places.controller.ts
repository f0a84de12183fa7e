import { Body, Controller, Get, Inject, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { ofViewersCompany } from '@linli/shared';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { AppError, notFound } from '../../common/app-error.js';
import { PlacesRepository } from './places.repository.js';
import type { Community } from './place.entities.js';
import { ApiView } from '../../common/api-contract.js';
import { CoordinatesDto, ServicePhoneDto } from './master-data.dto.js';
import { MasterDataService } from './master-data.service.js';

/**
 * The place tree for pickers. Residents browse every company's communities (they pick where
 * they live, which is public knowledge); staff only their own company's.
 */
@ApiTags('places')
@ApiBearerAuth()
@Controller()
export class PlacesController {
  constructor(
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(MasterDataService) private readonly masterData: MasterDataService,
  ) {}

  @Get('communities')
  @ApiQuery({ name: 'q', required: false })
  @ApiView(['CommunityOption'], "Communities for pickers (staff: their company's)")
  async communities(@CurrentActor() actor: Actor, @Query('q') q?: string) {
    if (q !== undefined && (typeof q !== 'string' || q.length > 50)) {
      throw new AppError('VALIDATION_FAILED', 'q is too long', [{ field: 'q', problems: ['at most 50 characters'] }]);
    }
    const rows = await this.places.searchCommunities(
      q || undefined,
      actor.role === 'resident' ? null : actor.companyId,
    );
    return rows.map((c) => ({ id: c.id, name: c.name, address: c.address, servicePhone: c.servicePhone }));
  }

  /** The community's 物业服务电话 residents call (admin of its company); null or '' clears it. */
  @Put('communities/:id/service-phone')
  @Roles('admin')
  @ApiView('CommunityOption', "Set or clear a community's service phone")
  setServicePhone(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ServicePhoneDto) {
    return this.masterData.setServicePhone(actor, id, dto.servicePhone);
  }

  /** The community's coordinates (admin of its company): both or neither; null clears. */
  @Put('communities/:id/coordinates')
  @Roles('admin')
  @ApiView('PlaceCoordinatesView', "Set or clear a community's coordinates")
  setCommunityCoordinates(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: CoordinatesDto,
  ) {
    return this.masterData.setCommunityCoordinates(actor, id, dto);
  }

  /** A building's coordinates (admin of its company): both or neither; null clears. */
  @Put('buildings/:id/coordinates')
  @Roles('admin')
  @ApiView('PlaceCoordinatesView', "Set or clear a building's coordinates")
  setBuildingCoordinates(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: CoordinatesDto,
  ) {
    return this.masterData.setBuildingCoordinates(actor, id, dto);
  }

  @Get('communities/:id/buildings')
  @ApiView(['BuildingOption'], 'The buildings of a community')
  async buildings(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    await this.visibleCommunity(actor, id);
    const rows = await this.places.buildingsOf(id);
    return rows.map((b) => ({ id: b.id, name: b.name }));
  }

  @Get('communities/:id/public-areas')
  @ApiView(['PublicAreaOption'], 'The public areas of a community')
  async publicAreas(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    await this.visibleCommunity(actor, id);
    const rows = await this.places.publicAreasOf(id);
    return rows.map((a) => ({ id: a.id, name: a.name, buildingId: a.buildingId }));
  }

  @Get('buildings/:id/houses')
  @ApiView(['HouseOption'], 'The houses of a building')
  async houses(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    const building = await this.places.findBuilding(id);
    if (!building) throw notFound('building');
    await this.visibleCommunity(actor, building.communityId, 'building');
    const [units, houses] = await Promise.all([this.places.unitsOf(id), this.places.housesOfBuilding(id)]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    return houses.map((h) => ({
      id: h.id,
      label: h.label,
      unit: h.unitId === null ? null : (unitName.get(h.unitId) ?? null),
      roomNo: h.roomNo,
    }));
  }

  /** Residents browse every community (to find their house); staff only their company's. */
  private async visibleCommunity(actor: Actor, id: number, what = 'community'): Promise<Community> {
    const c = await this.places.findCommunity(id);
    // Refused exactly as a missing record: the answer must not tell a building of another company exists.
    if (!c || (actor.role !== 'resident' && !ofViewersCompany(actor, c))) throw notFound(what);
    return c;
  }
}
