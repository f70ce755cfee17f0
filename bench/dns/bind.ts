// BIND 9 serving a zone file on loopback for the benchmark: a temporary directory with named.conf
// and the zone, `named -g` started in the foreground, stopped by the pid we started.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running named. */
export interface BindServer {
  pid: number;
  port: number;
  /** Worker threads named runs with. */
  threads: number;
  stop(): Promise<void>;
}

/** Starts named on 127.0.0.1:port serving `zoneText` as `origin`; resolves once it is running. */
export async function startBind(namedPath: string, origin: string, zoneText: string, port: number, threads: number): Promise<BindServer> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-bind-'));
  writeFileSync(join(dir, 'zone.db'), zoneText);
  writeFileSync(join(dir, 'named.conf'), [
    'options {',
    `  directory "${dir}";`,
    `  listen-on port ${port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    `  pid-file "${join(dir, 'named.pid')}";`,
    '  recursion no;',
    '  dnssec-validation no;',
    '  minimal-responses no-auth;',
    '};',
    'controls { };',
    `zone "${origin}" { type primary; file "zone.db"; };`,
    '',
  ].join('\n'));
  const child = spawn(namedPath, ['-g', '-c', join(dir, 'named.conf'), '-n', String(threads)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`named did not start within 20 s:\n${log.slice(-2000)}`)), 20_000);
    // The line once the zones have loaded, not the first one ("running on Linux ..."); a zone that
    // fails to load is an error, not a server answering REFUSED for it.
    child.stderr!.on('data', () => {
      if (/not loaded due to errors/.test(log)) { clearTimeout(timer); reject(new Error(`named did not load the zone:\n${log.slice(-2000)}`)); } else if (/ running$/m.test(log)) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`named exited with ${code}:\n${log.slice(-2000)}`)); });
  });
  return { pid: child.pid!, port, threads, stop: () => stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true })) };
}

/** Sends SIGTERM to a child we started and waits for it to exit (SIGKILL after 5 s). */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}
