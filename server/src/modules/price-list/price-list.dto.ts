import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class PriceItemDto {
  @ApiPropertyOptional({ description: 'null/absent = every community of the company' })
  @IsOptional()
  @IsInt()
  @Min(1)
  communityId?: number;

  @ApiProperty() @IsString() @Matches(/^[a-z][a-z0-9_]{0,31}$/) category: string;
  @ApiProperty({ enum: ['labour', 'material'] }) @IsIn(['labour', 'material']) kind: 'labour' | 'material';
  @ApiProperty() @IsString() @Length(1, 50) name: string;
  @ApiProperty({ example: '次' }) @IsString() @Length(1, 10) unit: string;
  @ApiProperty({ description: 'fen' }) @IsInt() @Min(0) @Max(10_000_000) priceFen: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10_000) sortOrder?: number;
}
