import { readFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** The state of one supervised component. */
export interface ComponentStatus {
  pid?: number;
  state: 'starting' | 'running' | 'crashed' | 'stopped';
  restarts: number;
  startedAt?: string;
  /** The last unexpected exit, kept so that a crash is reported even after a restart. */
  lastExit?: { code: number | null; signal: string | null; at: string; logTail: string };
}

/** What the supervisor reports about one cluster in its status file. */
export interface SupervisorStatus {
  cluster: string;
  supervisorPid: number;
  /** The cluster's process group id: the pid of its group leader. */
  groupPid?: number;
  startedAt: string;
  updatedAt: string;
  /** `queued`: waiting for its turn to boot (clusters boot a few at a time). */
  phase: 'queued' | 'starting' | 'ready' | 'degraded' | 'stopping' | 'stopped' | 'failed';
  /** Milliseconds from supervisor start to every node Ready. */
  readyAfterMs?: number;
  components: Record<string, ComponentStatus>;
  nodes: { total: number; ready: number };
  ingress?: { address: string; port: number; listening: boolean };
  message?: string;
}

/** Writes the status file atomically. */
export async function writeStatus(path: string, status: SupervisorStatus): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(status, null, 2));
  await rename(tmp, path);
}

/** Writes the status file atomically before returning (a status written before any other of its cluster's). */
export function writeStatusSync(path: string, status: SupervisorStatus): void {
  const tmp = `${path}.queued.tmp`;
  writeFileSync(tmp, JSON.stringify(status, null, 2));
  renameSync(tmp, path);
}

/** Reads the status file; undefined when absent or unreadable. */
export function readStatus(path: string): SupervisorStatus | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}
