import { render, screen, waitFor, within } from '@testing-library/react';
import NoticesPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { stubNavigation, tap, typeInto } from '../../../../test/ui';
import { desk, signIn } from '../test-users';

const notice = {
  id: 4,
  communityId: 1,
  communityName: '海月花园',
  buildingIds: [31],
  buildingNames: ['3栋'],
  kind: 'water',
  title: '3栋停水',
  body: '管道维修',
  startsAt: '2026-12-08T01:00:00.000Z',
  endsAt: '2026-12-08T05:00:00.000Z',
  endedAt: null,
  state: 'current',
  createdAt: '2026-12-08T00:00:00.000Z',
  recipients: 12,
};

function noticesApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/notices', { body: [notice] })
    .on('GET', '/api/communities', { body: [{ id: 1, name: '海月花园', address: '', servicePhone: null }] })
    .on('GET', '/api/communities/1/buildings', {
      body: [
        { id: 31, name: '3栋' },
        { id: 32, name: '4栋' },
      ],
    });
}

describe('小区通知 (staff mode)', () => {
  beforeEach(() => {
    signIn(desk);
    stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('publishes a notice to chosen buildings for a window and lists the current ones', async () => {
    const api = noticesApi().on('POST', '/api/notices', { status: 201, body: { ...notice, id: 5 } });
    const { container } = render(<NoticesPage />);
    const item = await screen.findByTestId('notice-item');
    expect(item).toHaveTextContent('已通知 12 位住户');
    tap(await screen.findByRole('checkbox', { name: '4栋' }));
    tap(screen.getByRole('radio', { name: '停电' }));
    tap(screen.getByRole('radio', { name: '8小时' }));
    await typeInto(container.querySelector('[aria-label="标题"]')!, '4栋停电');
    await typeInto(container.querySelector('[aria-label="内容"]')!, '线路检修，请关好电器');
    const before = Date.now();
    tap(screen.getByRole('button', { name: '发布并通知住户' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/notices')).toHaveLength(1));
    const body = api.callsTo('POST', '/api/notices')[0].body as Record<string, string | number[] | number>;
    expect(body).toMatchObject({ communityId: 1, buildingIds: [32], kind: 'power', title: '4栋停电' });
    const starts = Date.parse(body.startsAt as string);
    expect(starts).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.endsAt as string) - starts).toBe(8 * 3600_000);
  });

  it('says why a publish was refused and keeps the input', async () => {
    noticesApi().on('POST', '/api/notices', apiError(404, 'NOT_FOUND'));
    const { container } = render(<NoticesPage />);
    await screen.findByTestId('notice-item');
    tap(screen.getByRole('button', { name: '发布并通知住户' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请填写标题');
    await typeInto(container.querySelector('[aria-label="标题"]')!, '停水');
    await typeInto(container.querySelector('[aria-label="内容"]')!, '维修');
    tap(screen.getByRole('button', { name: '发布并通知住户' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('内容不存在或已删除'));
    expect(within(container).getByDisplayValue('停水')).toBeInTheDocument();
  });
});
