import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import StaffOrderPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { order, staffLoggedIn } from '../../../../test/fixtures';
import { storage } from '../../../services/storage';
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

  it('quotes from the price list plus a line off the list with its reason, with the exact body and total', async () => {
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
    const [name, price, , reason] = Array.from(sheet.querySelectorAll('taro-input-core'));
    await typeInto(name, '高空作业费');
    await typeInto(price, '20.5');
    tap(within(sheet).getByRole('button', { name: '添加项目' }));
    // Off the list without a reason: refused before anything is sent.
    expect(within(sheet).getByText('收费标准外的项目需要填写原因（住户可见）')).toBeInTheDocument();
    await typeInto(reason, '外墙管道需吊绳');
    tap(within(sheet).getByRole('button', { name: '添加项目' }));
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
            { priceItemId: 1, quantity: 2 },
            { priceItemId: 2, quantity: 1 },
            {
              kind: 'labour',
              name: '高空作业费',
              unit: '项',
              unitPriceFen: 2050,
              quantity: 1,
              reason: '外墙管道需吊绳',
            },
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

  it('shows the resident photos and the completion photos as thumbnails that open the preview', async () => {
    const preview = jest.spyOn(Taro, 'previewImage').mockResolvedValue({ errMsg: 'ok' } as never);
    const o = order({
      status: 'completed',
      actions: [],
      photoIds: [31, 32],
      photos: [
        { id: 31, url: '/api/uploads/31/content?sig=a' },
        { id: 32, url: '/api/uploads/32/content?sig=b' },
      ],
    });
    o.timeline.push({
      id: 9,
      action: 'complete',
      from: 'in_progress',
      to: 'completed',
      actor: { id: 7, role: 'technician', name: '赵师傅' },
      note: '更换了角阀',
      photoIds: [41],
      photos: [{ id: 41, url: '/api/uploads/41/content?sig=c' }],
      at: '2026-11-27T09:00:00.000Z',
    });
    orderApi(o);
    render(<StaffOrderPage />);
    const second = await screen.findByRole('button', { name: '住户照片 2' });
    expect(second.querySelector('[src]')).toHaveAttribute('src', '/api/uploads/32/content?sig=b');
    tap(second);
    expect(preview).toHaveBeenCalledWith({
      urls: ['/api/uploads/31/content?sig=a', '/api/uploads/32/content?sig=b'],
      current: '/api/uploads/32/content?sig=b',
    });
    tap(screen.getByRole('button', { name: '完工照片 1' }));
    expect(preview).toHaveBeenLastCalledWith({
      urls: ['/api/uploads/41/content?sig=c'],
      current: '/api/uploads/41/content?sig=c',
    });
  });

  it('says 加急 once', async () => {
    orderApi(order({ priority: 'P2' }));
    render(<StaffOrderPage />);
    await screen.findByText('海月花园 1栋1单元101');
    expect(screen.getAllByText('加急')).toHaveLength(1);
  });

  it("lists the order's category in the quote sheet, the others behind 其他类别, with a whole placeholder", async () => {
    orderApi(order({ status: 'in_progress', actions: ['quote'] })).on('GET', '/api/price-list', {
      body: [
        ...prices,
        {
          id: 3,
          communityId: 1,
          category: 'electrical',
          kind: 'material',
          name: '空气开关',
          unit: '个',
          priceFen: 4500,
        },
      ],
    });
    render(<StaffOrderPage />);
    tap(await screen.findByRole('button', { name: '报价' }));
    const sheet = screen.getByRole('dialog', { name: '报价' });
    expect(await within(sheet).findByRole('button', { name: '添加 角阀' })).toBeInTheDocument();
    expect(within(sheet).queryByRole('button', { name: '添加 空气开关' })).not.toBeInTheDocument();
    tap(within(sheet).getByRole('button', { name: '其他类别（全部 1 项）' }));
    expect(within(sheet).getByRole('button', { name: '添加 空气开关' })).toBeInTheDocument();
    // The amount sits on its own row with the add button, never squeezed beside the name.
    const price = within(sheet).getByLabelText('人工金额');
    expect(price).toHaveAttribute('placeholder', '单价（元）');
    expect(price).toHaveClass('staff-labour-price');
  });

  it('folds urges into one line with the count and says who handed the order to whom', async () => {
    const o = order();
    o.timeline.push(
      {
        id: 3,
        action: 'assign',
        from: 'assigned',
        to: 'assigned',
        actor: { id: 20, role: 'supervisor', name: '周主管' },
        note: '原师傅请假',
        photoIds: [],
        photos: [],
        at: '2026-11-27T08:00:00.000Z',
        handover: { from: { id: 8, name: '张师傅' }, to: { id: 7, name: '赵师傅' } },
      },
      {
        id: 4,
        action: 'urge',
        from: 'assigned',
        to: 'assigned',
        actor: { id: 10, role: 'resident', name: '徐敏' },
        note: null,
        photoIds: [],
        photos: [],
        at: '2026-11-27T09:00:00.000Z',
        count: 3,
      },
    );
    orderApi(o);
    render(<StaffOrderPage />);
    expect(await screen.findByText('催单 3次')).toBeInTheDocument();
    expect(screen.getByText('改派')).toBeInTheDocument();
    expect(screen.getByText('由 张师傅 改派给 赵师傅（原师傅请假）')).toBeInTheDocument();
  });

  it('shows the visit window in Chinese and never offers a complaint to the technician it is about', async () => {
    const start = new Date();
    start.setUTCHours(6, 0, 0, 0); // 14:00 China time, today
    orderApi(
      order({
        kind: 'complaint',
        status: 'accepted',
        actions: ['transfer'],
        preferredTime: null,
        visitWindow: { from: start.toISOString(), to: new Date(start.getTime() + 4 * 3600000).toISOString() },
        about: { id: 8, name: '钱师傅' },
      }),
    ).on('GET', '/api/staff/me/colleagues', {
      body: [
        { id: 8, name: '钱师傅', communityIds: [1], openOrders: 0, capacity: 6, onShift: true, onLeave: false },
        { id: 9, name: '孙师傅', communityIds: [1], openOrders: 0, capacity: 6, onShift: true, onLeave: false },
      ],
    });
    render(<StaffOrderPage />);
    expect(await screen.findByText(/14:00–18:00/)).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '转单' }));
    const sheet = screen.getByRole('dialog', { name: '转单' });
    expect(await within(sheet).findByRole('radio', { name: '孙师傅' })).toBeInTheDocument();
    expect(within(sheet).queryByRole('radio', { name: '钱师傅' })).not.toBeInTheDocument();
  });

  describe('出发/到达 with the phone position (上报位置)', () => {
    const onTheWay = () =>
      orderApi(order({ status: 'accepted', actions: ['depart'] })).on('POST', TRANSITIONS, {
        body: order({ status: 'on_the_way', version: 4, actions: ['arrive'] }),
      });
    afterEach(() => storage.setShareLocation(false));

    it('sends no position while the technician has not turned it on (the default)', async () => {
      const located = jest.spyOn(Taro, 'getLocation');
      const api = onTheWay();
      render(<StaffOrderPage />);
      tap(await screen.findByRole('button', { name: '出发' }));
      await waitFor(() => expect(sent(api)).toEqual([{ action: 'depart', version: 3 }]));
      expect(located).not.toHaveBeenCalled();
    });

    it('sends the position the phone gives once turned on', async () => {
      storage.setShareLocation(true);
      const located = jest
        .spyOn(Taro, 'getLocation')
        .mockResolvedValue({ latitude: 22.5207, longitude: 113.9311 } as Taro.getLocation.SuccessCallbackResult);
      const api = onTheWay();
      render(<StaffOrderPage />);
      tap(await screen.findByRole('button', { name: '出发' }));
      await waitFor(() =>
        expect(sent(api)).toEqual([{ action: 'depart', version: 3, latitude: 22.5207, longitude: 113.9311 }]),
      );
      expect(located).toHaveBeenCalledWith({ type: 'gcj02' });
    });

    it('still departs, without a position, when the phone refuses', async () => {
      storage.setShareLocation(true);
      jest.spyOn(Taro, 'getLocation').mockRejectedValue(new Error('getLocation:fail auth deny'));
      const api = onTheWay();
      render(<StaffOrderPage />);
      tap(await screen.findByRole('button', { name: '出发' }));
      await waitFor(() => expect(sent(api)).toEqual([{ action: 'depart', version: 3 }]));
    });
  });
});
