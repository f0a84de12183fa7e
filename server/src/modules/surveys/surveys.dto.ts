import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACSI_MAX, ACSI_MIN } from '@linli/shared';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Optional } from '../../common/validation.js';
import { PlainName } from '../../common/plain-name.js';

export const SURVEY_STATUSES = ['draft', 'open', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class CreateSurveyDto {
  @ApiProperty() @IsInt() @Min(1) communityId: number;

  @ApiProperty({ example: '2026 年第四季度满意度调查' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'title must not be blank' })
  @PlainName()
  title: string;

  @ApiProperty({ description: 'ISO 8601' }) @IsDateString({ strict: true }) startsAt: string;
  @ApiProperty({ description: 'ISO 8601, after startsAt' }) @IsDateString({ strict: true }) endsAt: string;

  /** ACSI weights of overall, expectation met, compared with ideal; equal when left out. */
  @ApiPropertyOptional({ type: [Number], example: [1, 1, 1] })
  @Optional()
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(3)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  @Min(0, { each: true })
  @Max(100, { each: true })
  weights?: [number, number, number];
}

export class ListSurveysQuery {
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional({ enum: SURVEY_STATUSES }) @Optional() @IsIn(SURVEY_STATUSES) status?: SurveyStatus;
}

const item = (label: string) => ApiProperty({ minimum: ACSI_MIN, maximum: ACSI_MAX, description: label });

export class ServperfDto {
  @ApiProperty({ minimum: 1, maximum: 5, description: '有形性' }) @IsInt() @Min(1) @Max(5) tangibles: number;
  @ApiProperty({ minimum: 1, maximum: 5, description: '可靠性' }) @IsInt() @Min(1) @Max(5) reliability: number;
  @ApiProperty({ minimum: 1, maximum: 5, description: '响应性' }) @IsInt() @Min(1) @Max(5) responsiveness: number;
  @ApiProperty({ minimum: 1, maximum: 5, description: '保证性' }) @IsInt() @Min(1) @Max(5) assurance: number;
  @ApiProperty({ minimum: 1, maximum: 5, description: '移情性' }) @IsInt() @Min(1) @Max(5) empathy: number;
}

export class SurveyResponseDto {
  /** The house the resident answers for: verified, in the survey's community. */
  @ApiProperty() @IsInt() @Min(1) houseId: number;

  @item('总体满意度') @IsInt() @Min(ACSI_MIN) @Max(ACSI_MAX) overall: number;
  @item('符合预期程度') @IsInt() @Min(ACSI_MIN) @Max(ACSI_MAX) expectation: number;
  @item('与理想服务相比') @IsInt() @Min(ACSI_MIN) @Max(ACSI_MAX) ideal: number;

  @ApiProperty({ minimum: 0, maximum: 10, description: '推荐意愿' }) @IsInt() @Min(0) @Max(10) nps: number;

  @ApiProperty({ type: ServperfDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ServperfDto)
  servperf: ServperfDto;

  @ApiPropertyOptional({ maxLength: 500 }) @Optional() @IsString() @Length(1, 500) comment?: string;
}

/** The view this module answers with, defined once in shared/. */
export type { SurveyView } from '@linli/shared';

/** The view this module answers with, defined once in shared/. */
export type { SurveyResultsView } from '@linli/shared';
