import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AccountsController, PlatformController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';

/** Passwords and the platform operator's companies (docs/security.md "Accounts and tokens"). */
@Module({ imports: [AuthModule], controllers: [AccountsController, PlatformController], providers: [AccountsService] })
export class AccountsModule {}
