// Running dnsperf and reading its figures: QPS and average latency from the summary, p99 from the
// per-query latencies `-v` prints (dnsperf has no percentile output of its own).

import { spawn } from 'node:child_process';

/** What one dnsperf run measured. */
export interface DnsperfResult {
  qps: number;
  sent: number;
  completed: number;
  lost: number;
  avgLatencyMs: number;
  /** From per-query latencies; only for verbose runs. */
  p50Ms?: number;
  p99Ms?: number;
  /** Every per-query latency in ms, sorted; only for verbose runs. */
  latenciesMs?: number[];
  rcodes: string;
}

/** Settings of one run. */
export interface DnsperfRun {
  port: number;
  queryFile: string;
  seconds: number;
  clients: number;
  outstanding: number;
  verbose: boolean;
}

/** Runs dnsperf against 127.0.0.1 and parses its output. */
export async function runDnsperf(run: DnsperfRun): Promise<DnsperfResult> {
  const args = ['-s', '127.0.0.1', '-p', String(run.port), '-d', run.queryFile, '-l', String(run.seconds), '-c', String(run.clients), '-q', String(run.outstanding)];
  if (run.verbose) args.push('-v');
  const latencies: number[] = [];
  let summary = '';
  let partial = '';
  const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('> ')) latencies.push(Number(line.slice(line.lastIndexOf(' ') + 1)));
      else summary += `${line}\n`;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => { summary += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  summary += partial;
  const num = (re: RegExp): number => Number(re.exec(summary)?.[1] ?? NaN);
  if (code !== 0 || Number.isNaN(num(/Queries per second:\s+([\d.]+)/))) throw new Error(`dnsperf failed (exit ${code}):\n${summary.slice(-2000)}`);
  const result: DnsperfResult = {
    qps: num(/Queries per second:\s+([\d.]+)/),
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    rcodes: /Response codes:\s+(.*)/.exec(summary)?.[1] ?? '',
  };
  if (latencies.length > 0) {
    latencies.sort((a, b) => a - b);
    result.p50Ms = latencies[Math.floor(latencies.length * 0.5)]! * 1000;
    result.p99Ms = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]! * 1000;
    result.latenciesMs = latencies.map((l) => l * 1000);
  }
  return result;
}
