import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRADE_NAMES, PRIORITIES, ROUTING_MODES, type Priority, type RoutingMode } from '@linli/shared';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const CATEGORY_CODE = /^[a-z][a-z0-9_]{0,31}$/;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export const DEFAULT_OFFER_TIMEOUT_SECONDS = 300;
export const DEFAULT_MAX_REFUSALS = 3;

/** A whole rule: PUT replaces every field, omitted optional ones take their defaults. */
export class RoutingRuleDto {
  @ApiPropertyOptional({ nullable: true, description: 'a community of the company; null = any' })
  @IsOptional()
  @IsInt()
  @Min(1)
  communityId?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'a category code of the company; null = any' })
  @IsOptional()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category?: string | null;

  @ApiPropertyOptional({ enum: PRIORITIES, nullable: true, description: 'null = any' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority | null;

  @ApiProperty({ enum: ROUTING_MODES }) @IsIn(ROUTING_MODES) mode: RoutingMode;

  @ApiPropertyOptional({ nullable: true, description: 'only members of this team are candidates' })
  @IsOptional()
  @IsInt()
  @Min(1)
  teamId?: number | null;

  @ApiPropertyOptional({ default: DEFAULT_OFFER_TIMEOUT_SECONDS, minimum: 30, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(86400)
  offerTimeoutSeconds?: number;

  @ApiPropertyOptional({ default: DEFAULT_MAX_REFUSALS, minimum: 1, maximum: 10 })
  @IsOptional()
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
  @IsOptional()
  @IsObject()
  weights?: Record<string, unknown> | null;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class RulePreviewQuery {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) communityId: number;

  @ApiProperty()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category: string;

  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority: Priority;
}
