import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { normalizePhone, type PhoneProof } from '@linli/shared';
import { AppError } from '../../common/app-error.js';
import { WECHAT_CLIENT } from '../auth/auth.service.js';
import { SmsCodesService } from '../sms/sms-codes.service.js';
import { WechatApiError, type WechatApiClient } from '../../wechat/wechat-api.client.js';
import type { PhoneProofDto } from './bindings.dto.js';

export interface ProvenPhone {
  /** Mainland digits, normalised (normalizePhone). */
  phone: string;
  proof: Exclude<PhoneProof, 'invite'>;
}

/**
 * Turns a phone proof into a phone number the resident is known to hold (docs/households.md):
 * WeChat's phone-number button (getuserphonenumber with our access token) or an SMS code
 * (SmsCodesService, purpose bind). Never a typed phone alone.
 */
@Injectable()
export class PhoneProofService {
  private readonly log = new Logger('PhoneProof');

  constructor(
    @Inject(WECHAT_CLIENT) private readonly wechat: WechatApiClient,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  async prove(dto: PhoneProofDto): Promise<ProvenPhone> {
    if (dto.phoneCode) return { phone: await this.fromWechat(dto.phoneCode), proof: 'wechat' };
    if (dto.phone && dto.smsCode) return { phone: await this.fromSms(dto.phone, dto.smsCode), proof: 'sms' };
    throw new AppError(
      'PHONE_PROOF_REQUIRED',
      "prove the phone: phoneCode from WeChat's phone-number button, or phone and smsCode",
      [{ field: 'phoneCode', problems: ['phoneCode, or phone with smsCode, is required'] }],
    );
  }

  private async fromWechat(code: string): Promise<string> {
    try {
      const info = await this.wechat.getPhoneNumber(code);
      if (info.countryCode && info.countryCode !== '86') {
        throw new AppError('VALIDATION_FAILED', 'only mainland mobile numbers can bind a house', [
          { field: 'phoneCode', problems: ['the WeChat phone number is not a mainland mobile number'] },
        ]);
      }
      const phone = normalizePhone(info.purePhoneNumber);
      if (!/^1\d{10}$/.test(phone)) {
        throw new AppError('VALIDATION_FAILED', 'only mainland mobile numbers can bind a house', [
          { field: 'phoneCode', problems: ['the WeChat phone number is not a mainland mobile number'] },
        ]);
      }
      return phone;
    } catch (e) {
      if (!(e instanceof WechatApiError)) throw e;
      switch (e.kind) {
        case 'invalid_code':
          throw new AppError('PHONE_CODE_INVALID', 'the phone code is wrong, expired or used: ask again');
        case 'rate_limited':
          throw new AppError('WECHAT_RATE_LIMITED', 'WeChat is limiting phone-number calls');
        case 'blocked':
        case 'busy':
        case 'config':
        case 'invalid':
        case 'refused':
        case 'unavailable':
          this.log.warn(`getPhoneNumber failed: ${e.kind} (${e.errcode ?? 'no errcode'})`);
          throw new AppError('WECHAT_UNAVAILABLE', 'WeChat could not confirm the phone number');
      }
    }
  }

  private async fromSms(phone: string, code: string): Promise<string> {
    const normalized = normalizePhone(phone);
    let sms: SmsCodesService;
    try {
      sms = this.moduleRef.get(SmsCodesService, { strict: false });
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'SMS codes are not available on this server');
    }
    if (!(await sms.verify(normalized, 'bind', code))) {
      throw new AppError('SMS_CODE_INVALID', 'the SMS code is wrong or expired');
    }
    return normalized;
  }
}
