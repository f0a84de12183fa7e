import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANNELS,
  PAUSE_REASONS,
  PRIORITIES,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
  SLA_STATES,
  type SlaState,
  type Channel,
  type PauseReason,
  type Priority,
  type WorkOrderAction,
  type WorkOrderKind,
} from '@linli/shared';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
  ArrayMinSize,
  MaxLength,
  IsDateString,
  IsBoolean,
} from 'class-validator';
import { Optional } from '../../common/validation.js';
import { PlainName } from '../../common/plain-name.js';

const MAX_PHOTOS = 9;
const WITH_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

/** The visit window: two instants with a zone (the service checks order and span). */
export class VisitWindowDto {
  @ApiProperty({ example: '2026-12-03T14:00:00+08:00' })
  @IsString()
  @IsDateString({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  @Matches(WITH_ZONE, { message: 'from must carry a time zone (Z or +08:00)' })
  from: string;

  @ApiProperty({ example: '2026-12-03T18:00:00+08:00' })
  @IsString()
  @IsDateString({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  @Matches(WITH_ZONE, { message: 'to must carry a time zone (Z or +08:00)' })
  to: string;
}

export class CreateWorkOrderDto {
  @ApiProperty({ example: 'plumbing' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'category must be a category code' })
  category: string;

  @ApiProperty({ example: '厨房水管漏水' })
  @IsString()
  @Length(1, 2000)
  description: string;

  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) houseId?: number;
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) publicAreaId?: number;

  @ApiPropertyOptional({ enum: PRIORITIES }) @Optional() @IsIn(PRIORITIES) priority?: Priority;
  @ApiPropertyOptional({ enum: WORK_ORDER_KINDS }) @Optional() @IsIn(WORK_ORDER_KINDS) kind?: WorkOrderKind;

  /** Staff only: how the report reached us (phone, staff-found, patrol). */
  @ApiPropertyOptional({ enum: CHANNELS }) @Optional() @IsIn(CHANNELS) channel?: Channel;

  /** Staff only: the resident the order is for (e.g. the caller on the phone). */
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) reporterId?: number;

  @ApiPropertyOptional({ type: [Number] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_PHOTOS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  photoIds?: number[];

  @ApiPropertyOptional({ example: '尽快上门' })
  @Optional()
  @IsString()
  @Length(1, 100)
  preferredTime?: string;

  @ApiPropertyOptional({ type: VisitWindowDto })
  @Optional()
  @ValidateNested()
  @Type(() => VisitWindowDto)
  visitWindow?: VisitWindowDto;

  /** Staff only, complaints only: the technician the complaint is about. */
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) aboutUserId?: number;
}

/**
 * One quote line (docs/fees.md): a price-list item with a quantity (its price comes from the
 * list), or a line off the list with its own kind, name, unit and price; off the list or above
 * the list price it needs a reason.
 */
export class QuoteItemDto {
  @ApiPropertyOptional({ description: 'a price-list item of the community' })
  @Optional()
  @IsInt()
  @Min(1)
  priceItemId?: number;
  @ApiProperty() @IsInt() @Min(1) @Max(1000) quantity: number;
  @ApiPropertyOptional({ description: 'unit price in fen (0.01 CNY); default the list price' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  unitPriceFen?: number;
  @ApiPropertyOptional({ enum: ['labour', 'material'] }) @Optional() @IsIn(['labour', 'material']) kind?:
    'labour' | 'material';
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 50) @PlainName() name?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 10) @PlainName() unit?: string;
  @ApiPropertyOptional({ description: 'why a line is off the list or above it' })
  @Optional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}

/** What was used, by line of the approved quote. */
export class BillUseDto {
  @ApiProperty({ description: 'index of the line in the approved quote' }) @IsInt() @Min(0) @Max(29) line: number;
  @ApiProperty() @IsInt() @Min(0) @Max(1000) quantity: number;
}

export class BillInputDto {
  @ApiProperty({ type: [BillUseDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => BillUseDto)
  lines: BillUseDto[];
}

export class TransitionDto {
  @ApiProperty({ enum: WORK_ORDER_ACTIONS }) @IsIn(WORK_ORDER_ACTIONS) action: WorkOrderAction;

  /** The version the client saw; a different current version answers VERSION_CONFLICT. */
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) version?: number;

  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) assigneeId?: number;

  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) reason?: string;

  @ApiPropertyOptional({ enum: PAUSE_REASONS }) @Optional() @IsIn(PAUSE_REASONS) pauseReason?: PauseReason;

  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 1000) note?: string;

  /**
   * Where the technician's phone is (WGS-84), sent with 出发 (depart) and 到达 (arrive) when they
   * consented; both or neither. Routing keeps it as their position for 2 hours.
   */
  @ApiPropertyOptional({ minimum: -90, maximum: 90, description: 'with depart/arrive only; both or neither' })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude?: number;

  @ApiPropertyOptional({ minimum: -180, maximum: 180, description: 'with depart/arrive only; both or neither' })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude?: number;

  @ApiPropertyOptional({ type: [Number] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_PHOTOS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  photoIds?: number[];

  @ApiPropertyOptional({ type: [QuoteItemDto] })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => QuoteItemDto)
  quoteItems?: QuoteItemDto[];

  /** complete after an approved quote: what was used (docs/fees.md). */
  @ApiPropertyOptional({ type: BillInputDto })
  @Optional()
  @ValidateNested()
  @Type(() => BillInputDto)
  bill?: BillInputDto;

  /** complete: a free repair (within the property fee): no bill to pay. */
  @ApiPropertyOptional() @Optional() @IsBoolean() free?: boolean;
}

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').filter(Boolean) : value;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/**
 * An order's SLA state: the highest escalation level reached by its running (or paused) clocks
 * of the current cycle. ok = none past 50%, warning = past 50%, critical = past 75%, breached.
 */
/** `atRisk=50`: past 50% of a running SLA target (warning or worse); `75`: critical or breached. */
export const AT_RISK_THRESHOLDS = [50, 75] as const;

export class ListWorkOrdersQuery {
  @ApiPropertyOptional({ description: 'comma-separated statuses' })
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(WORK_ORDER_STATUSES.length)
  @IsIn(WORK_ORDER_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional()
  @Optional()
  @Transform(toList)
  @IsArray()
  @IsIn(PRIORITIES, { each: true })
  priority?: string[];
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(32) category?: string;
  @ApiPropertyOptional() @Optional() @IsIn(WORK_ORDER_KINDS) kind?: string;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) houseId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) assigneeId?: number;
  @ApiPropertyOptional({ description: 'comma-separated SLA states: ok, warning (>50%), critical (>75%), breached' })
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(SLA_STATES.length)
  @IsIn(SLA_STATES, { each: true })
  slaState?: SlaState[];
  @ApiPropertyOptional({ enum: AT_RISK_THRESHOLDS, description: 'past this % of a running SLA target' })
  @Optional()
  @Transform(toInt)
  @IsIn(AT_RISK_THRESHOLDS)
  atRisk?: 50 | 75;
  @ApiPropertyOptional({ description: 'order number or words of the description' })
  @Optional()
  @IsString()
  @Length(1, 50)
  q?: string;
  @ApiPropertyOptional() @Optional() @IsDateString() from?: string;
  @ApiPropertyOptional() @Optional() @IsDateString() to?: string;
  @ApiPropertyOptional({
    enum: ['created', 'sla'],
    description: 'newest first (default) or nearest SLA deadline first',
  })
  @Optional()
  @IsIn(['created', 'sla'])
  sort?: 'created' | 'sla';
  @ApiPropertyOptional({ default: 1 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
}
