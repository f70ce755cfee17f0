// Meridian's DNS server against BIND 9 with dnsperf, in one run, on loopback.
//   npx tsx bench/dns/dnsperf.bench.ts [--services 1000] [--seconds 10] [--rounds 3] [--clients 10] [--outstanding 100] [--bind-threads N] [--workers N] [--floor 1]
// --workers: Meridian DNS worker processes sharing the port (default: the number of CPUs, as BIND's
// threads); 0 is the in-process single-thread server. --floor 1 (the default) also measures the
// Node floor (bench/dns/floor-server.ts: the same workers on one shared socket, each datagram
// echoed with QR set and nothing else), in the same alternating rounds: what Node's datagram path
// costs before any DNS work.
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
  outstanding: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' }, 'bind-threads': { type: 'string', default: String(cpus().length) }, workers: { type: 'string', default: String(cpus().length) }, floor: { type: 'string', default: '1' }, named: { type: 'string', default: '/usr/sbin/named' },
} });
const services = Number(values.services);
const seconds = Number(values.seconds);
const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-dns-'));
const queries = join(dir, 'queries.txt');
const snapshot = benchSnapshot(services);
writeFileSync(queries, queryFile(services));

const here = dirname(fileURLToPath(import.meta.url));
const meridian = spawn(process.execPath, ['--import', 'tsx', join(here, 'meridian-server.ts'), String(services), values.workers!], { stdio: ['ignore', 'pipe', 'inherit'] });
const withFloor = values.floor !== '0';
const floor = withFloor ? spawn(process.execPath, ['--import', 'tsx', join(here, 'floor-server.ts'), String(await freePort()), values.workers!], { stdio: ['ignore', 'pipe', 'inherit'] }) : undefined;
const bind = await startBind(values.named!, BENCH_ORIGIN, renderZoneFile(snapshot), await freePort(), Number(values['bind-threads']));
try {
  const started = await firstJsonLine(meridian);
  const meridianPort = started.port;
  const floorPort = floor ? (await firstJsonLine(floor)).port : 0;
  console.log(`zone: ${services} services, ${snapshot.size} records; Meridian pid ${meridian.pid} port ${meridianPort} (${Number(values.workers) > 0 ? `${values.workers} workers` : 'one thread'}); named pid ${bind.pid} port ${bind.port} (-n ${bind.threads}); ${floor ? `Node floor pid ${floor.pid} port ${floorPort}; ` : ''}${cpus().length} CPUs`);
  await compareAnswers(meridianPort, bind.port);
  const loads: number[] = [loadavg()[0]!];
  const cpu = new Map<number, { ms: number; queries: number; dnsperfMs: number }>();
  const pidOf = new Map([[meridianPort, meridian.pid!], [bind.port, bind.pid], ...(floor ? [[floorPort, floor.pid!] as [number, number]] : [])]);
  const run = async (port: number, verbose: boolean) => {
    const pid = pidOf.get(port)!;
    const before = cpuMsOfTree(pid);
    const dnsperfBefore = waitedChildrenCpuMs();
    const result = await runDnsperf({ port, queryFile: queries, seconds: verbose ? Math.min(5, seconds) : seconds, clients: Number(values.clients), outstanding: Number(values.outstanding), verbose });
    const who = cpu.get(port) ?? { ms: 0, queries: 0, dnsperfMs: 0 };
    who.ms += cpuMsOfTree(pid) - before;
    who.dnsperfMs += waitedChildrenCpuMs() - dnsperfBefore;
    who.queries += result.completed;
    cpu.set(port, who);
    loads.push(loadavg()[0]!);
    return result;
  };
  for (const port of pidOf.keys()) await run(port, false); // warm-up: JIT, caches
  cpu.clear();
  const ms: DnsperfResult[] = [];
  const bs: DnsperfResult[] = [];
  const fs: DnsperfResult[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    ms.push(await run(meridianPort, false));
    bs.push(await run(bind.port, false));
    if (floor) fs.push(await run(floorPort, false));
    console.log(`round ${round + 1}: Meridian ${ms[round]!.qps.toFixed(0)} QPS, BIND ${bs[round]!.qps.toFixed(0)} QPS${floor ? `, Node floor ${fs[round]!.qps.toFixed(0)} QPS` : ''}`);
  }
  const m = median(ms);
  const b = median(bs);
  const mvs: DnsperfResult[] = [];
  const bvs: DnsperfResult[] = [];
  const fvs: DnsperfResult[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    mvs.push(await run(meridianPort, true));
    bvs.push(await run(bind.port, true));
    if (floor) fvs.push(await run(floorPort, true));
  }
  const mv = pooled(mvs);
  const bv = pooled(bvs);
  console.log(`\ndnsperf -s 127.0.0.1 -d queries.txt -l ${seconds} -c ${values.clients} -q ${values.outstanding} (no -Q limit), median of ${ms.length} alternating rounds; latency runs add -v -l ${Math.min(5, seconds)}, ${mvs.length} alternating rounds pooled`);
  console.log(row('server', 'QPS', 'avg ms', 'lost', 'p50 ms (-v)', 'p99 ms (-v)', 'QPS (-v)'));
  console.log(row(`meridian -w ${values.workers}`, ...figures(m, mv)));
  console.log(row(`bind9 -n ${bind.threads}`, ...figures(b, bv)));
  if (floor) console.log(row(`node floor -w ${values.workers}`, ...figures(median(fs), pooled(fvs))));
  const best = (rs: DnsperfResult[]) => Math.max(...rs.map((r) => r.qps));
  const paired = ms.map((r, i) => r.qps / bs[i]!.qps).sort((x, y) => x - y);
  console.log(`\nthroughput ratio Meridian/BIND (goal >= 1.00): medians ${(m.qps / b.qps).toFixed(2)}, best runs ${(best(ms) / best(bs)).toFixed(2)} (${best(ms).toFixed(0)} vs ${best(bs).toFixed(0)} QPS), per-round ${paired.map((x) => x.toFixed(2)).join(' ')}; verbose runs ${(mv.qps / bv.qps).toFixed(2)}`);
  console.log(`p99 (goal: Meridian <= BIND): Meridian ${mv.p99Ms!.toFixed(3)} ms, BIND ${bv.p99Ms!.toFixed(3)} ms; p50 Meridian ${mv.p50Ms!.toFixed(3)} ms, BIND ${bv.p50Ms!.toFixed(3)} ms`);
  const perQuery = (port: number) => { const c = cpu.get(port); return c && c.queries > 0 ? (c.ms * 1000) / c.queries : NaN; };
  const dnsperfPerQuery = (port: number) => { const c = cpu.get(port); return c && c.queries > 0 ? (c.dnsperfMs * 1000) / c.queries : NaN; };
  console.log(`CPU per query over all timed runs (server and its workers, /proc utime+stime): Meridian ${perQuery(meridianPort).toFixed(1)} us, BIND ${perQuery(bind.port).toFixed(1)} us (ratio ${(perQuery(meridianPort) / perQuery(bind.port)).toFixed(2)})${floor ? `, Node floor ${perQuery(floorPort).toFixed(1)} us` : ''}`);
  console.log(`dnsperf's own CPU per query (it shares the ${cpus().length} CPUs): against Meridian ${dnsperfPerQuery(meridianPort).toFixed(1)} us, BIND ${dnsperfPerQuery(bind.port).toFixed(1)} us${floor ? `, Node floor ${dnsperfPerQuery(floorPort).toFixed(1)} us` : ''}`);
  if (floor) {
    const f = median(fs);
    console.log(`Node floor (echo, no DNS work, same workers and socket): ${f.qps.toFixed(0)} QPS = ${(f.qps / b.qps).toFixed(2)}x BIND; Meridian reaches ${(m.qps / f.qps).toFixed(2)} of the floor's QPS and spends ${(perQuery(meridianPort) - perQuery(floorPort)).toFixed(1)} us per query above its CPU`);
  }
  console.log(`load average (1 min) over the runs: min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}, at the end ${loads[loads.length - 1]!.toFixed(2)}`);
  if (started.propagationMs?.length) {
    const p = [...started.propagationMs].sort((x, y) => x - y);
    console.log(`snapshot propagation (publish -> every one of ${values.workers} workers serving it, ${p.length} changes of the ${snapshot.size}-record zone): median ${p[Math.floor(p.length / 2)]!.toFixed(1)} ms, max ${p[p.length - 1]!.toFixed(1)} ms`);
  }
  console.log(`response codes (Meridian): ${m.rcodes}\nresponse codes (BIND):     ${b.rcodes}`);
} finally {
  await Promise.all([stopChild(meridian), bind.stop(), ...(floor ? [stopChild(floor)] : [])]);
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
  return cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(12))).join(' ');
}

function firstJsonLine(child: ReturnType<typeof spawn>): Promise<{ port: number; propagationMs?: number[] }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Meridian DNS server did not report its port within 90 s')), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) { clearTimeout(timer); resolve(JSON.parse(text.split('\n')[0]!) as { port: number; propagationMs?: number[] }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Meridian DNS server exited with ${code}`)); });
  });
}

/** Asks both servers the first 200 queries of the mix with dig and stops on any difference. */
async function compareAnswers(meridianPort: number, bindPort: number): Promise<void> {
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
    if (a !== b) throw new Error(`answers differ for ${line}:\nMeridian:\n${a}\nBIND:\n${b}`);
  }
  console.log(`answers identical for ${lines.length} queries (status and every section, dig +norec)`);
}
