import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { AllowPasswordChangePending, CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ApiView } from '../../common/api-contract.js';
import { RateLimit } from '../../common/rate-limit.js';
import { AccountsService } from './accounts.service.js';
import { ChangePasswordDto, CreateCompanyDto } from './accounts.dto.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller()
export class AccountsController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  /** The only route a user who must change their password may call. */
  @Post('me/password')
  @HttpCode(200)
  @AllowPasswordChangePending()
  @Roles('technician', 'desk', 'supervisor', 'admin', 'operator')
  @RateLimit({ name: 'password-change', limit: 10, windowSeconds: 60 })
  @ApiView('LoginResponse', 'Set a new password (old + new); answers a fresh token, other sessions end', {
    errors: [400, 401, 403],
  })
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto) {
    return this.accounts.changePassword(actor, dto.oldPassword, dto.newPassword);
  }

  @Post('staff/:id/password-reset')
  @HttpCode(200)
  @Roles('admin')
  @ApiView('PasswordResetResponse', 'Give a staff member a temporary password (shown once; must change at login)', {
    errors: [404],
  })
  resetPassword(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.accounts.resetPassword(actor, id);
  }
}

/** The platform operator's endpoints: companies, nothing inside them. */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('platform')
@Roles('operator')
export class PlatformController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Get('companies')
  @ApiView(['PlatformCompanyView'], 'Every company, with its active staff and communities counted')
  list() {
    return this.accounts.listCompanies();
  }

  @Post('companies')
  @ApiView('CreateCompanyResponse', 'Create a company with its first admin (temporary password, shown once)', {
    errors: [409],
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCompanyDto) {
    return this.accounts.createCompany(actor, dto);
  }

  @Post('companies/:id/deactivate')
  @HttpCode(200)
  @ApiView('PlatformCompanyView', "Deactivate a company: its users' sign-ins and tokens are refused", { errors: [404] })
  deactivate(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.accounts.setCompanyActive(actor, id, false);
  }

  @Post('companies/:id/activate')
  @HttpCode(200)
  @ApiView('PlatformCompanyView', 'Activate a deactivated company again', { errors: [404] })
  activate(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.accounts.setCompanyActive(actor, id, true);
  }
}
