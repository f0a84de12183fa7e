import { ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_ENTITY_TYPES, type AuditEntityType } from '@linli/shared';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, Max, Min } from 'class-validator';
import { Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class AuditLogQuery {
  @ApiPropertyOptional({ enum: AUDIT_ENTITY_TYPES })
  @Optional()
  @IsIn(AUDIT_ENTITY_TYPES)
  entityType?: AuditEntityType;

  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) actorId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) entityId?: number;
  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' }) @Optional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' }) @Optional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ default: 1 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
}
