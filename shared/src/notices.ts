import { WORK_ORDER_STATUSES } from './work-order.js';

/**
 * Notices (停水/停电/电梯维保), QR reporting and shared faults: the rules both ends share.
 * docs/notices.md explains them.
 */

export const NOTICE_KINDS = ['water', 'power', 'elevator', 'other'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = {
  water: '停水',
  power: '停电',
  elevator: '电梯维保',
  other: '通知',
};

/** A notice's window may not be longer than this (a forgotten notice must not hang on for months). */
export const NOTICE_MAX_DAYS = 31;
/** At most this many buildings in one notice (more: publish to the whole community). */
export const NOTICE_MAX_BUILDINGS = 50;

export type NoticeState = 'upcoming' | 'current' | 'ended';

/** Where a notice stands at `now`: it ends by itself at `endsAt`, or when staff end it early. */
export function noticeState(
  n: { startsAt: string | Date; endsAt: string | Date; endedAt?: string | Date | null },
  now: Date,
): NoticeState {
  const t = now.getTime();
  if (n.endedAt && new Date(n.endedAt).getTime() <= t) return 'ended';
  if (new Date(n.endsAt).getTime() <= t) return 'ended';
  return new Date(n.startsAt).getTime() > t ? 'upcoming' : 'current';
}

/** Whether a notice to `buildingIds` (null: the whole community) reaches a place in `buildingId`. */
export function noticeReaches(
  notice: { communityId: number; buildingIds: number[] | null },
  place: { communityId: number; buildingId: number | null },
): boolean {
  if (notice.communityId !== place.communityId) return false;
  if (notice.buildingIds === null) return true;
  // A community-wide place (no building) hears only community-wide notices.
  return place.buildingId !== null && notice.buildingIds.includes(place.buildingId);
}

/** Problems with a notice window (empty when valid), as field -> problem. */
export function noticeWindowProblems(startsAt: Date, endsAt: Date, now: Date): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!(endsAt.getTime() > startsAt.getTime())) problems.endsAt = 'must be after startsAt';
  else if (endsAt.getTime() - startsAt.getTime() > NOTICE_MAX_DAYS * 86_400_000)
    problems.endsAt = `the window may last at most ${NOTICE_MAX_DAYS} days`;
  else if (endsAt.getTime() <= now.getTime()) problems.endsAt = 'must be in the future';
  return problems;
}

export interface NoticeView {
  id: number;
  communityId: number;
  communityName: string;
  /** null: the whole community. */
  buildingIds: number[] | null;
  buildingNames: string[];
  kind: NoticeKind;
  title: string;
  body: string;
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  state: NoticeState;
  createdAt: string;
  /** Staff only: how many residents got the message. */
  recipients?: number;
}

// ---- QR codes --------------------------------------------------------------------------------

/**
 * The `scene` of a place's QR code (WeChat allows 32 visible characters): `a=<id>` for a public
 * area, `i=<code>` for an inspection point. Ids are not secret: the server checks that the
 * scanning resident lives in the place's community.
 */
export type QrTarget = { kind: 'area'; id: number } | { kind: 'point'; code: string };

export const QR_SCENE_MAX = 32;

export function qrScene(target: QrTarget): string {
  return target.kind === 'area' ? `a=${target.id}` : `i=${target.code}`;
}

/** The target of a scene (also URL-encoded, as WeChat passes it); null when it is not one of ours. */
export function parseQrScene(scene: string): QrTarget | null {
  let text = scene.trim();
  // WeChat hands the scene over URL-encoded, and a router or a redirect may encode it once more.
  for (let i = 0; i < 3 && text.includes('%'); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  if (text.length > QR_SCENE_MAX) return null;
  const area = /^a=([1-9]\d{0,9})$/.exec(text);
  if (area) {
    const id = Number(area[1]);
    return Number.isSafeInteger(id) && id <= 2_147_483_647 ? { kind: 'area', id } : null;
  }
  const point = /^i=([A-Z0-9]{4,20})$/.exec(text);
  return point ? { kind: 'point', code: point[1] } : null;
}

/** The mini-program page a QR code opens (getwxacodeunlimit's `page`, no leading slash). */
export const QR_REPORT_PAGE = 'subpackages/orders/scan/index';

/** The H5 preview's URL of a scene: `<h5Base>/#/subpackages/orders/scan/index?scene=a%3D12`. */
export function qrH5Url(h5Base: string, scene: string): string {
  return `${h5Base.replace(/\/+$/, '')}/#/${QR_REPORT_PAGE}?scene=${encodeURIComponent(scene)}`;
}

/** What a resident's scan resolves to: the place the report sheet is filled with. */
export interface QrPlaceView {
  scene: string;
  kind: 'area' | 'point';
  communityId: number;
  communityName: string;
  buildingId: number | null;
  /** The public area an order is filed on. */
  publicAreaId: number;
  name: string;
}

/** One code of a community's printable sheet. */
export interface QrSheetItem {
  kind: 'area' | 'point';
  id: number;
  name: string;
  buildingName: string | null;
  scene: string;
  /** What the printed code holds in the preview: the H5 URL (production: the weapp code image). */
  url: string;
  /** The PNG, as a data: URL. */
  png: string;
}

export interface QrSheetView {
  communityId: number;
  communityName: string;
  items: QrSheetItem[];
}

// ---- shared faults ---------------------------------------------------------------------------

/** An open public-area order a resident may join instead of filing another. */
export interface SharedFaultOrderView {
  id: number;
  no: string;
  category: string;
  description: string;
  status: string;
  place: string;
  createdAt: string;
  /** Everyone who reported it: the first reporter and those who joined. */
  reporters: number;
  /** The asking resident reported or joined it already. */
  joined: boolean;
}

/** What a resident sees before reporting at a place: current notices and open orders there. */
export interface SharedFaultsView {
  notices: NoticeView[];
  orders: SharedFaultOrderView[];
}

export interface JoinResultView {
  workOrderId: number;
  /** False when the resident had already reported or joined it (a repeat tap changes nothing). */
  joined: boolean;
  reporters: number;
}

export interface MergeResultView {
  survivorId: number;
  duplicateId: number;
  /** Reporters moved onto the survivor (not already on it). */
  movedReporters: number;
}

/** Only a repair at a public area is a shared fault: one in a house is that household's. */
export function isJoinable(order: { kind: string; publicAreaId: number | null; status: string }): boolean {
  return order.kind === 'repair' && order.publicAreaId !== null && JOINABLE_STATUSES.includes(order.status);
}

/** Still being worked on: a completed order waits for its rating, one can no longer join it. */
export const JOINABLE_STATUSES: readonly string[] = WORK_ORDER_STATUSES.filter(
  (s) => s !== 'completed' && s !== 'closed' && s !== 'cancelled',
);
