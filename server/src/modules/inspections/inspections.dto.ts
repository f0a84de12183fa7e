import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHECK_RESULTS,
  CHECKLIST_KEY,
  CHECKLIST_MAX_ITEMS,
  CLIENT_KEY,
  PLAN_FREQUENCIES,
  PLAN_KINDS,
  PLAN_MAX_POINTS,
  ROUND_STATUSES,
  type CheckResult,
  type PlanFrequency,
  type PlanKind,
  type RoundStatus,
} from '@linli/shared';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PlainName } from '../../common/plain-name.js';
import { Nullable, Optional } from '../../common/validation.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CATEGORY = /^[a-z][a-z0-9_]{0,31}$/;

export class ChecklistItemDto {
  @ApiProperty({ example: 'door_closes' }) @IsString() @Matches(CHECKLIST_KEY) key: string;
  @ApiProperty({ example: '防火门能自动关闭' }) @IsString() @Length(1, 40) @PlainName() label: string;
  @ApiProperty() @IsBoolean() photoRequired: boolean;
}

export class CreatePointDto {
  @ApiProperty() @IsInt() @Min(1) communityId: number;
  @ApiProperty({ description: 'The public area an abnormal item files its order on' })
  @IsInt()
  @Min(1)
  publicAreaId: number;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) buildingId?: number;
  @ApiProperty({ example: '2栋水泵房' }) @IsString() @Length(1, 60) @PlainName() name: string;
  @ApiProperty({ type: [ChecklistItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CHECKLIST_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemDto)
  checklist: ChecklistItemDto[];
}

export class UpdatePointDto {
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 60) @PlainName() name?: string;
  @ApiPropertyOptional({ type: [ChecklistItemDto] })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CHECKLIST_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemDto)
  checklist?: ChecklistItemDto[];
  @ApiPropertyOptional() @Optional() @IsBoolean() active?: boolean;
}

export class ListPointsQuery {
  @ApiPropertyOptional() @Optional() @Type(() => Number) @IsInt() @Min(1) communityId?: number;
}

export class CreatePlanDto {
  @ApiPropertyOptional({ enum: PLAN_KINDS }) @Optional() @IsIn(PLAN_KINDS) kind?: PlanKind;
  @ApiProperty() @IsInt() @Min(1) communityId: number;
  @ApiProperty({ example: '每日设备巡检' }) @IsString() @Length(1, 60) @PlainName() name: string;
  @ApiProperty({ enum: PLAN_FREQUENCIES }) @IsIn(PLAN_FREQUENCIES) frequency: PlanFrequency;
  @ApiPropertyOptional({ description: 'weekly: 1 (Monday)..7; monthly: 1..28' })
  @Nullable()
  @IsInt()
  dayOf?: number | null;
  @ApiProperty({ description: 'China time, minutes after midnight' }) @IsInt() @Min(0) @Max(1439) windowStart: number;
  @ApiProperty() @IsInt() @Min(1) @Max(1440) windowEnd: number;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) teamId?: number;
  @ApiPropertyOptional({ type: [Number] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(PLAN_MAX_POINTS)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  pointIds?: number[];
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) publicAreaId?: number;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) buildingId?: number;
  @ApiPropertyOptional() @Optional() @IsString() @Matches(CATEGORY) category?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) description?: string;
  @ApiPropertyOptional({ example: '2026-12-08' }) @Optional() @IsString() @Matches(DATE) startsOn?: string;
}

export class UpdatePlanDto {
  @ApiProperty() @IsBoolean() active: boolean;
}

export class ListPlansQuery {
  @ApiPropertyOptional() @Optional() @Type(() => Number) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional({ enum: PLAN_KINDS }) @Optional() @IsIn(PLAN_KINDS) kind?: PlanKind;
}

export class MaintenanceOrderDto {
  @ApiProperty() @IsInt() @Min(1) publicAreaId: number;
  @ApiProperty({ example: 'lift' }) @IsString() @Matches(CATEGORY) category: string;
  @ApiProperty({ example: '电梯季度保养' }) @IsString() @Length(1, 200) description: string;
}

export class ListRoundsQuery {
  @ApiPropertyOptional() @Optional() @Type(() => Number) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional({ enum: ROUND_STATUSES }) @Optional() @IsIn(ROUND_STATUSES) status?: RoundStatus;
  @ApiPropertyOptional() @Optional() @IsString() @Matches(DATE) from?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Matches(DATE) to?: string;
  @ApiPropertyOptional({ description: "Technicians: only their teams' open rounds" })
  @Optional()
  @IsIn(['1', 'true'])
  mine?: string;
}

export class ReportQuery {
  @ApiPropertyOptional() @Optional() @Type(() => Number) @IsInt() @Min(1) communityId?: number;
  @ApiProperty() @IsString() @Matches(DATE) from: string;
  @ApiProperty() @IsString() @Matches(DATE) to: string;
}

/** One thing done on site, possibly offline: a scan of a point or a checklist item's result. */
export class RoundActionDto {
  @ApiProperty({ enum: ['scan', 'check'] }) @IsIn(['scan', 'check']) type: 'scan' | 'check';
  @ApiProperty({ description: 'Made by the phone, unique per action: a replay answers the first result' })
  @IsString()
  @Matches(CLIENT_KEY)
  clientKey: string;
  @ApiProperty({ description: "The phone's time of the action (ISO 8601)" }) @IsISO8601({ strict: true }) at: string;
  @ApiProperty() @IsInt() @Min(1) pointId: number;
  @ApiPropertyOptional({ description: 'scan: the code the QR carried (or typed in)' })
  @ValidateIf((o: RoundActionDto) => o.type === 'scan')
  @IsString()
  @Length(1, 200)
  code?: string;
  @ApiPropertyOptional()
  @ValidateIf((o: RoundActionDto) => o.type === 'check')
  @IsString()
  @Matches(CHECKLIST_KEY)
  itemKey?: string;
  @ApiPropertyOptional({ enum: CHECK_RESULTS })
  @ValidateIf((o: RoundActionDto) => o.type === 'check')
  @IsIn(CHECK_RESULTS)
  result?: CheckResult;
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) note?: string;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) uploadId?: number;
  @ApiPropertyOptional({ description: 'abnormal: the repair category of the order (default public_area)' })
  @Optional()
  @IsString()
  @Matches(CATEGORY)
  category?: string;
}

export class RoundActionsDto {
  @ApiProperty({ type: [RoundActionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RoundActionDto)
  actions: RoundActionDto[];
}
