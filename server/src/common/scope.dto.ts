import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PRIORITIES, type Priority } from '@linli/shared';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Min } from 'class-validator';
import { Nullable } from './validation.js';

/** The shapes of a scoped setting's scope (common/scoped-crud.ts): the community and category parts. */

const CATEGORY_CODE = /^[a-z][a-z0-9_]{0,31}$/;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** communityId and category of a rule's or policy's body; each null (or omitted) = any. */
export class ScopeFieldsDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'a community of the company; null = any' })
  @Nullable()
  @IsInt()
  @Min(1)
  communityId?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'a category code of the company; null = any' })
  @Nullable()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category?: string | null;
}

/** The query of "what would apply to an order of this community, category and priority". */
export class ScopeQueryDto {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) communityId: number;

  @ApiProperty()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category: string;

  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority: Priority;
}
