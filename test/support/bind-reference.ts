// BIND 9 as the reference Meridian's DNS answers are compared with (dns-bind-differential tests):
// `named -g` on loopback, authoritative for zone files rendered from Meridian's snapshots, in a
// temp dir, stopped by the pid we started. Each named.conf option below is a decision about which
// BIND configuration corresponds to what Meridian intends; the comment beside it says why.

import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOnExit } from '../../src/util/exit-cleanup.js';
import { waitFor } from '../../src/util/wait.js';
import { exchangeRaw, rawQuery } from './dns-raw.js';
import { freePort } from './envtest.js';

/** A zone handed to BIND: its origin and its master file. */
export interface ReferenceZone {
  origin: string;
  text: string;
}

/** A running reference named. */
export interface ReferenceBind {
  port: number;
  pid: number;
  /** named's log so far, for diagnostics. */
  output(): string;
  stop(): Promise<void>;
}

/** The options block: authoritative only, configured the way Meridian answers. */
export function referenceOptions(dir: string, port: number): string[] {
  return [
    `  directory "${dir}";`,
    `  pid-file "${dir}/named.pid";`,
    `  session-keyfile "${dir}/session.key";`,
    `  listen-on port ${port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    // Meridian is authoritative only (no upstream configured): no recursion, no validation.
    '  recursion no;',
    '  dnssec-validation no;',
    // Meridian never puts the zone's NS RRset in the authority section of a positive answer, but
    // does add the addresses of SRV targets and name servers (answer.ts, additionalsFor): that is
    // "no-auth". BIND's default, no-auth-recursive, adds the NS RRset to every answer to a query
    // without RD, as authoritative servers are asked; "yes" drops the SRV targets' addresses.
    '  minimal-responses no-auth;',
    // Meridian implements no DNS Cookies, which RFC 7873 section 5.2 allows (the option is ignored);
    // malformed COOKIE options are still FORMERR in both (RFC 7873 section 5.2.2).
    '  answer-cookie no;',
    // Meridian offers no zone transfers (ADR 0005) and sends no NOTIFY; the zones' NS addresses are
    // documentation addresses off loopback, which BIND must not send NOTIFY to.
    '  allow-transfer { none; };',
    '  notify no;',
    // Left at BIND's defaults, matching Meridian's: max-udp-size 1232 (DnsServer maxUdpSize),
    // minimal-any no (Meridian answers ANY in full on loopback), rrset-order cyclic (RRset order
    // is not compared).
  ];
}

/** Starts named on a free loopback port serving `zones`; resolves once it answers a query. */
export async function startReferenceBind(zones: ReferenceZone[], namedPath = '/usr/sbin/named'): Promise<ReferenceBind> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-bind-ref-'));
  const port = await freePort();
  const conf = ['options {', ...referenceOptions(dir, port), '};', 'controls { };'];
  for (const [i, zone] of zones.entries()) {
    await writeFile(join(dir, `zone${i}.db`), zone.text);
    conf.push(`zone "${zone.origin}" { type primary; file "zone${i}.db"; };`);
  }
  await writeFile(join(dir, 'named.conf'), `${conf.join('\n')}\n`);
  const child: ChildProcess = spawn(namedPath, ['-g', '-n', '1', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'], env: {} });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  child.on('error', (err) => { log += `\nspawn error: ${err.message}`; });
  const forget = cleanupOnExit(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    forget();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await started(child, () => log, port);
    // Bounded, and cheap: the first query of a test must not be the one that finds named not ready.
    const soa = rawQuery({ name: zones[0]?.origin ?? '.', qtype: 6 });
    await waitFor(() => exchangeRaw(port, soa, 'udp', 300), { timeoutMs: 10_000, intervalMs: 50, what: `an answer from named on 127.0.0.1:${port}` });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, pid: child.pid!, output: () => log, stop };
}

/** Resolves when named logs that it runs; rejects at once when it exits or a zone fails to load. */
function started(child: ChildProcess, log: () => string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`named on 127.0.0.1:${port} did not start within 30 s`)), 30_000);
    const check = (): void => {
      if (/not loaded due to errors/.test(log())) done(new Error('a zone did not load'));
      else if (/ running$/m.test(log())) done(); // the line once the zones load, not "running on Linux..."
    };
    const exited = (code: number | null): void => done(new Error(`named exited with ${code}`));
    function done(err?: Error): void {
      clearTimeout(timer);
      child.stderr!.off('data', check);
      child.off('exit', exited);
      if (err) reject(new Error(`${err.message}:\n${log().slice(-3000)}`));
      else resolve();
    }
    child.stderr!.on('data', check);
    child.once('exit', exited);
  });
}

/** SIGTERM to a child we started, SIGKILL after 5 s; resolves when it has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}
