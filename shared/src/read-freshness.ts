/**
 * The dashboard's note on a replica read (docs/scaling.md "Read replicas"): a read from a replica
 * may be up to `staleMs` behind; the primary's answers need no note.
 */
import type { ReadFreshness } from './scores-api.js';

/** "数据可能延迟 N 秒" (N rounded up to whole seconds) for a replica read, else null. */
export function staleNote(freshness: ReadFreshness | undefined): string | null {
  if (!freshness || freshness.readFrom !== 'replica') return null;
  const seconds = Math.max(1, Math.ceil(freshness.staleMs / 1000));
  return `数据可能延迟 ${seconds} 秒`;
}
