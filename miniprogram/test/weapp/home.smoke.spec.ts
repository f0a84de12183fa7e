import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually, settle, startWeapp, weappDir } from './harness';

const built = existsSync(path.join(weappDir, 'app.json'));

const houses = [
  {
    id: 1,
    houseId: 11,
    houseLabel: '1栋1单元101',
    communityId: 1,
    communityName: '海月花园',
    relation: 'owner',
    status: 'verified',
    createdAt: '2026-11-20T02:00:00.000Z',
  },
];

(built ? describe : describe.skip)('weapp build in miniprogram-simulate (smoke)', () => {
  it('renders the home page and files a report in two taps, once', async () => {
    const weapp = startWeapp({
      storage: { 'linli.token': 'tok-1' },
      route: ({ url, method }) => {
        const p = url.split('?')[0];
        if (p.endsWith('/api/me/houses')) return { body: houses };
        if (p.endsWith('/api/categories')) return { body: [{ code: 'plumbing', name: '水管漏水' }] };
        if (p.endsWith('/api/work-orders') && method === 'GET')
          return { body: { items: [], total: 0, page: 1, pageSize: 3 } };
        if (p.endsWith('/api/me/notifications'))
          return { body: { items: [], total: 0, page: 1, pageSize: 1, unread: 0 } };
        if (p.endsWith('/api/work-orders') && method === 'POST') return { status: 201, body: { id: 77 } };
        return undefined;
      },
    });
    const page = weapp.render('pages/home/index');
    await eventually(() => expect(page.dom.textContent).toContain('海月花园 1栋1单元101'));
    // The company repairs only plumbing here: only that button is offered.
    const buttons = page.querySelectorAll('.quick');
    expect(buttons).toHaveLength(1);
    expect(page.dom.textContent).toContain('漏水');

    buttons[0].dispatchEvent('tap');
    await eventually(() => expect(page.dom.textContent).toContain('报修：漏水'));

    const [submit] = page.querySelectorAll('.sheet-submit');
    submit.dispatchEvent('tap');
    submit.dispatchEvent('tap');
    await eventually(() => expect(weapp.navigations).toHaveLength(1));
    await settle();

    const posts = weapp.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].data).toEqual({
      category: 'plumbing',
      description: '水管漏水',
      houseId: 11,
      priority: 'P2',
      photoIds: [],
      preferredTime: '尽快上门',
    });
    expect(posts[0].header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(posts[0].header.Authorization).toBe('Bearer tok-1');
    expect(weapp.navigations).toEqual(['/subpackages/orders/detail/index?id=77']);
  });
});

if (!built) {
  it.todo('weapp smoke test: no dist/weapp build here (run pnpm --filter @linli/miniprogram build:weapp)');
}
