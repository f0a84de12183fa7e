import type { PointQrView } from '@linli/shared';
import QRCode from 'qrcode';
import type { InspectionPoint } from './inspection.entities.js';

/** Same drawing as the public areas' codes (modules/qr): scannable from a metre on an A4 print. */
const PNG_OPTIONS = { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360 } as const;

/** The scan page every place code opens; a point's scene is `i=<code>` (docs/inspections.md). */
const SCAN_PAGE = 'subpackages/orders/scan/index';

export async function pointQr(point: InspectionPoint, h5Base: string): Promise<PointQrView> {
  const scene = `i=${point.code}`;
  const url = `${h5Base.replace(/\/+$/, '')}/#/${SCAN_PAGE}?scene=${encodeURIComponent(scene)}`;
  const png = await QRCode.toBuffer(url, PNG_OPTIONS);
  return {
    pointId: point.id,
    name: point.name,
    code: point.code,
    scene,
    url,
    png: `data:image/png;base64,${png.toString('base64')}`,
  };
}
