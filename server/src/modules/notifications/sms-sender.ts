import { Injectable, Logger } from '@nestjs/common';
import { maskPhone } from '@linli/shared';

/** What an order notice says, for a templated provider (title and body of the notification). */
export interface SmsNotice {
  title: string;
  body: string;
  companyId: number | null;
}

/**
 * Where notification SMS go: the log (`log`), or the SMS queue of modules/sms (`aliyun`), which
 * sends them through the provider's order template with its own retries (docs/sms.md).
 */
export interface SmsSender {
  send(phone: string, text: string, notice?: SmsNotice): Promise<void>;
}

export const SMS_SENDER = Symbol('SMS_SENDER');

/** Demo and development: the message goes to the log, the phone number masked. */
@Injectable()
export class LoggingSmsSender implements SmsSender {
  private readonly logger = new Logger('Sms');

  send(phone: string, text: string): Promise<void> {
    this.logger.log(`SMS to ${maskPhone(phone) ?? '(no phone)'}: ${text}`);
    return Promise.resolve();
  }
}

/** LINLI_SMS=off: no SMS delivery is ever created, so reaching this is a bug. */
export class DisabledSmsSender implements SmsSender {
  send(): Promise<void> {
    return Promise.reject(new Error('SMS is off (LINLI_SMS=off)'));
  }
}
