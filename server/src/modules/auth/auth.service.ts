import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { hash, verify } from '@node-rs/argon2';
import type { LoginResponse, Role } from '@linli/shared';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import type { TokenPayload } from '../../common/auth/auth.guard.js';
import { LoginThrottle } from '../../common/login-throttle.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { WechatApiError, type WechatApiClient } from '../../wechat/wechat-api.client.js';
import type { User } from '../users/users.repository.js';
import { UsersRepository } from '../users/users.repository.js';

export const WECHAT_CLIENT = Symbol('WECHAT_CLIENT');

// Verified against when the username is unknown, so both paths cost the same.
const DUMMY_HASH = await hash('linli-timing-equaliser');

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(WECHAT_CLIENT) private readonly wechat: WechatApiClient,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
  ) {}

  async loginWithWechat(code: string): Promise<LoginResponse> {
    let openid: string;
    try {
      ({ openid } = await this.wechat.code2Session(code));
    } catch (e) {
      throw this.mapWechatError(e);
    }
    const user = (await this.users.findByOpenid(openid)) ?? (await this.users.createResidentFromWechat(openid));
    return this.issue(user);
  }

  /** `clientIp`: the request's client address (req.ip), for the per-account throttle. */
  async loginWithPassword(username: string, password: string, clientIp: string): Promise<LoginResponse> {
    // Throttled before any lookup, so unknown and existing usernames are throttled alike.
    const user = await this.throttle.attempt(username, clientIp, async () => {
      const found = await this.users.findByUsername(username);
      const ok = await verify(found?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
      if (!found || !found.passwordHash || !ok || !found.active) {
        await this.throttle.failed(username, clientIp);
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
      }
      await this.throttle.succeeded(username, clientIp);
      return found;
    });
    return this.issue(user);
  }

  async me(actor: Actor) {
    const user = await this.users.findById(actor.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'user is gone');
    return this.users.toView(user);
  }

  /** A token for the user's current token version (`ver`), and their view. */
  async issue(user: User): Promise<LoginResponse> {
    if (user.isDemo && this.config.mode === 'production') {
      throw new AppError('DEMO_LOGIN_DISABLED', 'demo accounts are refused in production mode');
    }
    if (!user.active) throw new AppError('INVALID_CREDENTIALS', 'account is disabled');
    if (!(await this.users.companyActive(user.companyId)))
      throw new AppError('INVALID_CREDENTIALS', "the account's company is deactivated");
    const payload: TokenPayload = { sub: user.id, role: user.role as Role, ver: user.tokenVersion };
    const token = await this.jwt.signAsync(payload);
    return { token, user: await this.users.toView(user) };
  }

  private mapWechatError(e: unknown): AppError {
    if (!(e instanceof WechatApiError)) {
      this.logger.error(`WeChat login failed: ${e instanceof Error ? e.message : String(e)}`);
      return new AppError('WECHAT_UNAVAILABLE', 'WeChat login is unavailable');
    }
    switch (e.kind) {
      case 'invalid_code':
        return new AppError('WECHAT_CODE_INVALID', 'the WeChat login code is invalid or used');
      case 'rate_limited':
        return new AppError('WECHAT_RATE_LIMITED', 'WeChat login rate limit reached');
      case 'blocked':
        return new AppError('WECHAT_USER_BLOCKED', 'WeChat reports this user as high-risk');
      case 'busy':
      case 'config':
      case 'invalid':
      case 'refused':
      case 'unavailable':
        this.logger.warn(`WeChat code2Session error ${e.errcode ?? ''} (${e.kind})`);
        return new AppError('WECHAT_UNAVAILABLE', 'WeChat login is unavailable, retry later');
    }
  }
}
