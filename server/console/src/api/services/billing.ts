import type { FeeSettingView, OrderBillView } from '@linli/shared';
import type { ApiClient } from '../client';

/** Fees (docs/fees.md): waive an order's unpaid bill, a community's quote ceiling. */
export function billingService(client: ApiClient) {
  return {
    waive: (orderId: number, reason: string, version?: number) =>
      client.post<OrderBillView>(`/work-orders/${orderId}/bill/waive`, { reason, version }),
    feeSettings: (communityId: number) => client.get<FeeSettingView>(`/fee-settings/${communityId}`),
    setFeeSettings: (communityId: number, quoteCeilingFen: number | null) =>
      client.put<FeeSettingView>(`/fee-settings/${communityId}`, { quoteCeilingFen }),
  };
}
