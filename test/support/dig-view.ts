// What dig shows of a reply, in a form two servers' replies can be compared by: header, EDNS,
// each section, the message size, and dig's own warnings (a reply dig cannot parse shows here).
// Records are compared as sets within a section: RRset order is the server's choice (BIND rotates).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One reply as dig printed it. */
export interface DigReply {
  /** `opcode: QUERY, status: NOERROR`. */
  header: string;
  /** Header flags, as dig orders them (`qr aa rd`). */
  flags: string;
  /** `QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1`. */
  counts: string;
  /** `; EDNS: version: 0, flags: do; udp: 1232`, or '' without an OPT record. */
  edns: string;
  /** The other OPT pseudosection lines (CLIENT-SUBNET, EXPIRE, EDE, ...). */
  options: string[];
  /** The question as echoed, case preserved. */
  question: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  /** Bytes received. */
  size: string;
}

/** Every reply dig printed (a truncated UDP reply and its TCP retry are two), and its notes. */
export interface DigView {
  replies: DigReply[];
  /** dig's lines about the exchange: warnings, retries, transfer failures, unreachable servers. */
  notes: string[];
}

/** Runs dig against 127.0.0.1:port with `args` (a lost datagram on a loaded machine is retried once after 2 s) and parses its output. */
export async function digView(port: number, args: readonly string[]): Promise<DigView> {
  const { stdout, stderr } = await run('/usr/bin/dig', ['@127.0.0.1', '-p', String(port), '+tries=2', '+time=2', ...args], { env: {} }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
  return parseDig(`${stdout}${stderr}`);
}

/** Lines dig prints that say nothing about the reply (time, server address, .local warnings). */
const IGNORED = /^(; <<>> DiG|;; global options|;; Query time|;; SERVER:|;; WHEN:|; \(\d+ servers? found\)|;; Got answer:|;; WARNING: \.local is reserved|;; You are currently testing)/;

const SECTIONS: Record<string, 'question' | 'answer' | 'authority' | 'additional'> = {
  ';; QUESTION SECTION:': 'question', ';; ANSWER SECTION:': 'answer', ';; AUTHORITY SECTION:': 'authority', ';; ADDITIONAL SECTION:': 'additional',
};

/** Parses dig's default output. */
export function parseDig(text: string): DigView {
  const view: DigView = { replies: [], notes: [] };
  let reply: DigReply | undefined;
  let section: keyof DigReply | 'opt' | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+/g, ' ').replace(/127\.0\.0\.1#\d+/g, '127.0.0.1#PORT').trim();
    if (line === '') { section = undefined; continue; }
    if (IGNORED.test(line)) continue;
    if (line.startsWith(';; ->>HEADER<<-')) {
      reply = emptyReply(line.replace(/^;; ->>HEADER<<- /, '').replace(/, id: \d+$/, ''));
      view.replies.push(reply);
      continue;
    }
    if (!reply) { view.notes.push(line); continue; }
    const flags = /^;; flags:([a-z ]*); (QUERY: .*)$/.exec(line);
    if (flags) { reply.flags = flags[1]!.trim(); reply.counts = flags[2]!; continue; }
    if (line === ';; OPT PSEUDOSECTION:') { section = 'opt'; continue; }
    if (SECTIONS[line]) { section = SECTIONS[line]; continue; }
    const size = /^;; MSG SIZE rcvd: (\d+)$/.exec(line);
    if (size) { reply.size = size[1]!; continue; }
    if (section === 'opt') {
      if (line.startsWith('; EDNS:')) reply.edns = line;
      else reply.options.push(line);
    } else if (section === 'question' || section === 'answer' || section === 'authority' || section === 'additional') {
      reply[section].push(line);
    } else {
      view.notes.push(line);
    }
  }
  for (const r of view.replies) for (const s of ['answer', 'authority', 'additional'] as const) r[s].sort();
  // A try that timed out and was retried says nothing about the reply that came.
  if (view.replies.length > 0) view.notes = view.notes.filter((n) => !/^;; communications error to .*: timed out$/.test(n));
  return view;
}

function emptyReply(header: string): DigReply {
  return { header, flags: '', counts: '', edns: '', options: [], question: [], answer: [], authority: [], additional: [], size: '' };
}
