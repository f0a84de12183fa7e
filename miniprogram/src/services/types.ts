/**
 * Response and request shapes this app needs that @linli/shared does not (yet) export.
 * They mirror the server: places.controller.ts (pickers), satisfaction/ratings.dto.ts and
 * surveys/surveys.dto.ts.
 */
import type { ServperfDimension, WorkOrderStatus } from '@linli/shared';

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

/** GET /api/surveys for a resident: the open surveys of their communities. */
export interface SurveyView {
  id: number;
  communityId: number;
  communityName: string;
  title: string;
  startsAt: string;
  endsAt: string;
  status: 'draft' | 'open' | 'closed';
  /** Whether this resident has answered. */
  answered?: boolean;
}

/** POST /api/surveys/:id/responses. */
export interface SurveyAnswerInput {
  houseId: number;
  /** ACSI items, 1-10. */
  overall: number;
  expectation: number;
  ideal: number;
  /** 0-10. */
  nps: number;
  /** 1-5 each. */
  servperf: Record<ServperfDimension, number>;
  comment?: string;
}

export interface SurveyResponseResult {
  id: number;
  surveyId: number;
}

/** One line of a community's price list (GET /api/price-list). */
export interface PriceItemView {
  id: number;
  communityId: number | null;
  category: string;
  kind: 'labour' | 'material';
  name: string;
  unit: string;
  priceFen: number;
}
