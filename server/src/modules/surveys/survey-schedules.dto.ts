import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SURVEY_CADENCES, SURVEY_OPEN_DAYS_MAX, type SurveyCadence } from '@linli/shared';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** PUT /survey-schedules: the company's schedule (communityId null) or one community's own. */
export class SaveSurveyScheduleDto {
  @ApiProperty({ nullable: true, description: "null = the company's schedule" })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  communityId: number | null;

  @ApiProperty({ enum: SURVEY_CADENCES }) @IsIn(SURVEY_CADENCES) cadence: SurveyCadence;

  @ApiProperty({ minimum: 1, maximum: SURVEY_OPEN_DAYS_MAX, description: "days open from the period's start" })
  @IsInt()
  @Min(1)
  @Max(SURVEY_OPEN_DAYS_MAX)
  openDays: number;

  @ApiProperty({ minimum: 0, description: 'days before the close of the one reminder; 0 = none; < openDays' })
  @IsInt()
  @Min(0)
  @Max(SURVEY_OPEN_DAYS_MAX - 1)
  remindDaysBefore: number;

  @ApiProperty() @IsBoolean() enabled: boolean;
}

/** POST /survey-schedules/open-now. */
export class OpenSurveyNowDto {
  @ApiProperty() @IsInt() @Min(1) communityId: number;
}

export class ListSurveyPeriodsQuery {
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
}

/** The views this module answers with, defined once in shared/. */
export type { SurveyPeriodView, SurveyScheduleView } from '@linli/shared';
