import { describe, expect, it } from '@jest/globals';
import { coordinateProblems, formatCoordinates, parseCoordinates } from './coordinates.js';

describe('parseCoordinates', () => {
  it('reads latitude first with the separators people paste', () => {
    for (const text of [
      '22.5195,113.9296',
      ' 22.5195, 113.9296 ',
      '22.5195，113.9296',
      '22.5195 113.9296',
      '22.5195;113.9296',
    ])
      expect(parseCoordinates(text)).toEqual({ ok: true, latitude: 22.5195, longitude: 113.9296 });
  });
  it('clears with empty text', () => {
    expect(parseCoordinates('  ')).toEqual({ ok: true, latitude: null, longitude: null });
  });
  it('refuses longitude first with a hint instead of swapping', () => {
    expect(parseCoordinates('113.9296,22.5195')).toEqual({ ok: false, problem: expect.stringContaining('顺序反了') });
  });
  it('refuses other text, one number, out of range and outside China', () => {
    expect(parseCoordinates('深圳').ok).toBe(false);
    expect(parseCoordinates('22.5').ok).toBe(false);
    expect(parseCoordinates('22.5,113.9,1').ok).toBe(false);
    expect(parseCoordinates('95,113').ok).toBe(false);
    expect(parseCoordinates('48.8566,2.3522')).toEqual({ ok: false, problem: expect.stringContaining('不在中国境内') });
  });
  it('round-trips with formatCoordinates', () => {
    expect(parseCoordinates(formatCoordinates({ latitude: 31.2304, longitude: 121.4737 }))).toEqual({
      ok: true,
      latitude: 31.2304,
      longitude: 121.4737,
    });
    expect(formatCoordinates({ latitude: null, longitude: null })).toBe('');
  });
  it('checks pairs: both or neither, ranges', () => {
    expect(coordinateProblems(null, null)).toEqual([]);
    expect(coordinateProblems(22.5, null)).toHaveLength(1);
    expect(coordinateProblems(-91, 113)).toHaveLength(1);
    expect(coordinateProblems(22.5, 181)).toHaveLength(1);
    expect(coordinateProblems(22.5, 113.9)).toEqual([]);
  });
});
