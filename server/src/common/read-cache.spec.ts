import { describe, expect, it, jest } from '@jest/globals';
import { FORGET_AGAIN_MS, ReadCache } from './read-cache.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ReadCache', () => {
  it('reads once while an entry lives, again after its ttl or when forgotten', async () => {
    const cache = new ReadCache<number, string>(60);
    let reads = 0;
    const load = () => Promise.resolve(`v${++reads}`);
    expect(await cache.get(1, load)).toBe('v1');
    expect(await cache.get(1, load)).toBe('v1');
    cache.forget(1);
    expect(await cache.get(1, load)).toBe('v2');
    await sleep(80);
    expect(await cache.get(1, load)).toBe('v3');
    cache.forget();
    expect(await cache.get(1, load)).toBe('v4');
  });

  it('shares one read between concurrent misses, and does not keep a failed read', async () => {
    const cache = new ReadCache<string, number>(10_000);
    let reads = 0;
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++reads), 10));
    expect(await Promise.all([cache.get('a', slow), cache.get('a', slow)])).toEqual([1, 1]);
    await expect(cache.get('b', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('b', () => Promise.resolve(7))).toBe(7);
  });

  it('forgets a second time a moment later: rows read while the write was not yet committed are not kept', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const cache = new ReadCache<number, string>(60_000);
      await cache.get(1, () => Promise.resolve('old'));
      cache.forget(); // the write, still in its transaction
      expect(await cache.get(1, () => Promise.resolve('old (read before the commit)'))).toBe(
        'old (read before the commit)',
      );
      jest.advanceTimersByTime(FORGET_AGAIN_MS);
      expect(await cache.get(1, () => Promise.resolve('new'))).toBe('new');
    } finally {
      jest.useRealTimers();
    }
  });

  it('with ttl 0 caches nothing', async () => {
    const cache = new ReadCache<number, number>(0);
    let reads = 0;
    await cache.get(1, () => Promise.resolve(++reads));
    await cache.get(1, () => Promise.resolve(++reads));
    expect(reads).toBe(2);
  });

  it('reads the misses of many keys in one call and answers `missing` for keys nowhere', async () => {
    const cache = new ReadCache<number, string | null>(10_000);
    const calls: number[][] = [];
    const loadMany = (keys: number[]) => {
      calls.push(keys);
      return Promise.resolve(new Map(keys.filter((k) => k < 100).map((k) => [k, `row${k}`])));
    };
    expect([...(await cache.getMany([1, 2, 2], loadMany, null)).entries()]).toEqual([
      [1, 'row1'],
      [2, 'row2'],
    ]);
    expect([...(await cache.getMany([2, 3, 404], loadMany, null)).values()]).toEqual(['row2', 'row3', null]);
    expect(calls).toEqual([
      [1, 2],
      [3, 404],
    ]);
    // Off: one call for all keys, every time.
    const off = new ReadCache<number, string | null>(0);
    await off.getMany([5, 6], loadMany, null);
    await off.getMany([5, 6], loadMany, null);
    expect(calls.slice(2)).toEqual([
      [5, 6],
      [5, 6],
    ]);
  });
});
