import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class WechatLoginDto {
  @ApiProperty({ description: 'The code from wx.login()' })
  @IsString()
  @Length(1, 128)
  @Matches(/^[\w-]+$/, { message: 'code has invalid characters' })
  code: string;
}

export class PasswordLoginDto {
  @ApiProperty() @IsString() @Length(1, 50) username: string;
  @ApiProperty() @IsString() @Length(1, 200) password: string;
}
