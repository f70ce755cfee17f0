import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { clusterPaths, supervisorIdOf, supervisorPaths, type FleetSpec } from '../../src/fleet/layout.js';
import { memoryOf, readPid } from '../../src/fleet/processes.js';
import { readStatus } from '../../src/fleet/status.js';

/** The roles a fleet's memory is split into. */
export const ROLES = ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler', 'supervisor', 'group leader'] as const;
export type Role = (typeof ROLES)[number];

/** One process of the fleet and what it is for. */
export interface RoleProcess { role: Role; cluster?: string; pid: number }

/** Every process of the fleet: each cluster's components and group leader, and the supervisors. */
export function fleetProcesses(spec: FleetSpec): RoleProcess[] {
  const out: RoleProcess[] = [];
  for (const c of spec.clusters) {
    const st = readStatus(clusterPaths(spec, c.name).status);
    if (!st) throw new Error(`${c.name}: no status file`);
    for (const [name, s] of Object.entries(st.components)) if (s.pid) out.push({ role: name as Role, cluster: c.name, pid: s.pid });
    if (st.groupPid) out.push({ role: 'group leader', cluster: c.name, pid: st.groupPid });
  }
  for (const id of new Set(spec.clusters.map((c) => supervisorIdOf(spec, c.name)))) {
    const pid = readPid(supervisorPaths(spec, id).pid);
    if (pid) out.push({ role: 'supervisor', pid });
  }
  return out;
}

/** Memory by role, in MiB per member cluster (the supervisors' memory shared over every cluster it runs). */
export interface PerMember { rss: Record<Role, number>; pss: Record<Role, number>; rssTotal: number; pssTotal: number }

/**
 * Samples the fleet's memory `samples` times, `intervalMs` apart, and returns the median sample,
 * per member cluster: a role's memory over the members (the hub is left out of the average, it
 * has one node and no ingress), the supervisors' over every cluster they run.
 */
export async function memoryPerMember(spec: FleetSpec, samples = 3, intervalMs = 5000): Promise<PerMember> {
  const procs = fleetProcesses(spec);
  const members = new Set(spec.clusters.filter((c) => c.role === 'member').map((c) => c.name));
  const taken: PerMember[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, intervalMs));
    const rss = zero();
    const pss = zero();
    for (const p of procs) {
      const m = memoryOf(p.pid);
      if (m.rssBytes === 0) throw new Error(`${p.role} ${p.cluster ?? ''} (pid ${p.pid}) is gone`);
      const shared = p.role === 'supervisor';
      if (!shared && !members.has(p.cluster ?? '')) continue;
      const over = shared ? spec.clusters.length : members.size;
      rss[p.role] += m.rssBytes / 2 ** 20 / over;
      pss[p.role] += m.pssBytes / 2 ** 20 / over;
    }
    const sum = (r: Record<Role, number>) => ROLES.reduce((n, k) => n + r[k], 0);
    taken.push({ rss, pss, rssTotal: sum(rss), pssTotal: sum(pss) });
  }
  return taken.sort((a, b) => a.pssTotal - b.pssTotal)[Math.floor(taken.length / 2)];
}

function zero(): Record<Role, number> {
  return Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
}

/** CPU seconds (user + system) used so far by a process and every descendant it has now. */
export function cpuSecondsOfTree(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      ticks.set(Number(entry), Number(f[11]) + Number(f[12]));
    } catch {
      // gone while we looked
    }
  }
  let total = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop() as number;
    total += ticks.get(pid) ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total / 100;
}

/** Resident memory of a process and its descendants, in MiB. */
export function rssOfTree(root: number): number {
  let total = memoryOf(root).rssBytes;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === root) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === root) total += memoryOf(Number(entry)).rssBytes;
    } catch {
      // gone while we looked
    }
  }
  return total / 2 ** 20;
}

/** CPU seconds (user + system) each process has used so far; 0 for one that is gone. */
export function cpuTicks(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      out.set(pid, 0);
    }
  }
  return out;
}

/** CPU by role, in percent of one CPU per member cluster, over a window. */
export interface CpuPerMember { pct: Record<Role, number>; total: number; windowS: number }

/**
 * The fleet's CPU by role while it idles: CPU ticks of every process at the start and the end of
 * `windowMs`, per member cluster (members' components averaged over the members, the supervisors'
 * over every cluster they run, as memoryPerMember does). `during` runs inside the window.
 */
export async function cpuPerMember(spec: FleetSpec, windowMs: number, during: () => Promise<unknown> = async () => undefined): Promise<CpuPerMember> {
  const procs = fleetProcesses(spec);
  const members = new Set(spec.clusters.filter((c) => c.role === 'member').map((c) => c.name));
  const started = Date.now();
  const before = cpuTicks(procs.map((p) => p.pid));
  await during();
  await new Promise((r) => setTimeout(r, Math.max(0, windowMs - (Date.now() - started))));
  const after = cpuTicks(procs.map((p) => p.pid));
  const windowS = (Date.now() - started) / 1000;
  const pct = zero();
  for (const p of procs) {
    const shared = p.role === 'supervisor';
    if (!shared && !members.has(p.cluster ?? '')) continue;
    const ticks = (after.get(p.pid) ?? 0) - (before.get(p.pid) ?? 0);
    pct[p.role] += ticks / 100 / windowS * 100 / (shared ? spec.clusters.length : members.size);
  }
  return { pct, total: ROLES.reduce((n, k) => n + pct[k], 0), windowS };
}

/** One-minute load averages seen while something ran: sampled every intervalMs. */
export class LoadSampler {
  private readonly seen: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 5000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    this.seen.push(loadavg()[0]);
  }

  /** Stops sampling; returns the lowest, mean and highest load average seen. */
  stop(): { min: number; mean: number; max: number } {
    clearInterval(this.timer);
    this.sample();
    return { min: Math.min(...this.seen), mean: this.seen.reduce((a, b) => a + b, 0) / this.seen.length, max: Math.max(...this.seen) };
  }
}
