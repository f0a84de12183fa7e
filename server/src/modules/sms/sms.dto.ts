import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { Optional } from '../../common/validation.js';
import { MOBILE_PHONE } from './sms-queue.js';
import { SMS_CODE_PURPOSES, type SmsCodePurpose } from './sms-codes.service.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class SendSmsCodeDto {
  @ApiProperty({ example: '13800138000', description: 'A mainland mobile number, 11 digits' })
  @IsString()
  @Matches(MOBILE_PHONE, { message: 'phone must be a mainland mobile number (11 digits, 13-19…)' })
  phone: string;

  @ApiProperty({ enum: SMS_CODE_PURPOSES })
  @IsIn(SMS_CODE_PURPOSES)
  purpose: SmsCodePurpose;
}

export const SMS_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

export class ListSmsQuery {
  @ApiPropertyOptional({ default: 1 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
  @ApiPropertyOptional({ enum: SMS_STATUSES }) @Optional() @IsIn(SMS_STATUSES) status?: (typeof SMS_STATUSES)[number];
}
