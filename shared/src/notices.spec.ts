import { describe, expect, it } from '@jest/globals';
import {
  isJoinable,
  noticeReaches,
  noticeState,
  noticeWindowProblems,
  parseQrScene,
  qrH5Url,
  qrScene,
} from './notices.js';

describe('notices', () => {
  const now = new Date('2026-12-08T02:00:00Z');
  const at = (h: number) => new Date(now.getTime() + h * 3600_000);

  it('knows upcoming, current and ended, and ends by itself at the window end', () => {
    expect(noticeState({ startsAt: at(1), endsAt: at(2) }, now)).toBe('upcoming');
    expect(noticeState({ startsAt: at(-1), endsAt: at(2) }, now)).toBe('current');
    expect(noticeState({ startsAt: at(-2), endsAt: now }, now)).toBe('ended');
    expect(noticeState({ startsAt: at(-2), endsAt: at(2), endedAt: at(-1) }, now)).toBe('ended');
  });

  it('reaches the whole community or only its buildings', () => {
    const whole = { communityId: 1, buildingIds: null };
    const b3 = { communityId: 1, buildingIds: [3] };
    expect(noticeReaches(whole, { communityId: 1, buildingId: 7 })).toBe(true);
    expect(noticeReaches(whole, { communityId: 2, buildingId: 7 })).toBe(false);
    expect(noticeReaches(b3, { communityId: 1, buildingId: 3 })).toBe(true);
    expect(noticeReaches(b3, { communityId: 1, buildingId: 4 })).toBe(false);
    expect(noticeReaches(b3, { communityId: 1, buildingId: null })).toBe(false);
  });

  it('checks the window', () => {
    expect(noticeWindowProblems(at(0), at(2), now)).toEqual({});
    expect(noticeWindowProblems(at(2), at(1), now).endsAt).toMatch(/after/);
    expect(noticeWindowProblems(at(-5), at(-1), now).endsAt).toMatch(/future/);
    expect(noticeWindowProblems(at(0), at(32 * 24), now).endsAt).toMatch(/31 days/);
  });
});

describe('QR scenes', () => {
  it('round-trips and stays within 32 characters', () => {
    expect(parseQrScene(qrScene({ kind: 'area', id: 12 }))).toEqual({ kind: 'area', id: 12 });
    expect(parseQrScene('a%3D12')).toEqual({ kind: 'area', id: 12 });
    expect(parseQrScene('a%253D12')).toEqual({ kind: 'area', id: 12 });
    expect(parseQrScene(qrScene({ kind: 'point', code: 'ABCDEFGHJKMN' }))).toEqual({
      kind: 'point',
      code: 'ABCDEFGHJKMN',
    });
    expect(qrScene({ kind: 'area', id: 2_147_483_647 }).length).toBeLessThanOrEqual(32);
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'a=0',
      'a=-1',
      'a=1x',
      'b=1',
      'a=99999999999',
      'i=abc',
      '%E0%A4%A',
      `a=1${' '.repeat(40)}x`,
    ]) {
      expect([bad, parseQrScene(bad)]).toEqual([bad, null]);
    }
  });

  it('builds the H5 URL with the scene encoded', () => {
    expect(qrH5Url('http://x/h5/', 'a=12')).toBe('http://x/h5/#/subpackages/orders/scan/index?scene=a%3D12');
  });
});

describe('shared faults', () => {
  it('joins only open public-area repairs', () => {
    expect(isJoinable({ kind: 'repair', publicAreaId: 1, status: 'assigned' })).toBe(true);
    expect(isJoinable({ kind: 'repair', publicAreaId: null, status: 'assigned' })).toBe(false);
    expect(isJoinable({ kind: 'complaint', publicAreaId: 1, status: 'assigned' })).toBe(false);
    expect(isJoinable({ kind: 'repair', publicAreaId: 1, status: 'completed' })).toBe(false);
    expect(isJoinable({ kind: 'repair', publicAreaId: 1, status: 'cancelled' })).toBe(false);
  });
});
