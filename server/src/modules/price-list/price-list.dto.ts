import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Nullable, Optional } from '../../common/validation.js';
import { PlainName } from '../../common/plain-name.js';

export class PriceItemDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'null/absent = every community of the company' })
  @Nullable()
  @IsInt()
  @Min(1)
  communityId?: number | null;

  @ApiProperty() @IsString() @Matches(/^[a-z][a-z0-9_]{0,31}$/) category: string;
  @ApiProperty({ enum: ['labour', 'material'] }) @IsIn(['labour', 'material']) kind: 'labour' | 'material';
  @ApiProperty() @IsString() @Length(1, 50) @PlainName() name: string;
  @ApiProperty({ example: '次' }) @IsString() @Length(1, 10) @PlainName() unit: string;
  @ApiProperty({ description: 'fen' }) @IsInt() @Min(0) @Max(10_000_000) priceFen: number;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(0) @Max(10_000) sortOrder?: number;
}
