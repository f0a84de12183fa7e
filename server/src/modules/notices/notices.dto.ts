import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTICE_KINDS, NOTICE_MAX_BUILDINGS, type NoticeKind } from '@linli/shared';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Nullable, Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
const WITH_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

export class CreateNoticeDto {
  @ApiProperty() @IsInt() @Min(1) @Max(2_147_483_647) communityId: number;

  @ApiPropertyOptional({ type: [Number], description: 'left out or null: the whole community' })
  @Nullable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTICE_MAX_BUILDINGS)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  buildingIds?: number[] | null;

  @ApiProperty({ enum: NOTICE_KINDS }) @IsIn(NOTICE_KINDS) kind: NoticeKind;

  @ApiProperty({ example: '3栋停水' })
  @IsString()
  @Length(1, 60)
  @Matches(/\S/, { message: 'title must not be blank' })
  title: string;

  @ApiProperty({ example: '因管道维修，3栋 9:00-15:00 停水，请提前储水。' })
  @IsString()
  @Length(1, 500)
  @Matches(/\S/, { message: 'body must not be blank' })
  body: string;

  @ApiProperty({ description: 'ISO 8601 with a zone' })
  @IsDateString({ strict: true })
  @Matches(WITH_ZONE, { message: 'startsAt must name its time zone' })
  startsAt: string;

  @ApiProperty({ description: 'ISO 8601 with a zone; the notice ends by itself then' })
  @IsDateString({ strict: true })
  @Matches(WITH_ZONE, { message: 'endsAt must name its time zone' })
  endsAt: string;
}

export class ListNoticesQuery {
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  /** Staff: `current` (upcoming and current, the default) or `all` (the last 200, ended too). */
  @ApiPropertyOptional({ enum: ['current', 'all'] }) @Optional() @IsIn(['current', 'all']) state?: 'current' | 'all';
}

export class NoticesAtQuery {
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) publicAreaId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) houseId?: number;
}
