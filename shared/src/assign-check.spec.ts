import { assignWarnings, skillLevel } from './assign-check.js';

describe('assignWarnings', () => {
  const tech = {
    skills: [
      { category: 'plumbing', level: 4 },
      { category: 'electric', level: 0 },
    ],
    openOrders: 2,
    capacity: 3,
  };

  it('warns on a missing skill (a level of 0 is none)', () => {
    expect(skillLevel(tech, 'plumbing')).toBe(4);
    expect(skillLevel(tech, 'electric')).toBeNull();
    expect(assignWarnings(tech, 'plumbing')).toEqual([]);
    expect(assignWarnings(tech, 'electric')).toEqual(['no_skill']);
    expect(assignWarnings(tech, 'lift')).toEqual(['no_skill']);
  });

  it('warns when one more order goes over capacity', () => {
    expect(assignWarnings({ ...tech, openOrders: 3 }, 'plumbing')).toEqual(['over_capacity']);
    expect(assignWarnings({ ...tech, capacity: 0, openOrders: 0 }, 'plumbing')).toEqual(['over_capacity']);
  });

  it('adds off shift and leave, in a fixed order', () => {
    expect(assignWarnings({ ...tech, openOrders: 5, onShift: false, onLeave: true }, 'lift')).toEqual([
      'no_skill',
      'over_capacity',
      'off_shift',
      'on_leave',
    ]);
  });
});
