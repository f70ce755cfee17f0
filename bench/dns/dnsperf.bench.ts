// Meridian's DNS server against BIND 9 with dnsperf, in one run, on loopback.
//   npx tsx bench/dns/dnsperf.bench.ts [--services 1000] [--seconds 10] [--rounds 3] [--clients 10] [--outstanding 100] [--bind-threads N] [--workers N] [--dns-io both|native|node] [--floor native|node|both|0]
// --workers: Meridian DNS worker processes answering the port (default: the number of CPUs, as BIND's
// threads); 0 is the in-process single-thread server. --dns-io: the UDP I/O path Meridian runs with
// (src/dns/udp-native.ts): native (the batched addon, each worker its own SO_REUSEPORT socket),
// node (dgram, one socket shared by the workers), both (the default: two Meridian servers, measured
// in the same rounds). --floor (default native) also measures the floor of that I/O path
// (bench/dns/floor-server.ts: the same workers, each datagram echoed with QR set and nothing else):
// what the path costs before any DNS work.
// Both serve the same zone (BIND from a zone file rendered from Meridian's snapshot); answers are
// compared first. Throughput runs alternate between the servers for several rounds (the machine
// may be shared, so alternation spreads noise evenly) and the median counts; verbose runs, also
// alternating, give per-query latencies for p50/p99 (pooled over the rounds). CPU time per query
// (server process and its workers, from /proc) is printed beside, and, with workers, the time a
// snapshot change takes to reach every worker (measured by the server process at start).

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { renderZoneFile } from '../../src/dns/zonefile.js';
import { startBind, stopChild } from './bind.js';
import { runDnsperf, type DnsperfResult } from './dnsperf.js';
import { cpuMsOfTree, waitedChildrenCpuMs } from './cpu.js';
import { freePort } from './ports.js';
import { BENCH_ORIGIN, benchSnapshot, queryFile } from './zone.js';

const { values } = parseArgs({ options: {
  services: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' }, clients: { type: 'string', default: '10' },
  outstanding: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' }, 'bind-threads': { type: 'string', default: String(cpus().length) }, workers: { type: 'string', default: String(cpus().length) },
  'dns-io': { type: 'string', default: 'both' }, floor: { type: 'string', default: 'native' }, named: { type: 'string', default: '/usr/sbin/named' },
} });
const services = Number(values.services);
const seconds = Number(values.seconds);
const ioPaths = (flag: string, what: string): Array<'native' | 'node'> => {
  if (flag === 'both') return ['native', 'node'];
  if (flag === 'native' || flag === 'node') return [flag];
  if (flag === '0' && what === '--floor') return [];
  throw new Error(`${what}: expected native, node or both${what === '--floor' ? ' or 0' : ''}, got ${flag}`);
};
const meridianIo = ioPaths(values['dns-io']!, '--dns-io');
const floorIo = ioPaths(values.floor === '1' ? 'native' : values.floor!, '--floor');
const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-dns-'));
const queries = join(dir, 'queries.txt');
const snapshot = benchSnapshot(services);
writeFileSync(queries, queryFile(services));

/** One server under test: Meridian on one I/O path, BIND, or a floor. */
interface Target { label: string; port: number; pid: number; info?: Started; child?: ReturnType<typeof spawn> }

