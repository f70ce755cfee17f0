// Who used the machine's two cores in a window of the gitops bench: CPU seconds of serve, of each
// role of the fleet (the hub's and the members' components apart), of the bench itself, and of the
// machine as a whole (/proc/stat), so the rest of a stage's time can be put on a process.

import { readdirSync, readFileSync } from 'node:fs';
import type { FleetSpec } from '../../src/fleet/layout.js';
import { cpuTicks, fleetProcesses } from '../scale/memory.js';

/** A snapshot of CPU ticks: per watched process, the bench's own, and the machine's busy and idle. */
interface Snapshot { procs: Map<number, number>; waits: Map<number, number>; main?: { waitS: number; runs: number }; self: number; busy: number; idle: number }

/** What the window cost, in CPU seconds, by row (serve, hub apiserver, members' apiservers, ...). */
export interface CpuWindow { rows: Array<{ what: string; cpuS: number; waitS?: number; mainWaitS?: number; mainRuns?: number }>; machineBusyS: number; machineIdleS: number; windowS: number }

/**
 * Seconds each process's threads spent runnable but waiting for a CPU (the run_delay of
 * /proc/PID/task/TID/schedstat, summed over threads): how much a process was starved, beside what it used.
 */
function runDelays(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    let ns = 0;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) || 0;
    } catch {
      // gone, or no schedstat: counts as no wait
    }
    out.set(pid, ns / 1e9);
  }
  return out;
}

function machine(): { busy: number; idle: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { busy: f.slice(0, 8).reduce((a, b) => a + b, 0) - idle, idle };
}

/** A process's main thread: seconds runnable but waiting for a CPU, and how many times it was put on one. */
function mainThreadDelay(pid: number): { waitS: number; runs: number } {
  try {
    const f = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ');
    return { waitS: Number(f[1]) / 1e9 || 0, runs: Number(f[2]) || 0 };
  } catch {
    return { waitS: 0, runs: 0 };
  }
}

/** The scheduler autogroup of a process (/proc/PID/autogroup, one per session when the kernel groups by session): the CPU is shared between groups first. */
export function autogroupOf(pid: number | undefined): string {
  try {
    return readFileSync(`/proc/${pid}/autogroup`, 'utf8').split(' ')[0].replace('/autogroup-', '#');
  } catch {
    return '-';
  }
}

/** The autogroups of serve and of each role of the fleet ("hub kube-apiserver #12, ..."). */
export function fleetAutogroups(spec: FleetSpec, servePid: number | undefined): string {
  const groups = new Map<string, Set<string>>([['meridian serve', new Set([autogroupOf(servePid)])]]);
  for (const p of fleetProcesses(spec)) {
    const what = p.cluster === 'hub' ? 'hub' : 'members';
    groups.set(what, (groups.get(what) ?? new Set()).add(autogroupOf(p.pid)));
  }
  return [...groups].map(([what, g]) => `${what} ${[...g].join(',')}`).join('; ');
}

/**
 * Starts a CPU window over serve (pid) and every process of the fleet; stop() returns the CPU
 * seconds each used meanwhile. Ticks are 1/100 s, so rows under 0.05 s are noise.
 */
export function startCpuWindow(spec: FleetSpec, servePid: number | undefined): { stop(): CpuWindow } {
  // A cluster's group leader may be the supervisor itself: each pid is counted once.
  const seen = new Set<number>();
  const procs = fleetProcesses(spec).filter((p) => p.role !== 'group leader' && !seen.has(p.pid) && Boolean(seen.add(p.pid)));
  const pids = [...procs.map((p) => p.pid), ...(servePid ? [servePid] : [])];
  const take = (): Snapshot => {
    const u = process.cpuUsage();
    return { procs: cpuTicks(pids), waits: runDelays(pids), main: servePid ? mainThreadDelay(servePid) : undefined, self: (u.user + u.system) / 1e4, ...machine() };
  };
  const started = performance.now();
  const before = take();
  return {
    stop(): CpuWindow {
      const after = take();
      const d = (pid: number) => ((after.procs.get(pid) ?? 0) - (before.procs.get(pid) ?? 0)) / 100;
      const w = (pid: number) => (after.waits.get(pid) ?? 0) - (before.waits.get(pid) ?? 0);
      const sums = new Map<string, { cpuS: number; waitS: number }>();
      const add = (what: string, cpuS: number, waitS = 0) => {
        const row = sums.get(what) ?? { cpuS: 0, waitS: 0 };
        sums.set(what, { cpuS: row.cpuS + cpuS, waitS: row.waitS + waitS });
      };
      if (servePid) add('meridian serve', d(servePid), w(servePid));
      for (const p of procs) add(p.role === 'supervisor' ? 'fleet supervisor (nodes, ingress)' : `${p.cluster === 'hub' ? 'hub' : 'members\''} ${p.role}`, d(p.pid), w(p.pid));
      add('this bench (watch, scrapes)', (after.self - before.self) / 100);
      // Serve's JavaScript runs on its main thread: its wait apart from the helper threads' (libuv, GC).
      // How many times it was put on a CPU: about one per wake-up, each paying a wait when the CPUs are busy.
      const mainWaitS = (after.main?.waitS ?? 0) - (before.main?.waitS ?? 0);
      const mainRuns = (after.main?.runs ?? 0) - (before.main?.runs ?? 0);
      const rows: CpuWindow['rows'] = [...sums].map(([what, r]) => ({ what, ...r, ...(what === 'meridian serve' ? { mainWaitS, mainRuns } : {}) })).sort((a, b) => b.cpuS - a.cpuS);
      const machineBusyS = (after.busy - before.busy) / 100;
      rows.push({ what: 'everything else on the machine', cpuS: Math.max(0, machineBusyS - rows.reduce((a, r) => a + r.cpuS, 0)) });
      return { rows, machineBusyS, machineIdleS: (after.idle - before.idle) / 100, windowS: (performance.now() - started) / 1000 };
    },
  };
}
