import { fork, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/util/wait.js';
import { expectDrop, fuzzPacket, prng, seedQueries } from './dns-fuzz-packets.js';

// The default sizes keep the suite's time bounded on a loaded 2-core machine; set DNS_FUZZ_UDP /
// DNS_FUZZ_TCP for the long run (100000 / 10000 was the size of the original campaign).
const UDP_PACKETS = Number(process.env.DNS_FUZZ_UDP ?? 30_000);
const TCP_PACKETS = Number(process.env.DNS_FUZZ_TCP ?? 3_000);
const WINDOW = 200;
const SEED = Number(process.env.DNS_FUZZ_SEED ?? 20261124);
/** Response codes a deliberate answer may carry; SERVFAIL would mean a zone or server bug. */
const DELIBERATE = new Set([0, 1, 3, 4, 5]);

let child: ChildProcess;
let port = 0;
const messages: Array<Record<string, unknown>> = [];

async function heapUsed(): Promise<number> {
  const before = messages.length;
  child.send({ kind: 'heap' });
  const msg = await waitFor(() => messages.slice(before).find((m) => 'heapUsed' in m), { timeoutMs: 10_000, what: 'heap figure from the server process' });
  expect(msg.gc).toBe(true);
  return msg.heapUsed as number;
}

/** Checks one reply against its query; returns the rcode, or a description of what is wrong. */
function checkReply(query: Buffer, reply: Buffer): number | string {
  if (reply.length < 12) return `reply of ${reply.length} bytes`;
  if ((reply[2]! & 0x80) === 0) return 'QR bit not set';
  if (((reply[2]! >> 3) & 0xf) !== ((query[2]! >> 3) & 0xf)) return 'opcode not copied';
  const rcode = reply[3]! & 0xf;
  try {
    dnsPacket.decode(reply);
  } catch (err) {
    return `undecodable reply: ${(err as Error).message}`;
  }
  return DELIBERATE.has(rcode) ? rcode : `rcode ${rcode}`;
}

interface Tally { sent: number; replies: number; drops: number; byRcode: Record<string, number>; problems: string[] }
const rcodeName = (rcode: number) => ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][rcode] ?? String(rcode);

function record(tally: Tally, query: Buffer, reply: Buffer | undefined): void {
  if (expectDrop(query)) {
    if (reply) tally.problems.push(`reply to a packet that should be dropped: ${query.toString('hex')}`);
    else tally.drops++;
    return;
  }
  if (!reply) return void tally.problems.push(`no reply to ${query.toString('hex')}`);
  const result = checkReply(query, reply);
  if (typeof result === 'string') return void tally.problems.push(`${result} for ${query.toString('hex')}`);
  tally.replies++;
  tally.byRcode[rcodeName(result)] = (tally.byRcode[rcodeName(result)] ?? 0) + 1;
}

async function fuzzUdp(count: number, rand: () => number, tally: Tally): Promise<void> {
  const seeds = seedQueries();
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const replies = new Map<number, Buffer>();
  socket.on('message', (msg) => { if (msg.length >= 2) replies.set(msg.readUInt16BE(0), msg); });
  for (let done = 0; done < count; done += WINDOW) {
    replies.clear();
    const batch = Array.from({ length: Math.min(WINDOW, count - done) }, (_, i) => {
      const { packet } = fuzzPacket(rand, seeds);
      if (packet.length >= 2) packet.writeUInt16BE(i, 0);
      return packet;
    });
    for (const p of batch) socket.send(p, port, '127.0.0.1');
    const expected = batch.filter((p) => !expectDrop(p)).length;
    try {
      await waitFor(() => replies.size >= expected, { timeoutMs: 5000, intervalMs: 2, what: `${expected} UDP replies` });
    } catch { /* the missing ones are reported below */ }
    await new Promise((r) => setTimeout(r, 1)); // a stray reply to a dropped packet would land now
    batch.forEach((p, i) => record(tally, p, p.length >= 2 ? replies.get(i) : undefined));
    tally.sent += batch.length;
  }
  socket.close();
}