const here = dirname(fileURLToPath(import.meta.url));
const workersLabel = Number(values.workers) > 0 ? `-w ${values.workers}` : '-w 0';
const children: Array<ReturnType<typeof spawn>> = [];
const spawnServer = (script: string, args: string[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
};
const meridianChildren = meridianIo.map((io) => ({ io, child: spawnServer('meridian-server.ts', [String(services), values.workers!, '20', io]) }));
const floorChildren = await Promise.all(floorIo.map(async (io) => ({ io, child: spawnServer('floor-server.ts', [String(await freePort()), values.workers!, io]) })));
const bind = await startBind(values.named!, BENCH_ORIGIN, renderZoneFile(snapshot), await freePort(), Number(values['bind-threads']));
try {
  const meridians: Target[] = [];
  for (const { io, child } of meridianChildren) {
    const info = await firstJsonLine(child);
    // The label says what the server really runs: native asked for but not loaded runs on node.
    meridians.push({ label: `meridian ${info.udpIo ?? io} ${workersLabel}`, port: info.port, pid: child.pid!, info, child });
    if (info.udpIoFallback) console.log(`Meridian asked for ${io} UDP I/O: ${info.udpIoFallback}`);
  }
  const floors: Target[] = [];
  for (const { io, child } of floorChildren) floors.push({ label: `floor ${io} ${workersLabel}`, port: (await firstJsonLine(child)).port, pid: child.pid! });
  const bindTarget: Target = { label: `bind9 -n ${bind.threads}`, port: bind.port, pid: bind.pid };
  const targets = [...meridians, bindTarget, ...floors];
  console.log(`zone: ${services} services, ${snapshot.size} records; ${targets.map((t) => `${t.label} pid ${t.pid} port ${t.port}`).join('; ')}; ${cpus().length} CPUs`);
  for (const m of meridians) await compareAnswers(m.label, m.port, bind.port);
  const loads: number[] = [loadavg()[0]!];
  const cpu = new Map<Target, { ms: number; queries: number; dnsperfMs: number }>();
  const run = async (t: Target, verbose: boolean) => {
    const before = cpuMsOfTree(t.pid);
    const dnsperfBefore = waitedChildrenCpuMs();
    const result = await runDnsperf({ port: t.port, queryFile: queries, seconds: verbose ? Math.min(5, seconds) : seconds, clients: Number(values.clients), outstanding: Number(values.outstanding), verbose });
    const who = cpu.get(t) ?? { ms: 0, queries: 0, dnsperfMs: 0 };
    who.ms += cpuMsOfTree(t.pid) - before;
    who.dnsperfMs += waitedChildrenCpuMs() - dnsperfBefore;
    who.queries += result.completed;
    cpu.set(t, who);
    loads.push(loadavg()[0]!);
    return result;
  };
  for (const t of targets) await run(t, false); // warm-up: JIT, caches
  cpu.clear();
  const plain = new Map<Target, DnsperfResult[]>(targets.map((t) => [t, []]));
  const verbose = new Map<Target, DnsperfResult[]>(targets.map((t) => [t, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const t of targets) plain.get(t)!.push(await run(t, false));
    console.log(`round ${round + 1}: ${targets.map((t) => `${t.label} ${plain.get(t)![round]!.qps.toFixed(0)} QPS`).join(', ')}`);
  }
  for (let round = 0; round < Number(values.rounds); round++) for (const t of targets) verbose.get(t)!.push(await run(t, true));
  const m = (t: Target) => median(plain.get(t)!);
  const v = (t: Target) => pooled(verbose.get(t)!);
  const b = m(bindTarget);
  const bv = v(bindTarget);
  console.log(`\ndnsperf -s 127.0.0.1 -d queries.txt -l ${seconds} -c ${values.clients} -q ${values.outstanding} (no -Q limit), median of ${values.rounds} alternating rounds; latency runs add -v -l ${Math.min(5, seconds)}, ${values.rounds} alternating rounds pooled`);
  console.log(row('server', 'QPS', 'avg ms', 'lost', 'p50 ms (-v)', 'p99 ms (-v)', 'QPS (-v)', 'CPU us/q'));
  const perQuery = (t: Target) => { const c = cpu.get(t); return c && c.queries > 0 ? (c.ms * 1000) / c.queries : NaN; };
  const dnsperfPerQuery = (t: Target) => { const c = cpu.get(t); return c && c.queries > 0 ? (c.dnsperfMs * 1000) / c.queries : NaN; };
  for (const t of targets) console.log(row(t.label, ...figures(m(t), v(t)), perQuery(t).toFixed(1)));
  const best = (rs: DnsperfResult[]) => Math.max(...rs.map((r) => r.qps));
  for (const t of meridians) {
    const ms = plain.get(t)!;
    const bs = plain.get(bindTarget)!;
    const paired = ms.map((r, i) => r.qps / bs[i]!.qps).sort((x, y) => x - y);
    const tv = v(t);
    console.log(`\n${t.label} / BIND throughput (goal >= 1.00): medians ${(m(t).qps / b.qps).toFixed(2)} (${m(t).qps.toFixed(0)} vs ${b.qps.toFixed(0)} QPS), best runs ${(best(ms) / best(bs)).toFixed(2)}, per-round ${paired.map((x) => x.toFixed(2)).join(' ')}; verbose runs ${(tv.qps / bv.qps).toFixed(2)}`);
    console.log(`  p99 (goal: <= BIND's): ${tv.p99Ms!.toFixed(3)} ms vs BIND ${bv.p99Ms!.toFixed(3)} ms; p50 ${tv.p50Ms!.toFixed(3)} vs ${bv.p50Ms!.toFixed(3)} ms`);
    console.log(`  CPU per query (server and workers, /proc utime+stime, all timed runs): ${perQuery(t).toFixed(1)} us vs BIND ${perQuery(bindTarget).toFixed(1)} us (ratio ${(perQuery(t) / perQuery(bindTarget)).toFixed(2)}); dnsperf's own: ${dnsperfPerQuery(t).toFixed(1)} vs ${dnsperfPerQuery(bindTarget).toFixed(1)} us`);
    const floor = floors.find((f) => f.label.startsWith(`floor ${t.info?.udpIo}`));
    if (floor) console.log(`  its floor (echo on the same I/O path and workers): ${m(floor).qps.toFixed(0)} QPS = ${(m(floor).qps / b.qps).toFixed(2)}x BIND; Meridian reaches ${(m(t).qps / m(floor).qps).toFixed(2)} of it and spends ${(perQuery(t) - perQuery(floor)).toFixed(1)} us per query above its CPU`);
    if (t.info?.propagationMs?.length) {
      const p = [...t.info.propagationMs].sort((x, y) => x - y);
      console.log(`  snapshot propagation (publish -> every one of ${values.workers} workers serving it, ${p.length} changes of the ${snapshot.size}-record zone): median ${p[Math.floor(p.length / 2)]!.toFixed(1)} ms, max ${p[p.length - 1]!.toFixed(1)} ms`);
    }
    console.log(`  response codes: ${m(t).rcodes}`);
  }
  console.log(`\nresponse codes (BIND): ${b.rcodes}`);
  console.log(`load average (1 min) over the runs: min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}, at the end ${loads[loads.length - 1]!.toFixed(2)}`);
} finally {
  await Promise.all([bind.stop(), ...children.map((c) => stopChild(c))]);
  rmSync(dir, { recursive: true, force: true });
}

function median(results: DnsperfResult[]): DnsperfResult {
  return [...results].sort((x, y) => x.qps - y.qps)[Math.floor(results.length / 2)]!;
}

/** Verbose runs merged: QPS averaged, latency percentiles over every query of every run. */
function pooled(results: DnsperfResult[]): DnsperfResult {
  const all = results.flatMap((r) => r.latenciesMs ?? []).sort((x, y) => x - y);
  const at = (q: number) => all[Math.min(all.length - 1, Math.floor(all.length * q))]!;
  return { ...results[0]!, qps: results.reduce((s, r) => s + r.qps, 0) / results.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

function figures(plain: DnsperfResult, verbose: DnsperfResult): string[] {
  return [plain.qps.toFixed(0), plain.avgLatencyMs.toFixed(3), String(plain.lost), verbose.p50Ms!.toFixed(3), verbose.p99Ms!.toFixed(3), verbose.qps.toFixed(0)];
}

function row(...cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(24) : c.padStart(12))).join(' ');
}

/** What a server process reports on its first stdout line. */
interface Started { port: number; propagationMs?: number[]; udpIo?: 'native' | 'node'; udpIoFallback?: string }

function firstJsonLine(child: ReturnType<typeof spawn>): Promise<Started> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Meridian DNS server did not report its port within 90 s')), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) { clearTimeout(timer); resolve(JSON.parse(text.split('\n')[0]!) as Started); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Meridian DNS server exited with ${code}`)); });
  });
}

/** Asks both servers the first 200 queries of the mix with dig and stops on any difference. */
async function compareAnswers(label: string, meridianPort: number, bindPort: number): Promise<void> {
  const run = promisify(execFile);
  const lines = queryFile(services, 200).trim().split('\n');
  const ask = async (port: number, line: string) => {
    const [name, type] = line.split(' ');
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+norec', '+noall', '+comments', '+answer', '+authority', '+additional', name!, type!]);
    const status = /status: (\w+)/.exec(stdout)?.[1];
    const records = stdout.split('\n').filter((l) => l && !l.startsWith(';')).map((l) => l.split(/\s+/).join(' ').toLowerCase()).sort();
    return `${status}\n${records.join('\n')}`;
  };
  for (const line of lines) {
    const [a, b] = await Promise.all([ask(meridianPort, line), ask(bindPort, line)]);
    if (a !== b) throw new Error(`answers differ for ${line}:\n${label}:\n${a}\nBIND:\n${b}`);
  }
  console.log(`${label}: answers identical to BIND's for ${lines.length} queries (status and every section, dig +norec)`);
}
