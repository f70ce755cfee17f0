// Who used the machine's two cores in a window of the gitops bench: CPU seconds of serve, of each
// role of the fleet (the hub's and the members' components apart), of the bench itself, and of the
// machine as a whole (/proc/stat), so the rest of a stage's time can be put on a process.

import { readFileSync } from 'node:fs';
import type { FleetSpec } from '../../src/fleet/layout.js';
import { cpuTicks, fleetProcesses } from '../scale/memory.js';

/** A snapshot of CPU ticks: per watched process, the bench's own, and the machine's busy and idle. */
interface Snapshot { procs: Map<number, number>; self: number; busy: number; idle: number }

/** What the window cost, in CPU seconds, by row (serve, hub apiserver, members' apiservers, ...). */
export interface CpuWindow { rows: Array<{ what: string; cpuS: number }>; machineBusyS: number; machineIdleS: number; windowS: number }

function machine(): { busy: number; idle: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { busy: f.slice(0, 8).reduce((a, b) => a + b, 0) - idle, idle };
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
    return { procs: cpuTicks(pids), self: (u.user + u.system) / 1e4, ...machine() };
  };
  const started = performance.now();
  const before = take();
  return {
    stop(): CpuWindow {
      const after = take();
      const d = (pid: number) => ((after.procs.get(pid) ?? 0) - (before.procs.get(pid) ?? 0)) / 100;
      const sums = new Map<string, number>();
      const add = (what: string, s: number) => sums.set(what, (sums.get(what) ?? 0) + s);
      if (servePid) add('meridian serve', d(servePid));
      for (const p of procs) add(p.role === 'supervisor' ? 'fleet supervisor (nodes, ingress)' : `${p.cluster === 'hub' ? 'hub' : 'members\''} ${p.role}`, d(p.pid));
      add('this bench (watch, scrapes)', (after.self - before.self) / 100);
      const rows = [...sums].map(([what, cpuS]) => ({ what, cpuS })).sort((a, b) => b.cpuS - a.cpuS);
      const machineBusyS = (after.busy - before.busy) / 100;
      rows.push({ what: 'everything else on the machine', cpuS: Math.max(0, machineBusyS - rows.reduce((a, r) => a + r.cpuS, 0)) });
      return { rows, machineBusyS, machineIdleS: (after.idle - before.idle) / 100, windowS: (performance.now() - started) / 1000 };
    },
  };
}
