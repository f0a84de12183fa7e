import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DEFAULT_MAX_REFUSALS,
  GRADE_NAMES,
  PRIORITIES,
  ROUTING_MODES,
  type Priority,
  type RoutingMode,
} from '@linli/shared';
import { IsBoolean, IsIn, IsInt, IsObject, Max, Min } from 'class-validator';
import { ScopeFieldsDto, ScopeQueryDto } from '../../common/scope.dto.js';
import { Nullable, Optional } from '../../common/validation.js';

export const DEFAULT_OFFER_TIMEOUT_SECONDS = 300;

/** A whole rule: PUT replaces every field, omitted optional ones take their defaults. */
export class RoutingRuleDto extends ScopeFieldsDto {
  @ApiPropertyOptional({ enum: PRIORITIES, nullable: true, description: 'null = any' })
  @Nullable()
  @IsIn(PRIORITIES)
  priority?: Priority | null;

  @ApiProperty({ enum: ROUTING_MODES }) @IsIn(ROUTING_MODES) mode: RoutingMode;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'only members of this team are candidates' })
  @Nullable()
  @IsInt()
  @Min(1)
  teamId?: number | null;

  @ApiPropertyOptional({ default: DEFAULT_OFFER_TIMEOUT_SECONDS, minimum: 30, maximum: 86400 })
  @Optional()
  @IsInt()
  @Min(30)
  @Max(86400)
  offerTimeoutSeconds?: number;

  @ApiPropertyOptional({ default: DEFAULT_MAX_REFUSALS, minimum: 1, maximum: 10 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(10)
  maxRefusals?: number;

  /** Checked by shared validateWeights; null = the default weights. */
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    description: `weights of ${GRADE_NAMES.join(', ')}: each 0..1, sum above 0`,
    additionalProperties: { type: 'number' },
  })
  @Nullable()
  @IsObject()
  weights?: Record<string, unknown> | null;

  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() enabled?: boolean;
}

/** Which rule an order of this community, category and priority would be routed by. */
export class RulePreviewQuery extends ScopeQueryDto {}
