import { render, screen } from '@testing-library/react';
import ReceiptPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { loggedIn } from '../../../../test/fixtures';
import { setRouter } from '../../../../test/ui';

describe('电子收据', () => {
  beforeEach(() => loggedIn());

  it('shows the lines, how it was paid, the refund and what was paid in the end', async () => {
    setRouter('/subpackages/orders/receipt/index', { id: '241' });
    new FakeApi().install().on('GET', '/api/work-orders/241/receipt', {
      status: 200,
      body: {
        orderId: 241,
        orderNo: 'HY-20261127-0002',
        communityName: '海月花园',
        companyName: '海月物业',
        billStatus: 'paid',
        totalFen: 12000,
        paidFen: 12000,
        lines: [{ name: '更换阀门', unit: '个', unitPriceFen: 12000, quantity: 1, amountFen: 12000 }],
        payments: [
          {
            id: 1,
            orderId: 241,
            orderNo: 'HY-20261127-0002',
            communityId: 1,
            communityName: '海月花园',
            method: 'wechat',
            status: 'paid',
            amountFen: 12000,
            refundedFen: 2000,
            outTradeNo: 'LP1',
            transactionId: '4200000001',
            reference: null,
            paidAt: '2026-11-27T09:00:00.000Z',
            createdAt: '2026-11-27T09:00:00.000Z',
          },
        ],
        refunds: [
          {
            id: 1,
            paymentId: 1,
            orderId: 241,
            orderNo: 'HY-20261127-0002',
            communityName: '海月花园',
            amountFen: 2000,
            status: 'success',
            reason: '少用一个配件',
            outRefundNo: 'LR1',
            createdAt: '2026-11-27T10:00:00.000Z',
            succeededAt: '2026-11-27T10:00:00.000Z',
          },
        ],
        netFen: 10000,
      },
    });
    render(<ReceiptPage />);
    expect(await screen.findByTestId('receipt-order')).toHaveTextContent('HY-20261127-0002');
    expect(screen.getByTestId('receipt-total')).toHaveTextContent('¥120.00');
    expect(screen.getByTestId('receipt-payment')).toHaveTextContent('微信支付');
    expect(screen.getByTestId('receipt-payment')).toHaveTextContent('4200000001');
    expect(screen.getByTestId('receipt-refund')).toHaveTextContent('-¥20.00');
    expect(screen.getByTestId('receipt-net')).toHaveTextContent('¥100.00');
  });
});
