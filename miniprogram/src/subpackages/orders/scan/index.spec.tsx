import { render, screen, waitFor } from '@testing-library/react';
import ScanPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { categories, loggedIn, order } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap } from '../../../../test/ui';
import { storage } from '../../../services/storage';

const place = {
  scene: 'a=7',
  kind: 'area',
  communityId: 1,
  communityName: '海月花园',
  buildingId: null,
  publicAreaId: 7,
  name: '地下车库',
};
const known = {
  id: 90,
  no: 'HY-20261208-0003',
  category: 'electrical',
  description: '车库灯不亮',
  status: 'assigned',
  place: '地下车库',
  createdAt: '2026-12-08T01:00:00.000Z',
  reporters: 2,
  joined: false,
};

function scanApi(faults: object = { notices: [], orders: [] }): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/qr/resolve', { body: place })
    .on('GET', '/api/notices/at', { body: faults })
    .on('GET', '/api/categories', { body: categories });
}

describe('扫码报修', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
    setRouter('/subpackages/orders/scan/index', { scene: 'a%3D7' });
  });
  afterEach(() => jest.restoreAllMocks());

  it('fills in the scanned place: one tap on 提交报修 files the order there', async () => {
    const api = scanApi().on('POST', '/api/work-orders', { status: 201, body: order({ id: 501 }) });
    render(<ScanPage />);
    expect(await screen.findByText('海月花园 地下车库')).toBeInTheDocument();
    expect(screen.queryByText('我也遇到了')).not.toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('radio', { name: '公共区域' })).toHaveAttribute('aria-checked', 'true'),
    );
    tap(screen.getByRole('button', { name: '提交报修' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=501']));
    expect(api.callsTo('GET', '/api/qr/resolve')[0].query.scene).toBe('a=7');
    expect(api.callsTo('POST', '/api/work-orders')[0].body).toEqual({
      category: 'public_area',
      description: '地下车库：公共区域',
      publicAreaId: 7,
    });
  });

  it('shows the notices and open orders first; 我也遇到了 joins instead of filing another', async () => {
    const notice = {
      id: 3,
      communityId: 1,
      communityName: '海月花园',
      buildingIds: null,
      buildingNames: [],
      kind: 'power',
      title: '全小区停电',
      body: '线路检修',
      startsAt: '2026-12-08T01:00:00.000Z',
      endsAt: '2026-12-08T07:00:00.000Z',
      endedAt: null,
      state: 'current',
      createdAt: '2026-12-08T00:00:00.000Z',
    };
    const api = scanApi({ notices: [notice], orders: [known] }).on('POST', '/api/work-orders/90/join', {
      body: { workOrderId: 90, joined: true, reporters: 3 },
    });
    render(<ScanPage />);
    expect(await screen.findByText('全小区停电')).toBeInTheDocument();
    expect(screen.getByText('这里已有人报修')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '我也遇到了 车库灯不亮' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=90']));
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(0);
    expect(api.callsTo('POST', '/api/work-orders/90/join')).toHaveLength(1);
  });

  it('refuses another community’s code clearly and files nothing', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/qr/resolve', apiError(403, 'QR_FOREIGN_PLACE', 'the code belongs to 海月花园'));
    render(<ScanPage />);
    expect(await screen.findByText('不能在这里报修')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('这个二维码不属于您居住的小区');
    expect(screen.queryByRole('button', { name: '提交报修' })).not.toBeInTheDocument();
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(0);
  });

  it('keeps the scene and sends a resident who is not signed in to the login page', async () => {
    storage.clearSession();
    render(<ScanPage />);
    await waitFor(() => expect(urls).toEqual(['/pages/login/index']));
    expect(storage.pendingScan()).toBe('a=7');
  });
});