async function fuzzTcp(count: number, rand: () => number, tally: Tally): Promise<void> {
  const seeds = seedQueries();
  for (let done = 0; done < count; done += WINDOW) {
    const conn = net.connect(port, '127.0.0.1');
    const replies = new Map<number, Buffer>();
    let buffered = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        replies.set(msg.readUInt16BE(0), msg);
        buffered = buffered.subarray(2 + msg.length);
      }
    });
    conn.on('error', () => undefined);
    const batch = Array.from({ length: Math.min(WINDOW, count - done) }, (_, i) => {
      const { packet } = fuzzPacket(rand, seeds);
      if (packet.length >= 2) packet.writeUInt16BE(i, 0);
      return packet;
    });
    conn.write(Buffer.concat(batch.flatMap((p) => [Buffer.from([p.length >> 8, p.length & 0xff]), p])));
    const expected = batch.filter((p) => !expectDrop(p)).length;
    try {
      await waitFor(() => replies.size >= expected, { timeoutMs: 5000, intervalMs: 2, what: `${expected} TCP replies` });
    } catch { /* reported below */ }
    batch.forEach((p, i) => record(tally, p, p.length >= 2 ? replies.get(i) : undefined));
    tally.sent += batch.length;
    // Finish with a frame that claims more bytes than follow, then hang up mid-frame.
    conn.end(Buffer.from([0xff, 0xff, 1, 2, 3]));
  }
}

beforeAll(async () => {
  const script = fileURLToPath(new URL('./dns-fuzz-child.ts', import.meta.url));
  child = fork(script, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', (m) => messages.push(m as Record<string, unknown>));
  const hello = await waitFor(() => messages.find((m) => 'port' in m), { timeoutMs: 30_000, what: 'fuzz server port', onTimeout: () => `exit code ${child.exitCode}` });
  port = hello.port as number;
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.send({ kind: 'stop' });
    await waitFor(() => child.exitCode !== null, { timeoutMs: 5000, what: 'fuzz server exit' }).catch(() => child.kill());
  }
});

describe('DNS server under fuzzing', () => {
  it(`answers ${UDP_PACKETS} UDP and ${TCP_PACKETS} TCP random and mutated packets deliberately, memory flat`, { timeout: 600_000 }, async () => {
    const rand = prng(SEED);
    const warm: Tally = { sent: 0, replies: 0, drops: 0, byRcode: {}, problems: [] };
    await fuzzUdp(10_000, rand, warm);
    const heapBefore = await heapUsed();
    const udp: Tally = { sent: 0, replies: 0, drops: 0, byRcode: {}, problems: [] };
    await fuzzUdp(UDP_PACKETS, rand, udp);
    const tcp: Tally = { sent: 0, replies: 0, drops: 0, byRcode: {}, problems: [] };
    await fuzzTcp(TCP_PACKETS, rand, tcp);
    const heapAfter = await heapUsed();
    const mb = (n: number) => (n / 1048576).toFixed(2);
    console.log([
      `DNS fuzz (seed ${SEED}): server process alive: ${child.exitCode === null}`,
      `  UDP: ${udp.sent} packets, ${udp.replies} answered ${JSON.stringify(udp.byRcode)}, ${udp.drops} dropped as documented (shorter than a header or QR set), ${udp.problems.length} problems`,
      `  TCP: ${tcp.sent} frames, ${tcp.replies} answered ${JSON.stringify(tcp.byRcode)}, ${tcp.drops} dropped as documented, ${tcp.problems.length} problems`,
      `  heapUsed after gc: ${mb(heapBefore)} MB before, ${mb(heapAfter)} MB after (${mb(heapAfter - heapBefore)} MB), warm-up ${warm.sent} packets`,
    ].join('\n'));
    expect([...warm.problems, ...udp.problems, ...tcp.problems].slice(0, 5)).toEqual([]);
    expect(child.exitCode).toBeNull();
    expect(udp.sent).toBe(UDP_PACKETS);
    expect(udp.replies + udp.drops).toBe(UDP_PACKETS);
    expect(tcp.replies + tcp.drops).toBe(TCP_PACKETS);
    expect(heapAfter - heapBefore).toBeLessThan(4 * 1048576);
  });
});
