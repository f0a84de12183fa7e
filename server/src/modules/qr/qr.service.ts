import { Inject, Injectable } from '@nestjs/common';
import {
  parseQrScene,
  qrH5Url,
  qrScene,
  servesCommunity,
  servesRow,
  type QrPlaceView,
  type QrSheetView,
} from '@linli/shared';
import QRCode from 'qrcode';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';

/** Enough pixels to scan from a metre away on an A4 print; M tolerates a scuffed sticker. */
const PNG_OPTIONS = { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360 } as const;

/**
 * QR codes on public areas (docs/notices.md "QR reporting"). The code holds a short `scene`
 * (`a=<id>`); in production it is the mini-program code WeChat draws for the scene
 * (getwxacodeunlimit), here (the H5 preview) the H5 URL of the scan page with the scene. The
 * scan page asks `resolve` what the scene is and files the report on that public area.
 */
@Injectable()
export class QrService {
  constructor(
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
  ) {}

  /** The place a resident scanned: unknown codes are "not found", another community's are refused. */
  async resolve(actor: Actor, scene: string): Promise<QrPlaceView> {
    const target = parseQrScene(scene);
    // Inspection points' codes (i=…) prove a technician's presence; residents report at public areas.
    if (!target || target.kind !== 'area') throw notFound('QR code');
    const area = await this.places.findPublicArea(target.id);
    if (!area) throw notFound('QR code');
    const community = await this.places.findCommunity(area.communityId);
    if (!community) throw notFound('QR code');
    if (!(await this.bindings.verifiedCommunityIds(actor.userId)).includes(area.communityId)) {
      throw new AppError(
        'QR_FOREIGN_PLACE',
        `the code belongs to ${community.name}, where you have no verified house`,
        {
          communityName: community.name,
        },
      );
    }
    return {
      scene: qrScene(target),
      kind: 'area',
      communityId: community.id,
      communityName: community.name,
      buildingId: area.buildingId,
      publicAreaId: area.id,
      name: area.name,
    };
  }

  /** One public area's code as a PNG (staff of its community). */
  async areaPng(actor: Actor, areaId: number, h5Base: string): Promise<Buffer> {
    const area = await this.places.findPublicArea(areaId);
    const community = area ? await this.places.findCommunity(area.communityId) : null;
    if (!area || !community || !servesCommunity(actor, community)) throw notFound('public area');
    return QRCode.toBuffer(qrH5Url(h5Base, qrScene({ kind: 'area', id: area.id })), PNG_OPTIONS);
  }

  /** Every public area of a community with its code, for the console's print page. */
  async sheet(actor: Actor, communityId: number, h5Base: string): Promise<QrSheetView> {
    const community = await this.places.findCommunity(communityId);
    if (!community || !servesRow(actor, { companyId: community.companyId, communityId: community.id })) {
      throw notFound('community');
    }
    const [areas, buildings] = await Promise.all([
      this.places.publicAreasOf(community.id),
      this.places.buildingsOf(community.id),
    ]);
    const buildingName = new Map(buildings.map((b) => [b.id, b.name]));
    const items = [];
    for (const area of areas) {
      const scene = qrScene({ kind: 'area', id: area.id });
      const url = qrH5Url(h5Base, scene);
      items.push({
        kind: 'area' as const,
        id: area.id,
        name: area.name,
        buildingName: area.buildingId === null ? null : (buildingName.get(area.buildingId) ?? null),
        scene,
        url,
        png: await QRCode.toDataURL(url, { ...PNG_OPTIONS, type: 'image/png' }),
      });
    }
    return { communityId: community.id, communityName: community.name, items };
  }
}
