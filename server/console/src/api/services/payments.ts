import type {
  FeeTotalsRow,
  LedgerRowView,
  OfflineMethod,
  PaymentView,
  RefundView,
  UnpaidBillView,
} from '@linli/shared';
import type { ApiClient } from '../client';

/** Payments, refunds and reconciliation (docs/payments.md). */
export function paymentsService(client: ApiClient) {
  return {
    list: (status?: PaymentView['status']) => client.get<PaymentView[]>('/payments', { status }),
    refunds: () => client.get<RefundView[]>('/payments/refunds'),
    unpaidBills: () => client.get<UnpaidBillView[]>('/payments/unpaid-bills'),
    totals: (from: string, to: string) => client.get<FeeTotalsRow[]>('/payments/totals', { from, to }),
    ledger: (date: string) => client.get<LedgerRowView[]>('/payments/reconciliation', { date, format: 'json' }),
    reconciliation: (date: string, format: 'csv' | 'xlsx') =>
      client.download('/payments/reconciliation', { date, format }),
    refund: (paymentId: number, amountFen: number, reason: string) =>
      client.post<RefundView>(`/payments/${paymentId}/refunds`, { amountFen, reason }),
    recordOffline: (orderId: number, method: OfflineMethod, amountFen: number, reference?: string) =>
      client.post<PaymentView>(`/work-orders/${orderId}/payments/offline`, { method, amountFen, reference }),
  };
}
