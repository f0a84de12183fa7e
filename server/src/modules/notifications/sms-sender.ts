import { Injectable, Logger } from '@nestjs/common';
import { maskPhone } from '@linli/shared';

/** An SMS gateway. A real one (Aliyun, Tencent Cloud) plugs in behind this interface. */
export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
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
