import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import FollowUpsPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { stubNavigation, tap, typeInto } from '../../../../test/ui';
import { desk, signIn } from '../test-users';

const followUp = (over = {}) => ({
  id: 31,
  workOrderId: 241,
  orderNo: 'HY-20261127-0002',
  orderKind: 'repair',
  category: 'plumbing',
  communityId: 1,
  location: '海月花园 1栋1单元101',
  reporter: { id: 10, name: '徐敏', phone: '13910007919' },
  assignee: { id: 7, name: '赵师傅', phone: '13700000104' },
  ratingStars: 2,
  reason: 'low_rating',
  status: 'open',
  dueAt: new Date(Date.now() - 3600000).toISOString(),
  overdue: true,
  createdAt: '2026-11-26T02:00:00.000Z',
  channel: null,
  reached: null,
  outcome: null,
  stars: null,
  fixed: null,
  doneBy: null,
  doneAt: null,
  ...over,
});
const page = (items: unknown[]) => ({ items, total: items.length, page: 1, pageSize: 50 });
const COMPLETE = '/api/follow-ups/31/complete';

describe('回访 (follow-ups)', () => {
  beforeEach(() => {
    signIn(desk);
    stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists the call with its reason and deadline; calls the resident; records the answer and rating', async () => {
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'ok' } as never);
    const api = new FakeApi()
      .install()
      .on('GET', '/api/follow-ups', { body: page([followUp()]) })
      .on('POST', COMPLETE, { body: followUp({ status: 'done' }) });
    const { container } = render(<FollowUpsPage />);
    const item = await screen.findByTestId('follow-up');
    expect(within(item).getByText('差评')).toBeInTheDocument();
    expect(within(item).getByText('已超时')).toBeInTheDocument();
    expect(item).toHaveTextContent('住户评价 2 星');
    tap(within(item).getByRole('button', { name: '打电话 徐敏' }));
    expect(call).toHaveBeenCalledWith({ phoneNumber: '13910007919' });

    tap(within(item).getByRole('button', { name: '记录回访 HY-20261127-0002' }));
    const sheet = screen.getByRole('dialog', { name: '记录回访' });
    tap(within(sheet).getByRole('button', { name: '保存回访' }));
    expect(within(sheet).getByRole('alert')).toHaveTextContent('请选择是否联系上住户');
    tap(within(sheet).getByRole('radio', { name: '联系上了' }));
    tap(within(sheet).getByRole('button', { name: '保存回访' }));
    expect(within(sheet).getByRole('alert')).toHaveTextContent('请记录住户的评分');
    tap(within(sheet).getByRole('radio', { name: '住户评分 4 星' }));
    tap(within(sheet).getByRole('radio', { name: '修好了' }));
    await typeInto(container.querySelector('.sheet taro-textarea-core')!, '师傅重新上门后不漏了');
    tap(within(sheet).getByRole('button', { name: '保存回访' }));
    await waitFor(() =>
      expect(api.callsTo('POST', COMPLETE).map((c) => c.body)).toEqual([
        { channel: 'phone', reached: true, outcome: '师傅重新上门后不漏了', stars: 4, fixed: true },
      ]),
    );
    await waitFor(() => expect(api.callsTo('GET', '/api/follow-ups')).toHaveLength(2));
  });

  it('records an unreached call without a rating; a colleague who was faster gets a clear notice', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/follow-ups', { body: page([followUp()]) })
      .on('POST', COMPLETE, apiError(409, 'TRANSITION_NOT_ALLOWED'));
    const { container } = render(<FollowUpsPage />);
    tap(await screen.findByRole('button', { name: '记录回访 HY-20261127-0002' }));
    const sheet = screen.getByRole('dialog', { name: '记录回访' });
    tap(within(sheet).getByRole('radio', { name: '微信' }));
    tap(within(sheet).getByRole('radio', { name: '没联系上' }));
    expect(within(sheet).queryByRole('radiogroup', { name: '住户评分' })).not.toBeInTheDocument();
    await typeInto(container.querySelector('.sheet taro-textarea-core')!, '无人接听');
    tap(within(sheet).getByRole('button', { name: '保存回访' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('这条回访已被同事记录');
    expect(api.callsTo('POST', COMPLETE)[0].body).toEqual({ channel: 'wechat', reached: false, outcome: '无人接听' });
  });

  it("shows the resident's rating comment on the card", async () => {
    new FakeApi().install().on('GET', '/api/follow-ups', {
      body: page([followUp({ ratingComment: '师傅来得太晚，水还在滴', ratingTags: ['没修好'] })]),
    });
    render(<FollowUpsPage />);
    const item = await screen.findByTestId('follow-up');
    expect(within(item).getByTestId('rating-comment')).toHaveTextContent('住户评价：没修好；师傅来得太晚，水还在滴');
  });
});
