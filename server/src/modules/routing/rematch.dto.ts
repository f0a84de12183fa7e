import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** `GET /api/routing/rematch`: the backlog of one of the caller's communities, or all of them. */
export class RematchQuery {
  @ApiPropertyOptional({ description: "one of the caller's communities (default: all of them)" })
  @Optional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  communityId?: number;
}

/** The largest id or version a database int column holds. */
const MAX_INT = 2_147_483_647;

/** One move of a preview to apply: the order at the version the preview read, to the technician. */
export class RematchMoveDto {
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_INT) workOrderId: number;
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_INT) technicianId: number;
  @ApiProperty({ description: "the order's version in the preview" }) @IsInt() @Min(1) @Max(MAX_INT) version: number;
}

/** `POST /api/routing/rematch`: all the preview's moves (全部应用) or the chosen ones (应用所选). */
export class ApplyRematchDto {
  @ApiProperty({ type: [RematchMoveDto], minItems: 1, maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => RematchMoveDto)
  moves: RematchMoveDto[];
}
