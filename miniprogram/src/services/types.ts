/**
 * Response and request shapes this app needs that @linli/shared does not (yet) export.
 * They mirror the server: places.controller.ts (pickers) and satisfaction/ratings.dto.ts.
 */
import type { WorkOrderStatus } from '@linli/shared';

export interface CommunityOption {
  id: number;
  name: string;
  address: string | null;
}

export interface BuildingOption {
  id: number;
  name: string;
}

export interface HouseOption {
  id: number;
  label: string;
  unit: string | null;
  roomNo: string;
}

export interface PublicAreaOption {
  id: number;
  name: string;
  buildingId: number | null;
}

export interface RatingDimensionsInput {
  speed?: number;
  workmanship?: number;
  attitude?: number;
  communication?: number;
}

/** POST /api/work-orders/:id/rating */
export interface RatingInput {
  stars: number;
  dimensions?: RatingDimensionsInput;
  fixed?: boolean;
  tags?: string[];
  comment?: string;
  /** Only with 1-2 stars or fixed: false. */
  reopen?: boolean;
}

export interface RatingResult {
  id: number;
  workOrderId: number;
  stars: number;
  fixed: boolean | null;
  tags: string[];
  comment: string | null;
  createdAt: string;
  /** The order after the rating: closed, or reopened when asked. */
  orderStatus: WorkOrderStatus;
  /** A follow-up call by the desk was opened (1-2 stars or not fixed). */
  followUpOpened: boolean;
}
