import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_STARS, MIN_STARS } from '@linli/shared';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import {
  FOLLOW_UP_CHANNELS,
  FOLLOW_UP_POLICIES,
  FOLLOW_UP_STATUSES,
  type FollowUpChannel,
  type FollowUpPolicy,
  type FollowUpStatus,
} from '@linli/shared';
import { RatingDimensionsDto } from './ratings.dto.js';
import { Nullable, Optional } from '../../common/validation.js';

export { FOLLOW_UP_CHANNELS, FOLLOW_UP_STATUSES } from '@linli/shared';
export type { FollowUpChannel, FollowUpStatus } from '@linli/shared';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class ListFollowUpsQuery {
  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES, default: 'open' })
  @Optional()
  @IsIn(FOLLOW_UP_STATUSES)
  status?: FollowUpStatus;

  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
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
  @Optional()
  @IsInt()
  @Min(MIN_STARS)
  @Max(MAX_STARS)
  stars?: number;

  @ApiPropertyOptional({ type: RatingDimensionsDto })
  @Optional()
  @ValidateNested()
  @Type(() => RatingDimensionsDto)
  dimensions?: RatingDimensionsDto;

  @ApiPropertyOptional() @Optional() @IsBoolean() fixed?: boolean;
}

export class FollowUpPolicyDto {
  @ApiProperty({ enum: FOLLOW_UP_POLICIES }) @IsIn(FOLLOW_UP_POLICIES) policy: FollowUpPolicy;

  /** Days to wait for a rating before auto-closing as unrated; null or absent = the server default. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 90, nullable: true })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(90)
  ratingWindowDays?: number | null;
}

/** The view this module answers with, defined once in shared/. */
export type { FollowUpPolicyView } from '@linli/shared';

export type { FollowUpView } from '@linli/shared';
