import type { SmsMessagePage, SmsMessageView } from '@linli/shared';
import type { ApiClient } from '../client';

export interface SmsMessageQuery {
  status?: SmsMessageView['status'];
  page: number;
  pageSize: number;
}

/** The company's SMS record (GET /api/sms/messages, admins). */
export function smsService(client: ApiClient) {
  return {
    messages: (q: SmsMessageQuery) => client.get<SmsMessagePage>('/sms/messages', { ...q }),
  };
}
