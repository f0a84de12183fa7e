import {
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { IMPORT_MAX_BYTES } from '@linli/shared';
import type { Response } from 'express';
import { memoryStorage } from 'multer';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { BuildingsQuery, CommunitiesQuery, HousesQuery, ImportQuery } from '../places/master-data.dto.js';
import { ImportsService } from './imports.service.js';
import { MasterDataService } from '../places/master-data.service.js';
import { ApiFile, ApiView } from '../../common/api-contract.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('master-data')
@ApiBearerAuth()
@Controller()
@Roles('admin')
export class ImportsController {
  constructor(
    @Inject(ImportsService) private readonly imports: ImportsService,
    @Inject(MasterDataService) private readonly masterData: MasterDataService,
  ) {}

  /** Communities, houses and the resident registry from the template (.xlsx) or the flat CSV; all or nothing. */
  @Post('imports/master-data')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @RateLimit({ name: 'import', limit: 20, windowSeconds: 60 })
  @UseInterceptors(
    FileInterceptor('file', {
      storage: memoryStorage(),
      limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 2, parts: 3 },
    }),
  )
  @ApiView('ImportResult', 'Import communities, houses and residents (all or nothing)', {
    also: [200],
    errors: [415, 422],
  })
  async importMasterData(
    @CurrentActor() actor: Actor,
    @Query() query: ImportQuery,
    @UploadedFile() file: { buffer: Buffer; originalname?: string } | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const dryRun = query.dryRun === 'true';
    const result = await this.imports.importMasterData(actor, file, dryRun);
    res.status(dryRun ? 200 : 201);
    return result;
  }

  @Get('imports/master-data/template.xlsx')
  @HttpCode(200)
  @Header('Content-Type', XLSX)
  @Header(
    'Content-Disposition',
    'attachment; filename="master-data-template.xlsx"; filename*=UTF-8\'\'%E5%9F%BA%E7%A1%80%E6%95%B0%E6%8D%AE%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx',
  )
  @ApiFile([XLSX], 'The master-data import template')
  async template(@Res() res: Response) {
    res.send(await this.imports.template());
  }

  @Get('master-data/communities')
  @ApiView('CommunityRowPage', 'Communities of the company, with counts')
  communities(@CurrentActor() actor: Actor, @Query() query: CommunitiesQuery) {
    return this.masterData.communities(actor, query);
  }

  @Get('master-data/buildings')
  @ApiView(['BuildingRow'], 'Every building of a community, with coordinates')
  buildings(@CurrentActor() actor: Actor, @Query() query: BuildingsQuery) {
    return this.masterData.buildings(actor, query);
  }

  @Get('master-data/houses')
  @ApiView('HouseRowPage', 'Houses of the company, filtered and paged')
  houses(@CurrentActor() actor: Actor, @Query() query: HousesQuery) {
    return this.masterData.houses(actor, query);
  }
}
