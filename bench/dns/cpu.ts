// CPU time a server process and its children used, from /proc: under a loaded machine the CPU
// each server spends per query is steadier than its queries per second.

import { readdirSync, readFileSync } from 'node:fs';
import { clockTicksPerSecond } from './ticks.js';

/** utime+stime of `pid` and its direct children (cluster workers), in milliseconds. */
export function cpuMsOfTree(pid: number): number {
  let ticks = ticksOf(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(Number(entry));
    if (stat && Number(stat[1]) === pid) ticks += Number(stat[11]) + Number(stat[12]);
  }
  return (ticks * 1000) / clockTicksPerSecond();
}

/**
 * utime+stime of this process's children that have been waited for (cutime+cstime), in
 * milliseconds: the difference across one dnsperf run is dnsperf's own CPU time.
 */
export function waitedChildrenCpuMs(): number {
  const stat = statFields(process.pid);
  return stat ? ((Number(stat[13]) + Number(stat[14])) * 1000) / clockTicksPerSecond() : 0;
}

function ticksOf(pid: number): number {
  const stat = statFields(pid);
  return stat ? Number(stat[11]) + Number(stat[12]) : 0;
}

/** Fields of /proc/pid/stat after the command name: [state, ppid, ..., utime at 11, stime at 12, cutime at 13, cstime at 14]. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
