import { ApiProperty } from '@nestjs/swagger';
import { BINDING_RELATIONS, type BindingRelation } from '@linli/shared';
import { IsIn, IsInt, IsString, Length, Matches, Min } from 'class-validator';
import { PlainName } from '../../common/plain-name.js';

export class RequestBindingDto {
  @ApiProperty() @IsInt() @Min(1) houseId: number;
  @ApiProperty({ enum: BINDING_RELATIONS }) @IsIn(BINDING_RELATIONS) relation: BindingRelation;
  @ApiProperty() @IsString() @Length(1, 50) @PlainName() name: string;
  @ApiProperty({ example: '13800001234' })
  @IsString()
  @Matches(/^(\+?86)?1\d{10}$/, { message: 'phone must be a mainland mobile number' })
  phone: string;
}

export class ReviewBindingDto {
  @ApiProperty({ enum: ['verified', 'rejected'] }) @IsIn(['verified', 'rejected']) decision: 'verified' | 'rejected';
}
