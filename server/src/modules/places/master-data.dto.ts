import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class PageQuery {
  @ApiPropertyOptional({ default: 1 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 50) q?: string;
}

export class CommunitiesQuery extends PageQuery {}

/** `GET /api/master-data/buildings?communityId=`. */
export class BuildingsQuery {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) communityId: number;
}

/**
 * Body of PUT /api/communities/:id/coordinates and PUT /api/buildings/:id/coordinates: both
 * numbers or both null (clears); ranges and China checked by the service (coordinateProblems).
 */
export class CoordinatesDto {
  @ApiProperty({ type: 'number', nullable: true, minimum: -90, maximum: 90, example: 22.5195 })
  @ValidateIf((_o, value) => value !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number | null;

  @ApiProperty({ type: 'number', nullable: true, minimum: -180, maximum: 180, example: 113.9296 })
  @ValidateIf((_o, value) => value !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number | null;
}

export class HousesQuery extends PageQuery {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) communityId: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) buildingId?: number;
}

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'validate only, write nothing' })
  @Optional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

/**
 * A Chinese service number: a landline with an optional area code (0755-86001234, 075586001234,
 * 86001234), a mobile (13812345678), or a 400/800 number (400-123-4567, 4001234567).
 */
export const SERVICE_PHONE = /^(?:(?:0\d{2,3}-?)?[2-9]\d{6,7}|1[3-9]\d{9}|[48]00-?\d{3}-?\d{4})$/;

/** Text trimmed; '' (after trimming) becomes null, which clears the number. */
const trimToNull = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
};

/** Body of PUT /api/communities/:id/service-phone. The field is required; null or '' clears it. */
export class ServicePhoneDto {
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 20,
    example: '0755-86001234',
    description: "landline (optional area code and hyphen), mobile, or 400/800 number; null or '' clears it",
  })
  @Transform(trimToNull)
  @ValidateIf((_o, value) => value !== null)
  @IsString({ message: 'servicePhone must be a string or null' })
  @MaxLength(20)
  @Matches(SERVICE_PHONE, {
    message:
      'servicePhone must be a landline (0755-86001234), a mobile (13812345678) or a 400/800 number (400-123-4567)',
  })
  servicePhone: string | null;
}
