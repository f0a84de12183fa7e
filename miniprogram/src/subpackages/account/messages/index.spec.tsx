import { render, screen, waitFor } from '@testing-library/react';
import MessagesPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { loggedIn } from '../../../../test/fixtures';
import { stubNavigation, tap } from '../../../../test/ui';

const note = (id: number, read: boolean, workOrderId: number | null = 241) => ({
  id,
  type: 'order.accept',
  title: id === 1 ? '师傅已接单' : '维修已完成，请确认并评价',
  body: '工单 HY-20261127-0002 水管漏水 海月花园 1栋1单元101，赵师傅',
  workOrderId,
  read,
  createdAt: '2026-11-27T08:00:00.000Z',
});

describe('消息', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists messages, marks one read on tap and opens its order', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/me/notifications', {
        body: { items: [note(1, false), note(2, true)], total: 2, unread: 1, page: 1, pageSize: 20 },
      })
      .on('POST', '/api/me/notifications/1/read', { body: { ...note(1, true) } });
    render(<MessagesPage />);
    expect(await screen.findByText('1 条未读')).toBeInTheDocument();
    tap(screen.getByText('师傅已接单'));
    await waitFor(() => expect(api.callsTo('POST', '/api/me/notifications/1/read')).toHaveLength(1));
    expect(urls).toEqual(['/subpackages/orders/detail/index?id=241']);
    expect(screen.queryByText('1 条未读')).not.toBeInTheDocument();
  });

  it("opens the resident's open survey from a survey message", async () => {
    const survey = {
      ...note(3, true, null),
      type: 'survey.open',
      title: '满意度调查开始了',
      body: '海月花园 2026 年第四季度满意度调查',
    };
    new FakeApi()
      .install()
      .on('GET', '/api/me/notifications', { body: { items: [survey], total: 1, unread: 0, page: 1, pageSize: 20 } });
    render(<MessagesPage />);
    tap(await screen.findByText('满意度调查开始了'));
    expect(urls).toEqual(['/subpackages/account/survey/index']);
  });

  it('marks everything read', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/me/notifications', {
        body: { items: [note(1, false), note(2, false)], total: 2, unread: 2, page: 1, pageSize: 20 },
      })
      .on('POST', '/api/me/notifications/read-all', { body: { updated: 2 } });
    render(<MessagesPage />);
    tap(await screen.findByRole('button', { name: '全部已读' }));
    await waitFor(() => expect(screen.queryByText('2 条未读')).not.toBeInTheDocument());
    expect(api.callsTo('POST', '/api/me/notifications/read-all')).toHaveLength(1);
  });

  it('says when there is nothing', async () => {
    new FakeApi()
      .install()
      .on('GET', '/api/me/notifications', { body: { items: [], total: 0, unread: 0, page: 1, pageSize: 20 } });
    render(<MessagesPage />);
    expect(await screen.findByText('暂无消息')).toBeInTheDocument();
  });
});
