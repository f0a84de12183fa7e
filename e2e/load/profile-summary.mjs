#!/usr/bin/env node
// Summarize a V8 .cpuprofile (node --cpu-prof): where the samples fell, by function (self time)
// and by where the code lives (the app, a package in node_modules, Node itself).
//
//   node e2e/load/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** 'app server/src/…', 'pkg typeorm', 'node', 'gc', 'idle', 'program' */
function placeOf(url, name) {
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)') return 'idle';
  if (name === '(program)' || name === '(root)') return 'program';
  if (!url) return 'native';
  if (url.startsWith('node:')) return 'node';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg ${pkg[1]}`;
  const app = /\/(server\/dist|shared\/dist)\/(.*)$/.exec(url);
  return app ? `app ${app[1]}/${app[2]}` : url;
}

export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const byFrame = new Map();
  const byPlace = new Map();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const name = functionName || '(anonymous)';
    const place = placeOf(url, name);
    const frame = `${name}  ${place.startsWith('pkg ') || place.startsWith('app ') ? `${place}:${lineNumber + 1}` : place}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + ms);
    const group = place.startsWith('app ') ? 'app (server, shared)' : place;
    byPlace.set(group, (byPlace.get(group) ?? 0) + ms);
  }
  const busy = total - (byPlace.get('idle') ?? 0);
  const pct = (ms, of) => `${((ms / of) * 100).toFixed(1)}%`.padStart(6);
  const lines = [
    `${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (not idle)`,
    '',
    'by place (share of busy time):',
  ];
  for (const [place, ms] of [...byPlace]
    .filter(([p]) => p !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)) {
    lines.push(`  ${pct(ms, busy)}  ${place}`);
  }
  lines.push('', `top ${top} functions by self time (share of busy time):`);
  for (const [frame, ms] of [...byFrame]
    .filter(([f]) => !f.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`  ${pct(ms, busy)}  ${frame}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node e2e/load/profile-summary.mjs <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(top ?? 25)));
}
