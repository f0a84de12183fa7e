// Micro-benchmark for the routing core. Build first: npx tsc -p tsconfig.build.json
// Run: node bench/routing-bench.mjs   (from shared/)
import { performance } from 'node:perf_hooks';
import { DEFAULT_ROUTING_WEIGHTS, rankCandidates } from '../dist/routing.js';
import { matchBacklog } from '../dist/assignment.js';

// Deterministic pseudo-random numbers (mulberry32) so that runs are comparable.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const NOW = Date.parse('2024-06-03T10:00:00+08:00');
const HOUR = 3_600_000;

function candidates(n, passRate, rand) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const passes = rand() < passRate;
    out.push({
      userId: i + 1,
      name: `师傅${i + 1}`,
      active: passes || rand() < 0.5,
      skills: passes || rand() < 0.5 ? { plumbing: 1 + Math.floor(rand() * 5), lift: 3 } : {},
      communityIds: [10, 11, 12].slice(0, 1 + Math.floor(rand() * 3)),
      buildingIds: rand() < 0.5 ? null : [1, 2, 3, 4, 5],
      teamIds: [100],
      onShift: passes || rand() < 0.5,
      onLeave: !passes && rand() < 0.3,
      openOrders: Math.floor(rand() * 6),
      capacity: 6,
      quality: rand() < 0.2 ? null : rand(),
      lastAssignedAt: rand() < 0.1 ? null : NOW - Math.floor(rand() * 72 * HOUR),
      distanceKm: rand() < 0.3 ? null : rand() * 15,
    });
  }
  return out;
}

const order = {
  category: 'plumbing',
  communityId: 10,
  buildingId: 3,
  priority: 'P2',
  excludedUserIds: [5, 17, 99],
  teamId: null,
};

function benchRank(label, list) {
  for (let i = 0; i < 50; i++) rankCandidates(order, list, DEFAULT_ROUTING_WEIGHTS, NOW);
  const times = [];
  let ranked = 0;
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const d = rankCandidates(order, list, DEFAULT_ROUTING_WEIGHTS, NOW);
    times.push((performance.now() - t0) * 1000);
    ranked = d.ranked.length;
  }
  console.log(
    `rankCandidates ${label}: ${list.length} candidates (${ranked} ranked), median ${median(times).toFixed(0)} µs, p90 ${[...times].sort((a, b) => a - b)[179].toFixed(0)} µs`,
  );
}

benchRank('mixed', candidates(1000, 0.6, rng(1)));
benchRank('all eligible', candidates(1000, 1, rng(2)));

function backlog(nOrders, nTechs, eligibleRate, seed) {
  const rand = rng(seed);
  const priorities = ['P1', 'P2', 'P3', 'P4'];
  const orders = Array.from({ length: nOrders }, (_, i) => ({
    id: i + 1,
    priority: priorities[Math.floor(rand() * 4)],
    createdAt: NOW - Math.floor(rand() * 96 * HOUR),
  }));
  const slots = Array.from({ length: nTechs }, (_, i) => ({
    technicianId: 1000 + i,
    free: 1 + Math.floor(rand() * 3),
  }));
  const table = new Map();
  for (const o of orders) {
    for (const s of slots) {
      if (rand() < eligibleRate) table.set(o.id * 100_000 + s.technicianId, rand());
    }
  }
  const score = (o, t) => table.get(o.id * 100_000 + t) ?? null;
  return { orders, slots, score };
}

for (const rate of [0.3, 1]) {
  const { orders, slots, score } = backlog(500, 200, rate, 7);
  const freeSlots = slots.reduce((s, x) => s + x.free, 0);
  matchBacklog(orders, slots, score, NOW); // warm-up
  const times = [];
  let matched = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    matched = matchBacklog(orders, slots, score, NOW).length;
    times.push(performance.now() - t0);
  }
  console.log(
    `matchBacklog: 500 orders x 200 technicians (${freeSlots} free slots, ${rate * 100}% eligible pairs): ${matched} matched, median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
  );
}
