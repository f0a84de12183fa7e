import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { Optional } from '../../common/validation.js';

/** POST /api/work-orders/:id/bill/waive */
export class WaiveBillDto {
  @ApiProperty({ description: 'why the resident does not pay (audited, shown on the order)' })
  @IsString()
  @Length(2, 200)
  reason: string;

  /** The bill's version the desk saw; another answers VERSION_CONFLICT. */
  @ApiPropertyOptional() @Optional() @IsInt() @Min(1) version?: number;
}

/** PUT /api/fee-settings/:communityId */
export class FeeSettingDto {
  @ApiProperty({ nullable: true, description: 'quotes above this total (fen) need a supervisor; null = no ceiling' })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  quoteCeilingFen: number | null;
}
