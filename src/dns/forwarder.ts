// Forwarding of queries outside our zones to one upstream resolver on loopback (for example the
// node's local resolver). The query goes out with a fresh random ID; only a reply from the
// upstream's address and port, with our ID and the same question, is accepted.

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';

/** Where forwarded queries go. Only 127.0.0.0/8 is accepted: Meridian never relays to the internet. */
export interface UpstreamOptions {
  address: string;
  port: number;
  /** Give up (and answer SERVFAIL) after this long; default 2000 ms. */
  timeoutMs?: number;
}

/** Forwarded queries waiting for their reply at once, beyond which new ones fail straight away. */
const MAX_PENDING = 4096;

interface Pending {
  question: Buffer;
  originalId: number;
  resolve: (reply: Buffer | undefined) => void;
  timer: NodeJS.Timeout;
}

/** Throws unless `address` is an IPv4 loopback address. */
export function assertLoopbackUpstream(address: string): void {
  if (net.isIPv4(address) && address.startsWith('127.')) return;
  throw new Error(`upstream resolver ${address} is not in 127.0.0.0/8`);
}

/** Relays queries to the upstream over UDP (one shared socket) or TCP (a connection per query). */
export class UpstreamForwarder {
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private socket: dgram.Socket | undefined;

  /** Checks the upstream address; sockets are opened on first use. */
  constructor(private readonly upstream: UpstreamOptions) {
    assertLoopbackUpstream(upstream.address);
    this.timeoutMs = upstream.timeoutMs ?? 2000;
  }

  /** The upstream's reply with the client's ID restored, or undefined on timeout or error. */
  forward(query: Buffer, questionEnd: number, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    return transport === 'udp' ? this.forwardUdp(query, questionEnd) : this.forwardTcp(query);
  }

  /** Closes the UDP socket and fails queries still waiting. */
  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve(undefined);
    }
    this.socket?.close();
    this.socket = undefined;
  }

  private forwardUdp(query: Buffer, questionEnd: number): Promise<Buffer | undefined> {
    if (this.pending.size >= MAX_PENDING) return Promise.resolve(undefined);
    let id = randomInt(0x10000);
    while (this.pending.has(id)) id = randomInt(0x10000);
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, undefined), this.timeoutMs);
      this.pending.set(id, { question: Buffer.from(query.subarray(12, questionEnd)), originalId: query.readUInt16BE(0), resolve, timer });
      this.udpSocket().send(out, this.upstream.port, this.upstream.address, (err) => { if (err) this.settle(id, undefined); });
    });
  }

  private udpSocket(): dgram.Socket {
    if (this.socket) return this.socket;
    const socket = dgram.createSocket('udp4');
    socket.on('error', () => undefined); // send errors are reported per query; the socket stays
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== this.upstream.address || rinfo.port !== this.upstream.port || msg.length < 12) return;
      const p = this.pending.get(msg.readUInt16BE(0));
      if (!p || !msg.subarray(12, 12 + p.question.length).equals(p.question)) return;
      this.settle(msg.readUInt16BE(0), msg);
    });
    socket.bind(0, '127.0.0.1');
    this.socket = socket;
    return socket;
  }

  private settle(id: number, reply: Buffer | undefined): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (reply) reply.writeUInt16BE(p.originalId, 0);
    p.resolve(reply);
  }

  private forwardTcp(query: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const conn = net.connect(this.upstream.port, this.upstream.address);
      let received = Buffer.alloc(0);
      const done = (reply: Buffer | undefined): void => { conn.destroy(); resolve(reply); };
      conn.setTimeout(this.timeoutMs, () => done(undefined));
      conn.on('error', () => done(undefined));
      conn.on('connect', () => conn.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query])));
      conn.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) done(received.subarray(2, 2 + received.readUInt16BE(0)));
      });
      conn.on('close', () => resolve(undefined));
    });
  }
}
