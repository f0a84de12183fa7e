import { describe, expect, it } from '@jest/globals';
import { staleNote } from './read-freshness.js';

describe('staleNote', () => {
  it('notes a replica read in whole seconds, rounded up', () => {
    expect(staleNote({ readFrom: 'replica', staleMs: 1000, fallback: null })).toBe('数据可能延迟 1 秒');
    expect(staleNote({ readFrom: 'replica', staleMs: 4001, fallback: null })).toBe('数据可能延迟 5 秒');
    expect(staleNote({ readFrom: 'replica', staleMs: 0, fallback: null })).toBe('数据可能延迟 1 秒');
  });

  it('says nothing for the primary or without freshness', () => {
    expect(staleNote({ readFrom: 'primary', staleMs: 0, fallback: 'replica_lagging' })).toBeNull();
    expect(staleNote(undefined)).toBeNull();
  });
});
