import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket, { type Packet, type StringAnswer } from 'dns-packet';
import { signMessage, verifyReply, type TsigKey } from './tsig.js';

/** A DNS server to talk to. */
export interface DnsEndpoint {
  host: string;
  port: number;
}

/** A decoded reply; dns-packet sets rcode on decode though its types omit it. */
export type DnsReply = Packet & { rcode?: string };

/** The A and AAAA records of a reply for one name: their TTL (the first one's) and addresses. */
export function addressesOf(reply: DnsReply, name: string): { ttl: number; addresses: string[] } {
  const answers = (reply.answers ?? []).filter((a): a is StringAnswer => (a.type === 'A' || a.type === 'AAAA') && a.name.toLowerCase() === name.toLowerCase());
  return { ttl: answers[0]?.ttl ?? 0, addresses: answers.map((a) => a.data) };
}

/** Options of one exchange. */
export interface ExchangeOptions {
  timeoutMs?: number;
  tsig?: TsigKey;
  /** Send over TCP instead of UDP. */
  tcp?: boolean;
}

/** Parses `host:port` (IPv6 in brackets); the port defaults to 53. */
export function parseEndpoint(text: string): DnsEndpoint {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new Error(`invalid DNS server "${text}": expected host:port`);
  return { host: m[1], port: m[2] ? Number(m[2]) : 53 };
}

/**
 * Sends one DNS message and returns the decoded reply: UDP by default, TCP when asked or when the
 * UDP reply is truncated. With a TSIG key the message is signed and the reply must verify.
 */
export async function exchange(server: DnsEndpoint, packet: Packet, options: ExchangeOptions = {}): Promise<DnsReply> {
  const id = randomInt(0, 65536);
  const raw = dnsPacket.encode({ ...packet, id });
  const signed = options.tsig ? signMessage(raw, options.tsig) : { message: raw, mac: Buffer.alloc(0) };
  const timeoutMs = options.timeoutMs ?? 2000;
  let reply = options.tcp ? await sendTcp(server, signed.message, timeoutMs) : await sendUdp(server, signed.message, id, timeoutMs);
  if (!options.tcp && (reply.readUInt16BE(2) & 0x0200) !== 0) reply = await sendTcp(server, signed.message, timeoutMs);
  if (options.tsig) {
    const v = verifyReply(reply, options.tsig, signed.mac);
    if (!v.ok) throw new Error(`DNS reply from ${server.host}:${server.port}: ${v.reason}`);
  }
  return dnsPacket.decode(reply) as DnsReply;
}

/** Queries one name and type; resolves with the decoded reply. */
export function query(server: DnsEndpoint, name: string, type: 'A' | 'AAAA' | 'SOA' | 'NS', options: ExchangeOptions = {}): Promise<DnsReply> {
  return exchange(server, { type: 'query', flags: 0, questions: [{ name, type, class: 'IN' }] }, options);
}

function sendUdp(server: DnsEndpoint, message: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error(`no DNS reply from ${server.host}:${server.port} within ${timeoutMs} ms`)), timeoutMs);
    function finish(err: Error | undefined, data?: Buffer) {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(data as Buffer);
    }
    socket.on('message', (data) => {
      if (data.length >= 2 && data.readUInt16BE(0) === id) finish(undefined, data);
    });
    socket.on('error', (err) => finish(err));
    socket.send(message, server.port, server.host);
  });
}

function sendTcp(server: DnsEndpoint, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no DNS reply over TCP from ${server.host}:${server.port} within ${timeoutMs} ms`)), timeoutMs);
    function finish(err: Error | undefined, data?: Buffer) {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(data as Buffer);
    }
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message])));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    socket.on('error', (err) => finish(err));
  });
}
