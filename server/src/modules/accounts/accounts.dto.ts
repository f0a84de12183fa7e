import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '@linli/shared';
import { USERNAME_PATTERN } from './company-setup.js';

export class ChangePasswordDto {
  @ApiProperty({ description: 'The current (or temporary) password' })
  @IsString()
  @Length(1, 200)
  oldPassword: string;

  @ApiProperty({ description: '8+ characters, not all digits, not the username, not the old one' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class CreateCompanyDto {
  @ApiProperty({ example: '安居物业服务有限公司' })
  @IsString()
  @Length(2, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ example: 'anju.admin', description: '3-50 letters, digits, ".", "_" or "-"' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'adminUsername: 3-50 letters, digits, ".", "_" or "-"' })
  adminUsername: string;

  @ApiProperty({ example: '陈经理' })
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'adminName must not be blank' })
  adminName: string;
}
