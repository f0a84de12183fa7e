import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PRIORITIES, type Priority } from '@linli/shared';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ScopeFieldsDto, ScopeQueryDto } from '../../common/scope.dto.js';
import { Nullable, Optional } from '../../common/validation.js';

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
  @Optional()
  @IsArray()
  @ArrayMaxSize(400)
  @IsString({ each: true })
  @MaxLength(10, { each: true })
  holidays?: string[];
}

/** A whole policy: PUT replaces every field. */
export class SlaPolicyDto extends ScopeFieldsDto {
  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority: Priority;

  @ApiProperty({ minimum: 1, maximum: MAX_TARGET_MINUTES })
  @IsInt()
  @Min(1)
  @Max(MAX_TARGET_MINUTES)
  acceptMinutes: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'null = by appointment (no arrive clock)' })
  @Nullable()
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
  @Nullable()
  @IsObject()
  @ValidateNested()
  @Type(() => BusinessCalendarDto)
  calendar?: BusinessCalendarDto | null;

  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() enabled?: boolean;
}

/** The targets an order of this community, category and priority would get. */
export class EffectivePolicyQuery extends ScopeQueryDto {}
