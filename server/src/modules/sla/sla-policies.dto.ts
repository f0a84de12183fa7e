import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PRIORITIES, type Priority } from '@linli/shared';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const CATEGORY_CODE = /^[a-z][a-z0-9_]{0,31}$/;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** 30 days: the longest target a stage may have. */
export const MAX_TARGET_MINUTES = 43_200;

/** Shapes only: ranges and order are shared validateBusinessCalendar's. */
export class CalendarDayDto {
  @ApiProperty({ description: '0 = Sunday' }) @IsInt() weekday: number;
  @ApiProperty() @IsInt() startMinute: number;
  @ApiProperty() @IsInt() endMinute: number;
}

export class BusinessCalendarDto {
  @ApiProperty({ type: [CalendarDayDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CalendarDayDto)
  days: CalendarDayDto[];

  @ApiPropertyOptional({ type: [String], example: ['2025-10-01'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @IsString({ each: true })
  @MaxLength(10, { each: true })
  holidays?: string[];
}

/** A whole policy: PUT replaces every field. */
export class SlaPolicyDto {
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

  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority: Priority;

  @ApiProperty({ minimum: 1, maximum: MAX_TARGET_MINUTES })
  @IsInt()
  @Min(1)
  @Max(MAX_TARGET_MINUTES)
  acceptMinutes: number;

  @ApiPropertyOptional({ nullable: true, description: 'null = by appointment (no arrive clock)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TARGET_MINUTES)
  arriveMinutes?: number | null;

  @ApiProperty({ minimum: 1, maximum: MAX_TARGET_MINUTES, description: 'at least acceptMinutes' })
  @IsInt()
  @Min(1)
  @Max(MAX_TARGET_MINUTES)
  resolveMinutes: number;

  @ApiPropertyOptional({ type: BusinessCalendarDto, nullable: true, description: 'null = around the clock' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BusinessCalendarDto)
  calendar?: BusinessCalendarDto | null;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class EffectivePolicyQuery {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) communityId: number;

  @ApiProperty()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category: string;

  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority: Priority;
}
