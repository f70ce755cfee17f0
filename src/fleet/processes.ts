import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { argvOf } from './group.js';

/** True when a process with that pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Resident memory of a process in bytes (0 when gone). */
export function residentBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Pids of every process in a process group (read from /proc). */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Reads a recorded pid; undefined when absent. */
export function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * True when the recorded pid is still the supervisor we started (its arguments name the state
 * directory and the supervisor's id), so a recycled pid is never signalled.
 */
export function isOurSupervisor(pid: number, stateDir: string, id: string): boolean {
  const argv = argvOf(pid);
  return argv.includes('supervise') && valueAfter(argv, '--state-dir') === stateDir && valueAfter(argv, '--id') === id;
}

/** True when pid is a per-cluster supervisor of the layout before issue 14 (`supervise --cluster NAME`). */
export function isLegacySupervisor(pid: number, stateDir: string, cluster: string): boolean {
  const argv = argvOf(pid);
  return argv.includes('supervise') && valueAfter(argv, '--state-dir') === stateDir && valueAfter(argv, '--cluster') === cluster;
}

function valueAfter(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

/** Resident and proportional memory of a process in bytes (from smaps_rollup; zeros when gone). */
export function memoryOf(pid: number): { rssBytes: number; pssBytes: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rssBytes: kb('Rss'), pssBytes: kb('Pss') };
  } catch {
    return { rssBytes: 0, pssBytes: 0 };
  }
}

/** True when the process exists and is not a zombie (exited but not yet reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Signals a whole process group; false when it was already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
