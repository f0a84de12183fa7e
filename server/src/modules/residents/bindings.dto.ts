import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BINDING_RELATIONS, INVITE_RELATIONS, type BindingRelation, type InviteRelation } from '@linli/shared';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { PlainName } from '../../common/plain-name.js';

const MOBILE = /^(\+?86)?1\d{10}$/;

/**
 * The proof of the resident's phone (docs/households.md): the code of WeChat's phone-number
 * button (phoneCode), or, where WeChat is not available (H5), the phone and the SMS code sent to
 * it (POST /sms/codes, purpose bind). A typed phone alone proves nothing.
 */
export class PhoneProofDto {
  @ApiPropertyOptional({ description: "getPhoneNumber's code (mini-program phone-number button)" })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  phoneCode?: string;

  @ApiPropertyOptional({ example: '13800001234', description: 'with smsCode (H5)' })
  @IsOptional()
  @IsString()
  @Matches(MOBILE, { message: 'phone must be a mainland mobile number' })
  phone?: string;

  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'smsCode must be 6 digits' })
  smsCode?: string;
}

export class RequestBindingDto extends PhoneProofDto {
  @ApiProperty() @IsInt() @Min(1) houseId: number;
  @ApiProperty({ enum: BINDING_RELATIONS }) @IsIn(BINDING_RELATIONS) relation: BindingRelation;
  @ApiProperty() @IsString() @Length(1, 50) @PlainName() name: string;
}

export class AcceptInviteDto extends PhoneProofDto {
  @ApiProperty({ example: 'K7M2QX9P' }) @IsString() @Length(4, 20) code: string;
  @ApiProperty() @IsString() @Length(1, 50) @PlainName() name: string;
}

export class ReviewBindingDto {
  @ApiProperty({ enum: ['verified', 'rejected'] }) @IsIn(['verified', 'rejected']) decision: 'verified' | 'rejected';
}

export class CreateInviteDto {
  @ApiProperty({ enum: INVITE_RELATIONS }) @IsIn(INVITE_RELATIONS) relation: InviteRelation;
  @ApiPropertyOptional({ description: '可审批费用: the invitee may approve fees' })
  @IsOptional()
  @IsBoolean()
  canApproveFees?: boolean;
}

export class UpdateMemberDto {
  @ApiProperty({ description: '可审批费用' }) @IsBoolean() canApproveFees: boolean;
}
