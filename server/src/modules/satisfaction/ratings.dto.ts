import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_STARS, MIN_STARS, RATING_TAGS, type WorkOrderStatus } from '@linli/shared';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Optional } from '../../common/validation.js';

export const MAX_TAGS = 10;
/** A tag of the resident's own: up to 10 characters (RATING_TAGS are offered first). */
export const MAX_TAG_CHARS = 10;
export const MAX_COMMENT_CHARS = 500;

/** Optional 1..5 per dimension (docs/satisfaction.md "One rating"). */
export class RatingDimensionsDto {
  @ApiPropertyOptional({ minimum: MIN_STARS, maximum: MAX_STARS, description: '响应速度' })
  @Optional()
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  speed?: number;

  @ApiPropertyOptional({ minimum: MIN_STARS, maximum: MAX_STARS, description: '维修质量' })
  @Optional()
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  workmanship?: number;

  @ApiPropertyOptional({ minimum: MIN_STARS, maximum: MAX_STARS, description: '服务态度' })
  @Optional()
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  attitude?: number;

  @ApiPropertyOptional({ minimum: MIN_STARS, maximum: MAX_STARS, description: '沟通' })
  @Optional()
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  communication?: number;
}

export class CreateRatingDto {
  @ApiProperty({ minimum: MIN_STARS, maximum: MAX_STARS })
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  stars: number;

  @ApiPropertyOptional({ type: RatingDimensionsDto })
  @Optional()
  @ValidateNested()
  @Type(() => RatingDimensionsDto)
  dimensions?: RatingDimensionsDto;

  /** "Was it fixed?" */
  @ApiPropertyOptional() @Optional() @IsBoolean() fixed?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: `up to ${MAX_TAGS}: from RATING_TAGS (${RATING_TAGS.join(', ')}) or your own words, 1-${MAX_TAG_CHARS} characters`,
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  // Counted in characters, not UTF-16 units; no control characters, no blank ends.
  @Matches(/^[^\p{Cc}\s](?:[^\p{Cc}]{0,8}[^\p{Cc}\s])?$/u, {
    each: true,
    message: `each tag must be 1-${MAX_TAG_CHARS} characters without blanks at the ends`,
  })
  tags?: string[];

  @ApiPropertyOptional({ maxLength: MAX_COMMENT_CHARS })
  @Optional()
  @IsString()
  @Length(1, MAX_COMMENT_CHARS)
  comment?: string;

  /** Also reopen the order (only with 1-2 stars or fixed: false). */
  @ApiPropertyOptional() @Optional() @IsBoolean() reopen?: boolean;
}

export interface RatingView {
  id: number;
  workOrderId: number;
  stars: number;
  dimensions: {
    speed: number | null;
    workmanship: number | null;
    attitude: number | null;
    communication: number | null;
  };
  fixed: boolean | null;
  tags: string[];
  comment: string | null;
  /** ISO 8601. */
  createdAt: string;
}

export interface RatingResult extends RatingView {
  /** The order after the rating: closed, or reopened when the resident asked for it. */
  orderStatus: WorkOrderStatus;
  /** A follow-up task for the desk was opened (1-2 stars or not fixed). */
  followUpOpened: boolean;
  /** The complaint the bad rating filed for the desk (null: none, e.g. a good rating). */
  complaintId: number | null;
}
