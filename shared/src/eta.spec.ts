import {
  ARRIVAL_ROUND_MIN,
  arrivalBasisText,
  arrivalText,
  chinaTimeText,
  DEFAULT_ON_SITE_MINUTES,
  estimateArrival,
  estimateQueue,
  expectsArrival,
  FALLBACK_ON_SITE_MINUTES,
  MIN_DURATION_SAMPLES,
  onSiteMinutesFor,
  onSiteStats,
  OVERRUN_MIN,
  TRAVEL_SLACK_MIN,
  workingOrder,
  type QueueJob,
} from './eta.js';
import { distanceKm, travelMinutes, UNKNOWN_TRAVEL_MIN } from './geo.js';

const MIN = 60_000;
/** Monday 2026-12-07 10:00 China time. */
const now = Date.parse('2026-12-07T02:00:00Z');
const here = { latitude: 22.54, longitude: 114.05 };
/** About 2.4 km north of `here`: 15 minutes of travel. */
const north = { latitude: 22.562, longitude: 114.05 };
const nowhere = { latitude: null, longitude: null };

const job = (over: Partial<QueueJob> & { id: number }): QueueJob => ({
  priority: 'P3',
  dueAt: now + 60 * MIN,
  status: 'accepted',
  category: 'plumbing',
  place: here,
  arrivedAt: null,
  visitFrom: null,
  ...over,
});

/** Rounded as the estimator rounds: earliest down, latest up, to 5 minutes. */
const down = (ms: number) => Math.floor(ms / (ARRIVAL_ROUND_MIN * MIN)) * ARRIVAL_ROUND_MIN * MIN;
const up = (ms: number) => Math.ceil(ms / (ARRIVAL_ROUND_MIN * MIN)) * ARRIVAL_ROUND_MIN * MIN;

describe('onSiteStats', () => {
  it('takes the median and P80 of each category with enough finished jobs', () => {
    const samples = [10, 20, 30, 40, 50].map((minutes) => ({ category: 'plumbing', minutes }));
    const stats = onSiteStats(samples);
    expect(stats.get('plumbing')).toEqual({ typical: 30, slow: 42, n: 5 });
  });
  it('leaves out categories with too few jobs and durations that are recording slips', () => {
    const few = Array.from({ length: MIN_DURATION_SAMPLES - 1 }, () => ({ category: 'lift', minutes: 30 }));
    const slips = [0, -5, 481, Number.NaN, 10_000].map((minutes) => ({ category: 'plumbing', minutes }));
    const stats = onSiteStats([...few, ...slips, ...[5, 6, 7].map((minutes) => ({ category: 'plumbing', minutes }))]);
    expect(stats.has('lift')).toBe(false);
    expect(stats.has('plumbing')).toBe(false);
  });
});

describe('onSiteMinutesFor', () => {
  it('uses the history, else the category default, else the fallback', () => {
    const history = new Map([['plumbing', { typical: 20, slow: 50 }]]);
    expect(onSiteMinutesFor(history, 'plumbing', 'P3')).toEqual({ typical: 20, slow: 50 });
    expect(onSiteMinutesFor(history, 'lift', 'P3')).toEqual(DEFAULT_ON_SITE_MINUTES.lift);
    expect(onSiteMinutesFor(null, 'garden', 'P4')).toEqual(FALLBACK_ON_SITE_MINUTES);
    expect(onSiteMinutesFor(null, 'toString', 'P3')).toEqual(FALLBACK_ON_SITE_MINUTES);
  });
  it('plans a P1 as containment: a shorter stay', () => {
    const p1 = onSiteMinutesFor(null, 'plumbing', 'P1');
    expect(p1.typical).toBeLessThan(DEFAULT_ON_SITE_MINUTES.plumbing.typical);
    expect(p1.slow).toBeLessThan(DEFAULT_ON_SITE_MINUTES.plumbing.slow);
  });
  it('never has a slow duration below the typical one', () => {
    const odd = new Map([['other', { typical: 40, slow: 30 }]]);
    expect(onSiteMinutesFor(odd, 'other', 'P3').slow).toBe(40);
  });
});

describe('workingOrder', () => {
  it('puts the job on site first, then the one on the way, then P1/P2 pinned, then deadlines', () => {
    const jobs = [
      job({ id: 1, dueAt: now - 4 * 1440 * MIN }),
      job({ id: 2, priority: 'P1', dueAt: now + 30 * MIN }),
      job({ id: 3, status: 'on_the_way', dueAt: now + 999 * MIN }),
      job({ id: 4, status: 'in_progress', arrivedAt: now - 10 * MIN }),
      job({ id: 5, status: 'paused' }),
      job({ id: 6, status: 'quoted' }),
      job({ id: 7, priority: 'P4', dueAt: null }),
    ];
    expect(workingOrder(jobs).map((j) => j.id)).toEqual([4, 3, 2, 1, 7]);
  });
});

