import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLES, USERNAME_PATTERN, type StaffRole } from '@linli/shared';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LEAVE_STATUSES, type LeaveStatus } from './leave.repository.js';
import { Nullable, Optional } from '../../common/validation.js';
import { PlainName } from '../../common/plain-name.js';

/** A list of up to `max` distinct row ids (positive integers). */
function IdList(max: number): PropertyDecorator {
  return applyDecorators(IsArray(), ArrayMaxSize(max), ArrayUnique(), IsInt({ each: true }), Min(1, { each: true }));
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
const CATEGORY_CODE = /^[a-z][a-z0-9_]{0,31}$/;
const WITH_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

export class ListStaffQuery {
  @ApiPropertyOptional({ enum: STAFF_ROLES }) @Optional() @IsIn(STAFF_ROLES) role?: StaffRole;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
}

export class BoardQuery {
  @ApiPropertyOptional({ description: "one of the caller's communities (default: all of them)" })
  @Optional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  communityId?: number;
}

export class HouseResidentsQuery {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(1) houseId: number;
}

export class CallerQuery {
  @ApiProperty({ description: 'the caller’s mobile number, 11 digits', example: '13910007919' })
  @IsString()
  @Matches(/^1\d{10}$/, { message: 'phone must be an 11-digit mobile number' })
  phone: string;
}

export class ProfileDto {
  @ApiProperty({ minimum: 1, maximum: 50, description: 'open orders the technician may hold at once' })
  @IsInt()
  @Min(1)
  @Max(50)
  capacity: number;
  // No coordinates: a technician's position comes from their jobs and their phone
  // (technician-positions.ts), never from a box someone types into.
}

export class SkillDto {
  @ApiProperty({ example: 'plumbing' })
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category: string;

  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) level: number;
}

export class SkillsDto {
  @ApiProperty({ type: [SkillDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SkillDto)
  skills: SkillDto[];
}

export class ServiceAreaDto {
  @ApiProperty({ type: [Number] })
  @IdList(500)
  communityIds: number[];

  @ApiPropertyOptional({ type: [Number], description: 'empty = every building of the communities' })
  @Optional()
  @IdList(5000)
  buildingIds?: number[];
}

/** Shapes only: the roster's rules (ranges, order, real dates) are shared validateRoster's. */
export class WeeklyShiftDto {
  @ApiProperty({ description: '0 = Sunday' }) @IsInt() weekday: number;
  @ApiProperty() @IsInt() startMinute: number;
  @ApiProperty() @IsInt() endMinute: number;
}

export class ShiftExceptionDto {
  @ApiProperty({ example: '2025-10-01' }) @IsString() @MaxLength(10) date: string;
  @ApiProperty() @IsBoolean() off: boolean;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) @Nullable() @IsInt() startMinute?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) @Nullable() @IsInt() endMinute?: number | null;
}

export class RosterDto {
  @ApiProperty({ type: [WeeklyShiftDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyShiftDto)
  pattern: WeeklyShiftDto[];

  @ApiProperty({ type: [ShiftExceptionDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ShiftExceptionDto)
  exceptions: ShiftExceptionDto[];
}

export class LeaveRequestDto {
  @ApiProperty({ example: '2025-10-01T00:00:00+08:00' })
  @IsString()
  @IsISO8601({ strict: true }, { message: 'startAt must be an ISO 8601 date-time' })
  @Matches(WITH_ZONE, { message: 'startAt must carry a time zone (Z or +08:00)' })
  startAt: string;

  @ApiProperty({ example: '2025-10-03T00:00:00+08:00' })
  @IsString()
  @IsISO8601({ strict: true }, { message: 'endAt must be an ISO 8601 date-time' })
  @Matches(WITH_ZONE, { message: 'endAt must carry a time zone (Z or +08:00)' })
  endAt: string;

  @ApiProperty({ example: '年假' }) @IsString() @Length(1, 200) reason: string;
}

export class ListLeaveQuery {
  @ApiPropertyOptional({ enum: LEAVE_STATUSES }) @Optional() @IsIn(LEAVE_STATUSES) status?: LeaveStatus;
}

export class ReviewLeaveDto {
  @ApiProperty({ enum: ['approved', 'rejected'] }) @IsIn(['approved', 'rejected']) decision: 'approved' | 'rejected';
}

export class TeamDto {
  @ApiProperty({ example: '水电一组' }) @IsString() @Length(1, 50) @PlainName() name: string;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'a supervisor of the company' })
  @Nullable()
  @IsInt()
  @Min(1)
  supervisorId?: number | null;

  @ApiProperty({ type: [Number], description: 'technicians of the company' })
  @IdList(200)
  memberIds: number[];
}

const MOBILE = /^1\d{10}$/;

/** `POST /api/staff`: the account and everything around it (shapes here; the rules in StaffAccountsService). */
export class CreateStaffDto {
  @ApiProperty({ example: 'zhang.wei', description: '3–32 of a-z 0-9 . _ -, unique platform-wide' })
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-32 of a-z, 0-9, ".", "_" or "-"' })
  username: string;

  @ApiProperty({ example: '张伟' }) @IsString() @Length(1, 50) @PlainName() name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '13800138000' })
  @Nullable()
  @IsString()
  @Matches(MOBILE, { message: 'phone must be an 11-digit mobile number' })
  phone?: string | null;

  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role: StaffRole;

  @ApiPropertyOptional({ type: [Number] })
  @Optional()
  @IdList(500)
  communityIds?: number[];

  @ApiPropertyOptional({ type: [Number], description: 'empty = every building of the communities' })
  @Optional()
  @IdList(5000)
  buildingIds?: number[];

  @ApiPropertyOptional({ type: [SkillDto], description: 'technicians only' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SkillDto)
  skills?: SkillDto[];

  @ApiPropertyOptional({ type: [Number], description: 'teams of the company; technicians only' })
  @Optional()
  @IdList(50)
  teamIds?: number[];

  @ApiPropertyOptional({ type: [WeeklyShiftDto], description: 'the weekly shift pattern' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyShiftDto)
  pattern?: WeeklyShiftDto[];
}

/** `PUT /api/staff/:id`: the account itself. */
export class UpdateStaffDto {
  @ApiProperty({ example: '张伟' }) @IsString() @Length(1, 50) @PlainName() name: string;

  @ApiProperty({ type: 'string', nullable: true, example: '13800138000' })
  @ValidateIf((_o, value) => value !== null)
  @IsString()
  @Matches(MOBILE, { message: 'phone must be an 11-digit mobile number' })
  phone: string | null;

  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role: StaffRole;

  @ApiPropertyOptional({ description: 'omitted: unchanged' }) @Optional() @IsBoolean() active?: boolean;
}

/** `PUT /api/staff/:id/teams`. */
export class StaffTeamsDto {
  @ApiProperty({ type: [Number] })
  @IdList(50)
  teamIds: number[];
}
