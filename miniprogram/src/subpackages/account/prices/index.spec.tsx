import { render, screen } from '@testing-library/react';
import PricesPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { loggedIn } from '../../../../test/fixtures';

const house = (communityId: number, communityName: string, status = 'verified') => ({
  id: communityId,
  houseId: communityId * 10,
  houseLabel: '1栋1单元101',
  communityId,
  communityName,
  relation: 'owner',
  status,
  createdAt: '2026-11-27T08:00:00.000Z',
});

describe('收费标准', () => {
  beforeEach(() => loggedIn());
  afterEach(() => jest.restoreAllMocks());

  it("shows the community's price list grouped by category, in yuan", async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/me/houses', { body: [house(1, '海月花园')] })
      .on('GET', '/api/categories', { body: [{ code: 'plumbing', name: '水管漏水' }] })
      .on('GET', '/api/price-list', {
        body: [
          {
            id: 1,
            communityId: null,
            category: 'plumbing',
            kind: 'labour',
            name: '疏通下水道',
            unit: '次',
            priceFen: 8000,
          },
          { id: 2, communityId: 1, category: 'plumbing', kind: 'material', name: '角阀', unit: '个', priceFen: 2500 },
        ],
      });
    render(<PricesPage />);
    expect(await screen.findByText('水管漏水')).toBeInTheDocument();
    expect(screen.getByText('¥80.00 / 次')).toBeInTheDocument();
    expect(screen.getByText('¥25.00 / 个')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/price-list')[0].query).toMatchObject({ communityId: '1' });
  });

  it('asks to bind a house first when none is verified', async () => {
    new FakeApi().install().on('GET', '/api/me/houses', { body: [house(1, '海月花园', 'pending')] });
    render(<PricesPage />);
    expect(await screen.findByText('绑定房屋后可查看小区收费标准')).toBeInTheDocument();
  });

  it('says 人工 once for an item named with it, and puts 其他 last', async () => {
    const item = (id: number, category: string, kind: string, name: string) => ({
      id,
      communityId: null,
      category,
      kind,
      name,
      unit: '次',
      priceFen: 3000,
    });
    new FakeApi()
      .install()
      .on('GET', '/api/me/houses', { body: [house(1, '海月花园')] })
      .on('GET', '/api/categories', {
        body: [
          { code: 'plumbing', name: '水管漏水' },
          { code: 'electrical', name: '电路停电' },
          { code: 'other', name: '其他' },
        ],
      })
      .on('GET', '/api/price-list', {
        body: [
          item(1, 'plumbing', 'labour', '更换水龙头（人工）'),
          item(2, 'other', 'labour', '上门检查'),
          item(3, 'electrical', 'labour', '检修线路'),
          item(4, 'plumbing', 'material', '角阀'),
        ],
      });
    const { container } = render(<PricesPage />);
    expect(await screen.findByText('更换水龙头（人工）')).toBeInTheDocument();
    const text = container.textContent ?? '';
    expect(text).not.toContain('（人工）（人工）');
    expect(text).toContain('检修线路（人工）');
    expect(text).toContain('角阀（材料）');
    const titles = [...container.querySelectorAll('.card-title')].map((t) => t.textContent);
    expect(titles).toEqual(['水管漏水', '电路停电', '其他']);
  });
});