describe('estimateQueue', () => {
  it('an idle technician: travel from where they are, then the window', () => {
    const trip = travelMinutes(distanceKm(north, here));
    const est = estimateQueue({ position: north, jobs: [job({ id: 1 })] }, now).get(1)!;
    expect(trip).toBe(15);
    expect(est.earliestAt).toBe(down(now + trip * MIN));
    expect(est.latestAt).toBe(up(now + (trip + TRAVEL_SLACK_MIN) * MIN));
    expect(est.ahead).toBe(0);
    expect(arrivalBasisText(est)).toBe('师傅下一单就是您家');
  });

  it('counts what is left of the job on site, and the jobs ahead in queue order', () => {
    const plumbing = DEFAULT_ON_SITE_MINUTES.plumbing;
    const jobs = [
      job({ id: 10, status: 'in_progress', arrivedAt: now - 15 * MIN, place: here }),
      job({ id: 11, priority: 'P2', dueAt: now + 100 * MIN, place: north }),
      job({ id: 12, dueAt: now + 50 * MIN, place: here }),
    ];
    const est = estimateQueue({ position: here, jobs }, now);
    expect(est.has(10)).toBe(false);
    const first = est.get(11)!;
    expect(first.ahead).toBe(1);
    expect(first.earliestAt).toBe(down(now + (plumbing.typical - 15 + 15) * MIN));
    expect(first.latestAt).toBe(up(now + (plumbing.slow - 15 + 15 + TRAVEL_SLACK_MIN) * MIN));
    const target = est.get(12)!;
    expect(target.ahead).toBe(2);
    expect(arrivalBasisText(target)).toBe('师傅前面还有 2 单');
    // Earliest: 30 left on site, 15 there, 45 on site, 15 back.
    const early = now + (plumbing.typical - 15 + 15 + plumbing.typical + 15) * MIN;
    const late = now + (plumbing.slow - 15 + 15 + TRAVEL_SLACK_MIN + plumbing.slow + 15 + TRAVEL_SLACK_MIN) * MIN;
    expect(target.earliestAt).toBe(down(early));
    expect(target.latestAt).toBe(up(late));
  });

  it('uses the history of the category instead of the default', () => {
    const jobs = [job({ id: 1, status: 'in_progress', arrivedAt: now }), job({ id: 2 })];
    const slow = estimateQueue({ position: here, jobs }, now, new Map([['plumbing', { typical: 120, slow: 200 }]]));
    const quick = estimateQueue({ position: here, jobs }, now, new Map([['plumbing', { typical: 10, slow: 20 }]]));
    expect(slow.get(2)!.latestAt - quick.get(2)!.latestAt).toBe(180 * MIN);
  });

  it('a job on site longer than its slow duration still holds the technician a little', () => {
    const jobs = [job({ id: 1, status: 'in_progress', arrivedAt: now - 600 * MIN }), job({ id: 2 })];
    const est = estimateQueue({ position: here, jobs }, now).get(2)!;
    const trip = travelMinutes(0);
    expect(est.earliestAt).toBe(down(now + (OVERRUN_MIN / 2 + trip) * MIN));
    expect(est.latestAt).toBe(up(now + (OVERRUN_MIN + trip + TRAVEL_SLACK_MIN) * MIN));
  });

  it('unknown coordinates cost the default travel time', () => {
    const est = estimateQueue({ position: null, jobs: [job({ id: 1, place: nowhere })] }, now).get(1)!;
    expect(est.earliestAt).toBe(down(now + UNKNOWN_TRAVEL_MIN * MIN));
    expect(est.latestAt).toBe(up(now + (UNKNOWN_TRAVEL_MIN + TRAVEL_SLACK_MIN) * MIN));
  });

  it('paused and quoted jobs hold nobody up and get no window', () => {
    const jobs = [job({ id: 1, status: 'paused' }), job({ id: 2, status: 'quoted' }), job({ id: 3 })];
    const est = estimateQueue({ position: here, jobs }, now);
    expect([...est.keys()]).toEqual([3]);
    expect(est.get(3)!.ahead).toBe(0);
  });

  it('waits for the resident’s appointment, and such a job does not hold up the next ones', () => {
    const opens = now + 240 * MIN;
    const jobs = [job({ id: 1, dueAt: now, visitFrom: opens }), job({ id: 2, dueAt: now + 10 * MIN })];
    const est = estimateQueue({ position: here, jobs }, now);
    expect(est.get(1)).toMatchObject({ earliestAt: opens, latestAt: opens, byAppointment: true });
    expect(arrivalBasisText(est.get(1)!)).toBe('按您预约的时间上门');
    expect(est.get(2)!.ahead).toBe(0);
    expect(est.get(2)!.earliestAt).toBe(down(now + travelMinutes(0) * MIN));
  });

  it('on the way: the window is the trip from where the technician is', () => {
    const est = estimateQueue({ position: north, jobs: [job({ id: 1, status: 'on_the_way' })] }, now).get(1)!;
    expect(est.onTheWay).toBe(true);
    expect(arrivalBasisText(est)).toBe('师傅已出发');
    expect(est.earliestAt).toBe(down(now + 15 * MIN));
  });

  it('never lies in the past, and latest is never before earliest', () => {
    const odd = now + 2 * MIN + 17_000;
    const est = estimateQueue({ position: here, jobs: [job({ id: 1, category: 'x' })] }, odd).get(1)!;
    expect(est.earliestAt).toBeGreaterThanOrEqual(odd);
    expect(est.latestAt).toBeGreaterThanOrEqual(est.earliestAt);
    // Many orders, any mix of states: the same two rules hold for every estimate.
    const jobs = Array.from({ length: 60 }, (_, i) =>
      job({
        id: i + 1,
        priority: (['P1', 'P2', 'P3', 'P4'] as const)[i % 4],
        status: (['assigned', 'accepted', 'in_progress', 'paused'] as const)[i % 4],
        arrivedAt: i % 4 === 2 ? odd - i * 7 * MIN : null,
        dueAt: odd + ((i * 37) % 300) * MIN - 100 * MIN,
        place: i % 3 ? here : nowhere,
      }),
    );
    const all = estimateQueue({ position: null, jobs }, odd);
    expect(all.size).toBe(30);
    let lastLatest = 0;
    for (const id of workingOrder(jobs).map((j) => j.id)) {
      const e = all.get(id);
      if (!e) continue;
      expect(e.earliestAt).toBeGreaterThanOrEqual(odd);
      expect(e.latestAt).toBeGreaterThanOrEqual(e.earliestAt);
      // Later in the queue is never promised earlier.
      expect(e.latestAt).toBeGreaterThanOrEqual(lastLatest);
      lastLatest = e.latestAt;
    }
  });

  it('does not reorder its input', () => {
    const jobs = [job({ id: 2, dueAt: now + 9 * MIN }), job({ id: 1, dueAt: now })];
    estimateQueue({ position: here, jobs }, now);
    expect(jobs.map((j) => j.id)).toEqual([2, 1]);
  });
});

