import { render, screen, waitFor, within } from '@testing-library/react';
import RematchPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { stubNavigation, tap } from '../../../../test/ui';
import { signIn, supervisor } from '../test-users';

const move = (workOrderId: number, over: object = {}) => ({
  workOrderId,
  no: `A1-${workOrderId}`,
  priority: 'P3',
  category: 'plumbing',
  location: '阳光花园 1栋101',
  version: 2,
  urgency: 2.5,
  waitedHours: 6,
  from: null,
  to: { id: 8, name: '钱师傅', score: 0.82 },
  why: 'urgency',
  grades: { skill: 1, load: 0.8, quality: 0.6, rotation: 0.5, distance: 0.5 },
  costSaved: 25.8,
  ...over,
});

const preview = (moves: object[]) => ({
  generatedAt: '2026-12-07T10:00:00.000Z',
  communityIds: [1],
  backlog: 3,
  technicians: 2,
  currentCost: -20.3,
  proposedCost: -72.1,
  costSaved: 51.8,
  moves,
});

describe('重新匹配 (re-match on demand)', () => {
  beforeEach(() => {
    signIn(supervisor);
    stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows who moves where and why, applies the ticked moves and reports the stale one', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/routing/rematch', {
        body: preview([
          move(11, { priority: 'P1' }),
          move(12, { from: { id: 7, name: '赵师傅', score: 0.41 }, why: 'better_fit', version: 5 }),
          move(13),
        ]),
      })
      .on('POST', '/api/routing/rematch', {
        body: {
          applied: 1,
          skipped: 1,
          results: [
            { workOrderId: 11, technicianId: 8, outcome: 'applied', version: 3 },
            { workOrderId: 12, technicianId: 8, outcome: 'stale', version: 6 },
          ],
        },
      });
    render(<RematchPage />);
    const items = await screen.findAllByTestId('rematch-move');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('紧急');
    expect(items[0]).toHaveTextContent('未派人 → 钱师傅（82分）');
    expect(items[1]).toHaveTextContent('赵师傅（41分） → 钱师傅（82分）');
    expect(items[1]).toHaveTextContent('新师傅更合适');
    expect(screen.getByTestId('rematch-saved')).toHaveTextContent('节省 51.8');

    tap(screen.getByRole('checkbox', { name: '改派 A1-11' }));
    tap(screen.getByRole('checkbox', { name: '改派 A1-12' }));
    tap(screen.getByRole('button', { name: '应用所选（2）' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/routing/rematch')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/routing/rematch')[0].body).toEqual({
      moves: [
        { workOrderId: 11, technicianId: 8, version: 2 },
        { workOrderId: 12, technicianId: 8, version: 5 },
      ],
    });
    const result = await screen.findByTestId('rematch-result');
    expect(result).toHaveTextContent('已改派 1 单，跳过 1 单');
    expect(within(result).getByText(/#12/)).toHaveTextContent('工单已变化，已跳过');
    // The preview is read again after the apply.
    await waitFor(() => expect(api.callsTo('GET', '/api/routing/rematch')).toHaveLength(2));
  });

  it('applies every move with 全部应用', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/routing/rematch', { body: preview([move(11), move(13)]) })
      .on('POST', '/api/routing/rematch', { body: { applied: 2, skipped: 0, results: [] } });
    render(<RematchPage />);
    tap(await screen.findByRole('button', { name: '全部应用' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/routing/rematch')).toHaveLength(1));
    expect(
      (api.callsTo('POST', '/api/routing/rematch')[0].body as { moves: Array<{ workOrderId: number }> }).moves.map(
        (m) => m.workOrderId,
      ),
    ).toEqual([11, 13]);
  });

  it('says when there is nothing to move', async () => {
    new FakeApi().install().on('GET', '/api/routing/rematch', { body: preview([]) });
    render(<RematchPage />);
    expect(await screen.findByText('当前分配已是最优，无需改派')).toBeInTheDocument();
  });
});
