// Where serve's CPU went in one window of a V8 CPU profile (node --cpu-prof):
//   npx tsx bench/gitops/profile-window.ts PROFILE.cpuprofile [FROM TO] [--top 30]
// FROM and TO are CLOCK_MONOTONIC microseconds (the profile's own clock; fleet-sync.bench.ts
// --profile-serve prints its commit window so). Prints self and inclusive time per function, with
// the share of the window's samples, and the busy share (everything but idle).

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
const [file, fromArg, toArg] = positionals;
if (!file) throw new Error('usage: profile-window.ts PROFILE.cpuprofile [FROM TO] [--top N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const from = fromArg ? Number(fromArg) : profile.startTime;
const to = toArg ? Number(toArg) : profile.endTime;
const top = Number(values.top);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const root = process.cwd();
const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const where = url ? `${url.startsWith('/') ? relative(root, url) : url}:${n.callFrame.lineNumber + 1}` : '';
  return `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
let t = profile.startTime;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i];
  if (t < from || t > to) return;
  // A sample stands for the time until the next one.
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  total += dt;
  const node = byId.get(id);
  if (!node) return;
  if (node.callFrame.functionName === '(idle)') { idle += dt; return; }
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur) as ProfileNode);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
  }
});

const print = (title: string, m: Map<string, number>) => {
  console.log(title);
  for (const [l, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / Math.max(total, 1)).toFixed(1).padStart(5)}%  ${l}`);
};
console.log(`window ${((to - from) / 1e6).toFixed(2)} s, sampled ${(total / 1000).toFixed(2)} s, busy ${((total - idle) / 1000).toFixed(2)} s (${((100 * (total - idle)) / Math.max(total, 1)).toFixed(0)}%)`);
print('self time:', self);
print('inclusive time:', inclusive);
