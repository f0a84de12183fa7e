import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import StaffOrderPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { order, staffLoggedIn } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap, typeInto } from '../../../../test/ui';

const DETAIL = '/api/work-orders/241';
const TRANSITIONS = '/api/work-orders/241/transitions';

const prices = [
  { id: 1, communityId: 1, category: 'plumbing', kind: 'material', name: '角阀', unit: '个', priceFen: 3500 },
  { id: 2, communityId: null, category: 'plumbing', kind: 'labour', name: '更换水管', unit: '次', priceFen: 5000 },
];

function orderApi(o = order()): FakeApi {
  return new FakeApi().install().on('GET', DETAIL, { body: o });
}
const sent = (api: FakeApi) => api.callsTo('POST', TRANSITIONS).map((c) => c.body);

describe('工单处理 (staff order)', () => {
  beforeEach(() => {
    staffLoggedIn();
    stubNavigation();
    setRouter('/subpackages/staff/order/index', { id: '241' });
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows details and timeline, and accepts with the version it saw', async () => {
    const api = orderApi(order({ actions: ['accept', 'decline'] })).on('POST', TRANSITIONS, {
      body: order({ status: 'accepted', version: 4, actions: ['depart', 'pause'] }),
    });
    render(<StaffOrderPage />);
    expect(await screen.findByText('海月花园 1栋1单元101')).toBeInTheDocument();
    expect(screen.getByText('提交报修')).toBeInTheDocument();
    expect(screen.getByText('厨房水槽下面漏水')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '接单' }));
    expect(await screen.findByRole('button', { name: '出发' })).toBeInTheDocument();
    expect(sent(api)).toEqual([{ action: 'accept', version: 3 }]);
    expect(screen.getByText('已接单')).toBeInTheDocument();
  });

  it('declines only with a reason', async () => {
    const api = orderApi(order({ actions: ['accept', 'decline'] })).on('POST', TRANSITIONS, {
      body: order({ status: 'submitted', version: 4, actions: [] }),
    });
    render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '拒单' }));
    const sheet = screen.getByRole('dialog', { name: '为什么拒单？' });
    const confirm = within(sheet).getByRole('button', { name: '确认拒单' });
    tap(confirm);
    expect(confirm).toHaveAttribute('aria-disabled', 'true');
    expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(0);
    tap(within(sheet).getByRole('radio', { name: '手头工单太多' }));
    tap(confirm);
    await waitFor(() => expect(sent(api)).toEqual([{ action: 'decline', version: 3, reason: '手头工单太多' }]));
  });

  it('pauses with a chosen reason and resumes', async () => {
    const api = orderApi(order({ status: 'in_progress', actions: ['pause', 'quote', 'complete'] }))
      // Newest route first: the pause answer is added last.
      .once('POST', TRANSITIONS, { body: order({ status: 'in_progress', version: 5, actions: ['pause'] }) })
      .once('POST', TRANSITIONS, { body: order({ status: 'paused', version: 4, actions: ['resume'] }) });
    render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '暂停' }));
    const sheet = screen.getByRole('dialog', { name: '暂停原因' });
    tap(within(sheet).getByRole('radio', { name: '住户不在家' }));
    tap(within(sheet).getByRole('button', { name: '确认暂停' }));
    tap(await screen.findByRole('button', { name: '继续' }));
    await waitFor(() =>
      expect(sent(api)).toEqual([
        { action: 'pause', version: 3, pauseReason: 'resident_not_home' },
        { action: 'resume', version: 4 },
      ]),
    );
  });

  it('needs a note when the pause reason is 其他', async () => {
    const api = orderApi(order({ status: 'in_progress', actions: ['pause'] })).on('POST', TRANSITIONS, {
      body: order({ status: 'paused', version: 4, actions: ['resume'] }),
    });
    const { container } = render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '暂停' }));
    const sheet = screen.getByRole('dialog', { name: '暂停原因' });
    tap(within(sheet).getByRole('radio', { name: '其他' }));
    tap(within(sheet).getByRole('button', { name: '确认暂停' }));
    expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(0);
    await typeInto(container.querySelector('taro-textarea-core')!, '等物业开水阀');
    tap(within(sheet).getByRole('button', { name: '确认暂停' }));
    await waitFor(() =>
      expect(sent(api)).toEqual([{ action: 'pause', version: 3, pauseReason: 'other', note: '等物业开水阀' }]),
    );
  });

  it('quotes from the price list plus a free labour line, with the exact body and total', async () => {
    const api = orderApi(order({ status: 'in_progress', actions: ['pause', 'quote', 'complete'] }))
      .on('GET', '/api/price-list', { body: prices })
      .on('POST', TRANSITIONS, { body: order({ status: 'quoted', version: 4, actions: [] }) });
    render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '报价' }));
    const sheet = screen.getByRole('dialog', { name: '报价' });
    tap(await within(sheet).findByRole('button', { name: '添加 角阀' }));
    tap(within(sheet).getByRole('button', { name: '添加 角阀' }));
    tap(within(sheet).getByRole('button', { name: '添加 更换水管' }));
    tap(within(sheet).getByRole('button', { name: '增加 更换水管' }));
    tap(within(sheet).getByRole('button', { name: '减少 更换水管' }));
    const [name, price] = Array.from(sheet.querySelectorAll('taro-input-core'));
    await typeInto(name, '高空作业费');
    await typeInto(price, '20.5');
    tap(within(sheet).getByRole('button', { name: '添加人工' }));
    // 2 × 35 + 1 × 50 + 20.50 = 140.50
    expect(within(sheet).getByTestId('quote-total')).toHaveTextContent('¥140.50');
    expect(within(sheet).getAllByTestId('quote-line')).toHaveLength(3);
    expect(api.callsTo('GET', '/api/price-list')[0].query).toEqual({ communityId: '1' });

    tap(within(sheet).getByRole('button', { name: '提交报价' }));
    await waitFor(() =>
      expect(sent(api)).toEqual([
        {
          action: 'quote',
          version: 3,
          quoteItems: [
            { kind: 'material', name: '角阀', quantity: 2, unitPriceFen: 3500 },
            { kind: 'labour', name: '更换水管', quantity: 1, unitPriceFen: 5000 },
            { kind: 'labour', name: '高空作业费', quantity: 1, unitPriceFen: 2050 },
          ],
        },
      ]),
    );
  });

  it('completes with the after photos and a note, sending photoIds', async () => {
    jest
      .spyOn(Taro, 'chooseImage')
      .mockResolvedValue({ tempFilePaths: ['blob:a', 'blob:b'], tempFiles: [], errMsg: 'ok' } as never);
    let next = 501;
    const api = orderApi(order({ status: 'in_progress', actions: ['pause', 'quote', 'complete'] }))
      .on('POST', '/api/uploads', () => ({ status: 201, body: { id: next++, url: '/u/x' } }))
      .on('POST', TRANSITIONS, { body: order({ status: 'completed', version: 4, actions: [] }) });
    const { container } = render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '完工' }));
    const sheet = screen.getByRole('dialog', { name: '完工' });
    tap(within(sheet).getByRole('button', { name: '确认完工' }));
    expect(await within(sheet).findByRole('alert')).toHaveTextContent('请至少拍一张完工照片');
    expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(0);

    tap(within(sheet).getByRole('button', { name: '添加照片' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/uploads')).toHaveLength(2));
    await waitFor(() => expect(within(sheet).queryByText('上传中')).not.toBeInTheDocument());
    await typeInto(container.querySelector('taro-textarea-core')!, '更换了角阀');
    tap(within(sheet).getByRole('button', { name: '确认完工' }));
    await waitFor(() =>
      expect(sent(api)).toEqual([{ action: 'complete', version: 3, photoIds: [501, 502], note: '更换了角阀' }]),
    );
  });

  it('on 409 reloads the order and says so', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', DETAIL, { body: order({ status: 'cancelled', version: 5, actions: [] }) })
      .once('GET', DETAIL, { body: order({ actions: ['accept', 'decline'] }) })
      .on('POST', TRANSITIONS, apiError(409, 'VERSION_CONFLICT'));
    render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '接单' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('工单已被他人更新，已刷新为最新状态');
    expect(await screen.findByText('已取消')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '接单' })).not.toBeInTheDocument();
    expect(api.callsTo('GET', DETAIL)).toHaveLength(2);
  });

  it('transfers to a colleague of the same community with a reason, then leaves the order', async () => {
    const back = jest.spyOn(Taro, 'navigateBack');
    const api = orderApi(order({ status: 'accepted', actions: ['transfer', 'depart', 'arrive'] }))
      .on('GET', '/api/staff/me/colleagues', {
        body: [
          { id: 8, name: '钱师傅', communityIds: [1], openOrders: 2, capacity: 6, onShift: true, onLeave: false },
          { id: 9, name: '孙师傅', communityIds: [1], openOrders: 0, capacity: 6, onShift: true, onLeave: true },
          { id: 10, name: '李师傅', communityIds: [2], openOrders: 0, capacity: 6, onShift: true, onLeave: false },
        ],
      })
      .on('POST', TRANSITIONS, {
        body: order({ status: 'assigned', version: 4, actions: [], assignee: { id: 8, name: '钱师傅', phone: null } }),
      });
    render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '转单' }));
    const sheet = screen.getByRole('dialog', { name: '转单' });
    // Only colleagues serving the order's community; their load or leave is shown.
    expect(await within(sheet).findByRole('radio', { name: '钱师傅' })).toHaveTextContent('在办 2/6');
    expect(within(sheet).getByRole('radio', { name: '孙师傅' })).toHaveTextContent('请假中');
    expect(within(sheet).queryByRole('radio', { name: '李师傅' })).not.toBeInTheDocument();
    const confirm = within(sheet).getByRole('button', { name: '确认转单' });
    tap(within(sheet).getByRole('radio', { name: '钱师傅' }));
    expect(confirm).toHaveAttribute('aria-disabled', 'true');
    tap(within(sheet).getByRole('radio', { name: '需要同事协助' }));
    tap(confirm);
    await waitFor(() =>
      expect(sent(api)).toEqual([{ action: 'transfer', version: 3, assigneeId: 8, reason: '需要同事协助' }]),
    );
    await waitFor(() => expect(back).toHaveBeenCalled());
  });

  it('completes a complaint with a written answer; photos are optional there', async () => {
    const api = orderApi(
      order({ kind: 'complaint', category: 'other', status: 'in_progress', actions: ['pause', 'complete'] }),
    ).on('POST', TRANSITIONS, { body: order({ kind: 'complaint', status: 'completed', version: 4, actions: [] }) });
    const { container } = render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '完工' }));
    const sheet = screen.getByRole('dialog', { name: '完工' });
    expect(within(sheet).getByText('处理完毕')).toBeInTheDocument();
    tap(within(sheet).getByRole('button', { name: '确认完工' }));
    expect(await within(sheet).findByRole('alert')).toHaveTextContent('请填写给住户的处理答复');
    await typeInto(container.querySelector('taro-textarea-core')!, '已与保洁沟通，每天早晚各清运一次');
    tap(within(sheet).getByRole('button', { name: '确认完工' }));
    await waitFor(() =>
      expect(sent(api)).toEqual([
        { action: 'complete', version: 3, photoIds: [], note: '已与保洁沟通，每天早晚各清运一次' },
      ]),
    );
  });
});
