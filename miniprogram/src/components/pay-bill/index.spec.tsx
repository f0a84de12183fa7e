import { render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { PayBill } from './index';
import { apiError, FakeApi } from '../../../test/fake-api';
import { loggedIn } from '../../../test/fixtures';
import { stubNavigation, tap } from '../../../test/ui';

const START = '/api/work-orders/241/payments/wechat';
const RECEIPT = '/api/work-orders/241/receipt';
const params = {
  appId: 'wxlinlitest',
  timeStamp: '1796400000',
  nonceStr: 'N0NCE',
  package: 'prepay_id=wx123',
  signType: 'RSA',
  paySign: 'c2lnbg==',
};
const receipt = (billStatus: string) => ({
  orderId: 241,
  orderNo: 'HY-1',
  communityName: '海月花园',
  companyName: '海月物业',
  billStatus,
  totalFen: 5000,
  paidFen: billStatus === 'paid' ? 5000 : 0,
  lines: [],
  payments: [],
  refunds: [],
  netFen: billStatus === 'paid' ? 5000 : 0,
});

describe('去支付', () => {
  let requestPayment: jest.Mock;
  beforeEach(() => {
    loggedIn();
    requestPayment = jest.fn();
    Object.assign(Taro, { requestPayment });
  });
  afterEach(() => jest.restoreAllMocks());

  it('hands the signed parameters to requestPayment, then waits for the bill to read paid and opens the receipt', async () => {
    const urls = stubNavigation();
    requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' });
    const api = new FakeApi()
      .install()
      .on('POST', START, { status: 201, body: { paymentId: 1, amountFen: 5000, params, cashierUrl: null } })
      // Newest route first: the first read still says unpaid (the notification is on its way).
      .on('GET', RECEIPT, { status: 200, body: receipt('paid') })
      .once('GET', RECEIPT, { status: 200, body: receipt('unpaid') });
    const onPaid = jest.fn();
    render(<PayBill orderId={241} dueFen={5000} onPaid={onPaid} />);
    tap(screen.getByRole('button', { name: '去支付 ¥50.00' }));
    await waitFor(() => expect(onPaid).toHaveBeenCalled(), { timeout: 4000 });
    expect(requestPayment).toHaveBeenCalledWith(
      expect.objectContaining({ package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2lnbg==' }),
    );
    // requestPayment's success alone is not proof: the receipt was read until it said paid.
    expect(api.callsTo('GET', RECEIPT).length).toBeGreaterThanOrEqual(2);
    expect(urls).toEqual(['/subpackages/orders/receipt/index?id=241']);
  });

  it('says so when the payer cancels, and shows the server refusal in words', async () => {
    stubNavigation();
    requestPayment.mockRejectedValue({ errMsg: 'requestPayment:fail cancel' });
    new FakeApi()
      .install()
      // Newest route first: the first tap gets the parameters, the second the refusal.
      .once('POST', START, apiError(409, 'BILL_NOT_PAYABLE'))
      .once('POST', START, { status: 201, body: { paymentId: 1, amountFen: 5000, params, cashierUrl: null } });
    render(<PayBill orderId={241} dueFen={5000} onPaid={jest.fn()} />);
    tap(screen.getByRole('button', { name: '去支付 ¥50.00' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('已取消支付');
    tap(screen.getByRole('button', { name: '去支付 ¥50.00' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('账单已结清或无需支付'));
  });
});
