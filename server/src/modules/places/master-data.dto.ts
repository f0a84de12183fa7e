import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class PageQuery {
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 50) q?: string;
}

export class CommunitiesQuery extends PageQuery {}

export class HousesQuery extends PageQuery {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) communityId: number;
  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) buildingId?: number;
}

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'validate only, write nothing' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}
