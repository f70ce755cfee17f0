// Who held the CPUs while serve's main thread waited for one, from a `perf record` of the
// scheduler (fleet-sync.bench.ts --sched-trace):
//   npx tsx bench/gitops/sched-window.ts FILE SERVE_PID [FROM TO]
// FROM and TO are CLOCK_MONOTONIC microseconds (the bench prints its commit window so). Prints how
// often and how long the main thread waited (after a wake-up, after being preempted), and, summed
// over those waits, what ran on each CPU meanwhile, by command and priority (120 is nice 0).

import { spawnSync } from 'node:child_process';

const [file, pidArg, fromArg, toArg] = process.argv.slice(2);
if (!file || !pidArg) throw new Error('usage: sched-window.ts FILE SERVE_PID [FROM TO]');
const serve = Number(pidArg);
const from = fromArg ? Number(fromArg) / 1e6 : 0;
const to = toArg ? Number(toArg) / 1e6 : Infinity;

const out = spawnSync('perf', ['script', '-i', file, '-F', 'comm,pid,tid,cpu,time,event,trace'], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (out.status !== 0) throw new Error(`perf script: ${out.stderr}`);

// "  comm  pid/tid [cpu] time: sched:event: fields"
const LINE = /^\s*(.+?)\s+(\d+)\/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$/;
const field = (text: string, name: string) => new RegExp(`${name}=(\\S+)`).exec(text)?.[1] ?? '';

interface Running { what: string; since: number }
const running = new Map<number, Running>(); // cpu -> what runs there now
const heldWhileWaiting = new Map<string, number>();
let waitingSince: number | undefined;
let waitKind: 'wake-up' | 'preempted' | undefined;
const waits: Array<{ s: number; kind: string }> = [];
let runs = 0;
let onCpuS = 0;
let inSince: number | undefined;
const pidOf = new Map<number, string>(); // tid -> "comm pid" of its process, as seen

function charge(cpu: number, until: number): void {
  const r = running.get(cpu);
  if (!r || waitingSince === undefined) return;
  const start = Math.max(r.since, waitingSince);
  if (until > start) heldWhileWaiting.set(r.what, (heldWhileWaiting.get(r.what) ?? 0) + until - start);
}

for (const line of out.stdout.split('\n')) {
  const m = LINE.exec(line);
  if (!m) continue;
  const [, comm, pid, tid, cpuS, timeS, event, rest] = m;
  const t = Number(timeS);
  const cpu = Number(cpuS);
  pidOf.set(Number(tid), `${comm.trim()} ${pid}`);
  if (t < from || t > to) {
    if (event === 'sched_switch') running.set(cpu, { what: describe(Number(field(rest, 'next_pid')), field(rest, 'next_comm'), field(rest, 'next_prio')), since: t });
    continue;
  }
  if (event === 'sched_waking' && Number(field(rest, 'pid')) === serve && waitingSince === undefined) {
    waitingSince = t;
    waitKind = 'wake-up';
  } else if (event === 'sched_switch') {
    const prev = Number(field(rest, 'prev_pid'));
    const next = Number(field(rest, 'next_pid'));
    if (waitingSince !== undefined) for (const c of running.keys()) charge(c, t);
    // Charged up to now: what runs from here on is charged from now.
    for (const r of running.values()) if (waitingSince !== undefined) r.since = t;
    if (prev === serve) {
      runs++;
      if (inSince !== undefined) onCpuS += t - inSince;
      inSince = undefined;
      if (field(rest, 'prev_state').startsWith('R')) { waitingSince = t; waitKind = 'preempted'; }
    }
    if (next === serve) {
      if (waitingSince !== undefined) waits.push({ s: t - waitingSince, kind: waitKind ?? '' });
      waitingSince = undefined;
      inSince = t;
    }
    running.set(cpu, { what: describe(next, field(rest, 'next_comm'), field(rest, 'next_prio')), since: t });
  }
}

function describe(tid: number, comm: string, prio: string): string {
  if (tid === 0) return 'idle';
  if (tid === serve) return 'serve main thread';
  const proc = pidOf.get(tid) ?? comm;
  const [pcomm, pid] = proc.split(' ');
  return `${Number(pid) === serve ? 'serve (other threads)' : pcomm}${prio !== '120' ? ` (prio ${prio})` : ''}`;
}

const total = (kind?: string) => waits.filter((w) => !kind || w.kind === kind).reduce((a, w) => a + w.s, 0);
const sorted = waits.map((w) => w.s).sort((a, b) => a - b);
const q = (p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 1000 : 0;
console.log(`serve's main thread (pid ${serve}) over ${to === Infinity ? 'the whole trace' : `${(to - from).toFixed(2)} s`}: ${runs} runs, ${onCpuS.toFixed(3)} s on a CPU`);
console.log(`  waited ${total().toFixed(3)} s in ${waits.length} waits: after a wake-up ${total('wake-up').toFixed(3)} s, after being preempted ${total('preempted').toFixed(3)} s`);
console.log(`  one wait: p50 ${q(0.5).toFixed(2)} ms, p90 ${q(0.9).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, longest ${q(1).toFixed(1)} ms; waits over 10 ms: ${sorted.filter((s) => s > 0.01).length}, ${sorted.filter((s) => s > 0.01).reduce((a, s) => a + s, 0).toFixed(3)} s`);
console.log('  what the two CPUs ran while it waited (CPU-seconds, summed over both):');
for (const [what, s] of [...heldWhileWaiting].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`    ${what.padEnd(40)}${s.toFixed(3).padStart(8)} s`);
