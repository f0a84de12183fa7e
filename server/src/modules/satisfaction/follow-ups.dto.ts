import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_STARS, MIN_STARS, type PersonRef } from '@linli/shared';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { FOLLOW_UP_POLICIES, type FollowUpPolicy, type FollowUpReason } from '@linli/shared';
import { RatingDimensionsDto } from './ratings.dto.js';

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FOLLOW_UP_CHANNELS = ['phone', 'visit', 'wechat'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class ListFollowUpsQuery {
  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES)
  status?: FollowUpStatus;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
}

/** What the desk recorded on the call; the resident's answers are the call's own rating. */
export class CompleteFollowUpDto {
  @ApiProperty({ enum: FOLLOW_UP_CHANNELS }) @IsIn(FOLLOW_UP_CHANNELS) channel: FollowUpChannel;

  /** Whether the resident was reached; an unreached call carries no rating. */
  @ApiProperty() @IsBoolean() reached: boolean;

  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  @Matches(/\S/, { message: 'outcome must not be blank' })
  outcome: string;

  @ApiPropertyOptional({ minimum: MIN_STARS, maximum: MAX_STARS })
  @IsOptional()
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  stars?: number;

  @ApiPropertyOptional({ type: RatingDimensionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RatingDimensionsDto)
  dimensions?: RatingDimensionsDto;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() fixed?: boolean;
}

export class FollowUpPolicyDto {
  @ApiProperty({ enum: FOLLOW_UP_POLICIES }) @IsIn(FOLLOW_UP_POLICIES) policy: FollowUpPolicy;

  /** Days to wait for a rating before auto-closing as unrated; null or absent = the server default. */
  @ApiPropertyOptional({ minimum: 1, maximum: 90, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  ratingWindowDays?: number | null;
}

/** The view this module answers with, defined once in shared/. */
export type { FollowUpPolicyView } from '@linli/shared';

export interface FollowUpView {
  id: number;
  workOrderId: number;
  orderNo: string;
  orderKind: string;
  category: string;
  communityId: number;
  location: string;
  /** Full phone: only desk, supervisor and admin read follow-ups. */
  reporter: PersonRef | null;
  assignee: PersonRef | null;
  /** The order's rating by the resident, if any (stars only; details at /work-orders/:id/rating). */
  ratingStars: number | null;
  reason: FollowUpReason;
  status: FollowUpStatus;
  /** ISO 8601. */
  dueAt: string;
  overdue: boolean;
  createdAt: string;
  channel: FollowUpChannel | null;
  reached: boolean | null;
  outcome: string | null;
  stars: number | null;
  dimensions: {
    speed: number | null;
    workmanship: number | null;
    attitude: number | null;
    communication: number | null;
  };
  fixed: boolean | null;
  doneBy: { id: number; name: string } | null;
  doneAt: string | null;
}