describe('estimateArrival', () => {
  const queue = { position: here, jobs: [job({ id: 5 })] };
  it('is null without a technician, for feedback, or once the visit happened', () => {
    expect(estimateArrival({ id: 5, kind: 'repair', status: 'submitted', assigneeId: null }, queue, now)).toBeNull();
    expect(estimateArrival({ id: 5, kind: 'repair', status: 'pooled', assigneeId: null }, queue, now)).toBeNull();
    expect(estimateArrival({ id: 5, kind: 'complaint', status: 'accepted', assigneeId: 7 }, queue, now)).toBeNull();
    expect(estimateArrival({ id: 5, kind: 'repair', status: 'in_progress', assigneeId: 7 }, queue, now)).toBeNull();
    expect(estimateArrival({ id: 5, kind: 'repair', status: 'accepted', assigneeId: 7 }, null, now)).toBeNull();
    expect(estimateArrival({ id: 6, kind: 'repair', status: 'accepted', assigneeId: 7 }, queue, now)).toBeNull();
  });
  it('answers the window of an assigned repair', () => {
    const target = { id: 5, kind: 'repair' as const, status: 'assigned' as const, assigneeId: 7 };
    expect(expectsArrival(target)).toBe(true);
    expect(estimateArrival(target, queue, now)).toMatchObject({ orderId: 5, ahead: 0 });
  });
});

describe('arrivalText', () => {
  const at = (hhmm: string, day = '2026-12-07') => Date.parse(`${day}T${hhmm}:00+08:00`);
  it('promises the latest bound, or the window', () => {
    const w = { earliestAt: at('10:40'), latestAt: at('11:05') };
    expect(arrivalText(w, now)).toBe('预计 11:05 前上门');
    expect(arrivalText(w, now, true)).toBe('预计 10:40–11:05 上门');
    expect(arrivalText({ earliestAt: at('11:05'), latestAt: at('11:05') }, now, true)).toBe('预计 11:05 前上门');
  });
  it('names another day, and reads ISO strings', () => {
    const tomorrow = {
      earliestAt: new Date(at('09:00', '2026-12-08')).toISOString(),
      latestAt: at('09:30', '2026-12-08'),
    };
    expect(arrivalText(tomorrow, now)).toBe('预计明天 09:30 前上门');
    expect(arrivalText(tomorrow, now, true)).toBe('预计明天 09:00–09:30 上门');
    expect(arrivalText({ earliestAt: at('09:00', '2026-12-20'), latestAt: at('09:30', '2026-12-20') }, now)).toBe(
      '预计12月20日 09:30 前上门',
    );
    // Across midnight: the latest bound's day, not a window that reads backwards.
    expect(arrivalText({ earliestAt: at('23:50'), latestAt: at('00:20', '2026-12-08') }, now, true)).toBe(
      '预计明天 00:20 前上门',
    );
  });
});

describe('chinaTimeText', () => {
  it('reads an instant next to now: the time today, else its day', () => {
    expect(chinaTimeText(Date.parse('2026-12-07T11:05:00+08:00'), now)).toBe('11:05');
    expect(chinaTimeText('2026-12-08T09:30:00+08:00', now)).toBe('明天 09:30');
    expect(chinaTimeText('2026-12-09T09:30:00+08:00', now)).toBe('后天 09:30');
    expect(chinaTimeText('2026-12-06T23:59:00+08:00', now)).toBe('12月6日 23:59');
  });
});
