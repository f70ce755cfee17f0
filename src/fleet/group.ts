import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/** Perl is part of every Debian system (perl-base is essential); its builtin setpgrp is setpgid(2). */
const PERL = '/usr/bin/perl';

/** The argv[0]-like marker that names a cluster's group leader in its command line. */
export const GROUP_MARKER = 'meridian-fleet-group';

/*
 * The leader makes a new process group inside the supervisor's session and waits on its stdin, a
 * pipe from the supervisor: when the supervisor dies, whatever the cause, the pipe reaches EOF and
 * the leader kills its whole group, so no component outlives the process that supervises it.
 */
const LEADER_SCRIPT = 'setpgrp(0, 0) or die "setpgid: $!\\n"; 1 while sysread(STDIN, my $b, 1); kill "KILL", -$$;';

/* Joins an existing group of the same session, then becomes the component (exec keeps the pid). */
const JOIN_SCRIPT = 'setpgrp(0, shift @ARGV) or die "setpgid: $!\\n"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\\n";';

/**
 * Starts the leader of a cluster's process group: a tiny process (about 5 MB) whose pid is the
 * group id that `fleet kill` and `fleet down` signal. Its command line names the state directory
 * and the cluster, so a recycled pid is never taken for it.
 */
export function spawnGroupLeader(stateDir: string, cluster: string): ChildProcess {
  if (!isAbsolute(stateDir)) throw new Error(`fleet state directory "${stateDir}" must be an absolute path`);
  const child = spawn(PERL, ['-e', LEADER_SCRIPT, GROUP_MARKER, '--state-dir', stateDir, '--cluster', cluster], {
    stdio: ['pipe', 'ignore', 'ignore'], env: {},
  });
  // The pipe is only held open; writes never happen, and its end is the leader's death.
  child.stdin?.on('error', () => undefined);
  return child;
}

/**
 * Spawns a command inside an existing process group (the cluster's), keeping the command's own
 * pid, exit code and signal: the wrapper execs the command after setpgid.
 */
export function spawnInGroup(pgid: number, command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(PERL, ['-e', JOIN_SCRIPT, String(pgid), command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
}

/** The argv of a process (empty when it is gone or a zombie). */
export function argvOf(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw ? raw.replace(/\0$/, '').split('\0') : [];
  } catch {
    return [];
  }
}

/** True when pid is the live group leader of that cluster in that state directory. */
export function isOurGroupLeader(pid: number, stateDir: string, cluster: string): boolean {
  const argv = argvOf(pid);
  const at = argv.indexOf(GROUP_MARKER);
  return at >= 0 && argv[at + 1] === '--state-dir' && argv[at + 2] === stateDir && argv[at + 3] === '--cluster' && argv[at + 4] === cluster;
}
