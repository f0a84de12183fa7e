import { Inject, Injectable } from '@nestjs/common';
import {
  parseQrScene,
  qrH5Url,
  qrScene,
  servesCommunity,
  servesRow,
  type QrPlaceView,
  type QrSheetItem,
  type QrSheetView,
} from '@linli/shared';
import QRCode from 'qrcode';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { InspectionPointsReader } from '../inspections/inspection-points.reader.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';

/** Enough pixels to scan from a metre away on an A4 print; M tolerates a scuffed sticker. */
const PNG_OPTIONS = { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360 } as const;

/**
 * One code as a data URL. Drawing takes 45-60 ms of CPU on a busy 2-core machine (the PNG is
 * encoded synchronously), so each code yields to the event loop first: a sheet of a hundred
 * places takes seconds but holds no other request up for more than one code.
 */
async function drawn(url: string): Promise<string> {
  await new Promise((resolve) => setImmediate(resolve));
  return QRCode.toDataURL(url, { ...PNG_OPTIONS, type: 'image/png' });
}

/**
 * QR codes on public areas and inspection points (docs/notices.md "QR reporting"). The code
 * holds a short `scene` (`a=<id>`, `i=<point code>`); in production it is the mini-program code WeChat draws for the scene
 * (getwxacodeunlimit), here (the H5 preview) the H5 URL of the scan page with the scene. The
 * scan page asks `resolve` what the scene is and files the report on that public area.
 */
@Injectable()
export class QrService {
  constructor(
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(InspectionPointsReader) private readonly points: InspectionPointsReader,
  ) {}

  /** The place a resident scanned: unknown codes are "not found", another community's are refused. */
  async resolve(actor: Actor, scene: string): Promise<QrPlaceView> {
    const target = parseQrScene(scene);
    if (!target) throw notFound('QR code');
    // An inspection point's code (i=…) proves a technician's presence on a round; a resident who
    // scans it reports at the point's public area, under the point's name.
    const point = target.kind === 'point' ? await this.points.findActiveByCode(target.code) : null;
    if (target.kind === 'point' && !point) throw notFound('QR code');
    const area = await this.places.findPublicArea(point ? point.publicAreaId : (target as { id: number }).id);
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
      kind: target.kind,
      communityId: community.id,
      communityName: community.name,
      buildingId: point ? (point.buildingId ?? area.buildingId) : area.buildingId,
      publicAreaId: area.id,
      name: point ? point.name : area.name,
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
    const [areas, buildings, points] = await Promise.all([
      this.places.publicAreasOf(community.id),
      this.places.buildingsOf(community.id),
      this.points.activeOf(community.id),
    ]);
    const buildingName = new Map(buildings.map((b) => [b.id, b.name]));
    const items: QrSheetItem[] = [];
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
        png: await drawn(url),
      });
    }
    // The inspection points' codes on the same sheet: residents report there, technicians prove presence.
    for (const point of points) {
      const scene = qrScene({ kind: 'point', code: point.code });
      const url = qrH5Url(h5Base, scene);
      items.push({
        kind: 'point' as const,
        id: point.id,
        name: point.name,
        buildingName: point.buildingId === null ? null : (buildingName.get(point.buildingId) ?? null),
        scene,
        url,
        png: await drawn(url),
      });
    }
    return { communityId: community.id, communityName: community.name, items };
  }
}
