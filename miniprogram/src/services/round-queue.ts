/**
 * A round done offline (pump rooms and basements have no signal): every scan and tick is kept
 * on the phone with its own client key and the phone's time, shown at once, and sent when the
 * signal returns. The server applies each key once (a resend answers the first result), so a
 * send that timed out after the server got it doubles nothing (docs/inspections.md "Offline").
 * Photos are kept as local files and uploaded first; the tick then carries the upload's id.
 */
import type { CheckResult, InspectionRoundDetailView, RoundActionResult } from '@linli/shared';

export interface QueuedAction {
  type: 'scan' | 'check';
  clientKey: string;
  /** The phone's time of the action (ISO 8601). */
  at: string;
  pointId: number;
  code?: string;
  itemKey?: string;
  result?: CheckResult;
  note?: string;
  category?: string;
  /** A photo not uploaded yet (a local file path). */
  photoPath?: string;
  uploadId?: number;
  /** Refused by the server (an error code): kept to show, never sent again. */
  refused?: string;
}

/** Where the queue lives: Taro storage in the app, a map in tests. */
export interface QueueStore {
  get(key: string): QueuedAction[] | null;
  set(key: string, value: QueuedAction[] | null): void;
}

export interface QueueTransport {
  send(
    roundId: number,
    actions: QueuedAction[],
  ): Promise<{ results: RoundActionResult[]; round: InspectionRoundDetailView }>;
  upload(path: string): Promise<number>;
}

const keyOf = (roundId: number) => `linli.round.${roundId}`;

/** 16 random characters and the time: unique per phone, no server round trip needed. */
export function newClientKey(now = Date.now()): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)];
  return `${now.toString(36)}-${s}`;
}

export class RoundQueue {
  constructor(
    private readonly store: QueueStore,
    private readonly transport: QueueTransport,
  ) {}

  all(roundId: number): QueuedAction[] {
    return this.store.get(keyOf(roundId)) ?? [];
  }

  /** Not yet accepted by the server (the refused ones stay visible but are not pending). */
  pending(roundId: number): QueuedAction[] {
    return this.all(roundId).filter((a) => !a.refused);
  }

  add(roundId: number, action: Omit<QueuedAction, 'clientKey' | 'at'> & { at?: string }): QueuedAction {
    const full: QueuedAction = { ...action, clientKey: newClientKey(), at: action.at ?? new Date().toISOString() };
    // A re-tick of an item not sent yet replaces the earlier one (the phone's last word counts).
    const kept = this.all(roundId).filter(
      (a) => !(a.type === 'check' && full.type === 'check' && a.pointId === full.pointId && a.itemKey === full.itemKey),
    );
    this.store.set(keyOf(roundId), [...kept, full]);
    return full;
  }

  dismissRefused(roundId: number): void {
    const left = this.pending(roundId);
    this.store.set(keyOf(roundId), left.length ? left : null);
  }

  /**
   * Send what is pending, photos first. Network failures leave everything queued (try again
   * later); an answer settles each action: accepted ones leave the queue, refused ones are kept
   * with their code. Returns the server's round when it answered.
   */
  async flush(roundId: number): Promise<InspectionRoundDetailView | null> {
    let queue = this.all(roundId);
    const sendable: QueuedAction[] = [];
    for (const a of queue) {
      if (a.refused) continue;
      if (a.photoPath && a.uploadId === undefined) {
        const uploadId = await this.transport.upload(a.photoPath);
        queue = queue.map((q) => (q.clientKey === a.clientKey ? { ...q, uploadId, photoPath: undefined } : q));
        this.store.set(keyOf(roundId), queue);
        sendable.push({ ...a, uploadId, photoPath: undefined });
      } else sendable.push(a);
    }
    if (!sendable.length) return null;
    const answer = await this.transport.send(roundId, sendable);
    const outcome = new Map(answer.results.map((r) => [r.clientKey, r]));
    const left = this.all(roundId).flatMap((a) => {
      const r = outcome.get(a.clientKey);
      if (!r) return [a];
      if (r.ok) return [];
      return [{ ...a, refused: r.code ?? 'REFUSED' }];
    });
    this.store.set(keyOf(roundId), left.length ? left : null);
    return answer.round;
  }
}

/** The body the server takes for an action (local-only fields left out). */
export function wireAction(a: QueuedAction): Record<string, unknown> {
  const { photoPath: _p, refused: _r, ...rest } = a;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== ''));
}

/** The round as the phone knows it: the server's view with the queued actions laid over it. */
export function overlay(round: InspectionRoundDetailView, queued: QueuedAction[]): InspectionRoundDetailView {
  const pending = queued.filter((a) => !a.refused);
  return {
    ...round,
    points: round.points.map((p) => {
      const scan = pending.find((a) => a.type === 'scan' && a.pointId === p.pointId);
      const checks = [...p.checks];
      for (const a of pending) {
        if (a.type !== 'check' || a.pointId !== p.pointId || checks.some((c) => c.itemKey === a.itemKey)) continue;
        checks.push({
          itemKey: a.itemKey!,
          result: a.result!,
          note: a.note ?? null,
          uploadId: a.uploadId ?? null,
          checkedAt: a.at,
          receivedAt: '',
          workOrderId: null,
        });
      }
      return { ...p, scannedAt: p.scannedAt ?? scan?.at ?? null, checks };
    }),
  };
}
