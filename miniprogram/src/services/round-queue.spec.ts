import type { InspectionRoundDetailView } from '@linli/shared';
import {
  overlay,
  RoundQueue,
  wireAction,
  type QueuedAction,
  type QueueStore,
  type QueueTransport,
} from './round-queue';

function memoryStore(): QueueStore & { data: Map<string, QueuedAction[]> } {
  const data = new Map<string, QueuedAction[]>();
  return { data, get: (k) => data.get(k) ?? null, set: (k, v) => (v ? data.set(k, v) : data.delete(k)) };
}

const round = {
  id: 7,
  points: [{ pointId: 1, seq: 1, name: '水泵房', checklist: [], scannedAt: null, scanReceivedAt: null, checks: [] }],
} as unknown as InspectionRoundDetailView;

describe('the offline round queue', () => {
  it('keeps actions while offline and sends them once the signal returns, photos first', async () => {
    const store = memoryStore();
    let online = false;
    const sent: QueuedAction[][] = [];
    const transport: QueueTransport = {
      upload: async () => {
        if (!online) throw new Error('offline');
        return 42;
      },
      send: async (_id, actions) => {
        if (!online) throw new Error('offline');
        sent.push(actions);
        return {
          results: actions.map((a) => ({
            clientKey: a.clientKey,
            ok: a.itemKey !== 'bad',
            replayed: false,
            code: a.itemKey === 'bad' ? 'INSPECTION_ITEM_DONE' : undefined,
          })),
          round,
        };
      },
    };
    const q = new RoundQueue(store, transport);
    q.add(7, { type: 'scan', pointId: 1, code: 'ABC' });
    q.add(7, { type: 'check', pointId: 1, itemKey: 'leak', result: 'ok' });
    // Changed their mind before sending: the later tick replaces the earlier one.
    q.add(7, { type: 'check', pointId: 1, itemKey: 'leak', result: 'abnormal', photoPath: 'wxfile://a.jpg' });
    q.add(7, { type: 'check', pointId: 1, itemKey: 'bad', result: 'ok' });
    await expect(q.flush(7)).rejects.toThrow('offline');
    expect(q.pending(7)).toHaveLength(3);
    const shown = overlay(round, q.all(7));
    expect(shown.points[0].scannedAt).not.toBeNull();
    expect(shown.points[0].checks.map((c) => [c.itemKey, c.result])).toEqual([
      ['leak', 'abnormal'],
      ['bad', 'ok'],
    ]);
    online = true;
    await q.flush(7);
    expect(sent).toHaveLength(1);
    expect(sent[0].find((a) => a.itemKey === 'leak')).toMatchObject({ uploadId: 42, result: 'abnormal' });
    expect(q.pending(7)).toEqual([]);
    expect(q.all(7).map((a) => a.refused)).toEqual(['INSPECTION_ITEM_DONE']);
    q.dismissRefused(7);
    expect(store.data.size).toBe(0);
    expect(await q.flush(7)).toBeNull();
  });

  it('sends only the fields the server takes', () => {
    expect(
      wireAction({
        type: 'check',
        clientKey: 'k1234567',
        at: 'x',
        pointId: 1,
        itemKey: 'a',
        result: 'ok',
        photoPath: 'p',
        refused: 'X',
        note: '',
      }),
    ).toEqual({ type: 'check', clientKey: 'k1234567', at: 'x', pointId: 1, itemKey: 'a', result: 'ok' });
  });
});
