import { LRUCache } from 'lru-cache';

/**
 * A process-local cache of rarely written configuration rows that every order reads
 * (communities, categories, SLA policies, routing rules). An entry lives `ttlMs` (0: nothing
 * is cached); the repository that owns the rows forgets them on its own writes, so this process
 * sees its changes at once and other processes within `ttlMs` (docs/architecture.md,
 * "Configuration cache"). The values are the loading promises, so concurrent misses share one
 * read; a failed read is not kept. Cached rows are shared: callers must not mutate them.
 */
/** How long after a write its cached rows are forgotten a second time (a write transaction commits well within it). */
export const FORGET_AGAIN_MS = 2000;

export class ReadCache<K extends string | number, V> {
  private readonly cache: LRUCache<K, Promise<V>> | null;

  constructor(ttlMs: number, max = 10_000) {
    this.cache = ttlMs > 0 ? new LRUCache<K, Promise<V>>({ max, ttl: ttlMs }) : null;
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const cache = this.cache;
    if (!cache) return load();
    const hit = cache.get(key);
    if (hit) return hit;
    const loading = load();
    cache.set(key, loading);
    loading.catch(() => {
      if (cache.get(key) === loading) cache.delete(key);
    });
    return loading;
  }

  /**
   * Many entries at once: the misses are read together with one `loadMany` (which answers
   * `missing` for the keys it did not find). With caching off, every key is read by one call.
   */
  async getMany(keys: K[], loadMany: (keys: K[]) => Promise<Map<K, V>>, missing: V): Promise<Map<K, V>> {
    const unique = [...new Set(keys)];
    const cache = this.cache;
    if (!cache) return loadMany(unique);
    const misses = unique.filter((k) => !cache.has(k));
    if (misses.length) {
      const loading = loadMany(misses);
      for (const k of misses) {
        const one = loading.then((m) => (m.has(k) ? m.get(k)! : missing));
        cache.set(k, one);
        one.catch(() => {
          if (cache.get(k) === one) cache.delete(k);
        });
      }
    }
    const values = await Promise.all(unique.map((k) => this.get(k, () => Promise.resolve(missing))));
    return new Map(unique.map((k, i) => [k, values[i]]));
  }

  /**
   * Forget one entry, or all of them: now, and once more a moment later. Writers call this inside
   * their transaction, before it commits; a read in between would cache the rows as they were
   * still committed, so the second forget drops what such a read kept.
   */
  forget(key?: K): void {
    const cache = this.cache;
    if (!cache) return;
    const drop = () => (key === undefined ? cache.clear() : cache.delete(key));
    drop();
    setTimeout(drop, FORGET_AGAIN_MS).unref();
  }
}
