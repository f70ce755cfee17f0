// Packets for fuzzing the DNS server: random bytes, and valid queries bit-flipped, truncated,
// spliced and with their counts changed. Seeded, so a failure can be replayed.

import dnsPacket, { type Packet } from 'dns-packet';

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = ['web.prod.svc.clusterset.local', 'WEB.Prod.svc.clusterset.local', 'alias.clusterset.local', 'big.clusterset.local', 'nope.clusterset.local', 'clusterset.local', '_http._tcp.web.prod.svc.clusterset.local', 'dns-version.clusterset.local', 'www.global.example.test', 'www.example.com', 'prod.svc.clusterset.local'];
const types = ['A', 'AAAA', 'SRV', 'TXT', 'SOA', 'NS', 'CNAME', 'PTR', 'MX', 'ANY', 'AXFR'] as const;
const ecs = { code: 'CLIENT_SUBNET', family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, ip: '10.1.2.0' };

/** The valid queries mutations start from. */
export function seedQueries(): Buffer[] {
  const out: Buffer[] = [];
  for (const name of names) {
    for (const type of types) {
      const base: Packet = { type: 'query', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A' }] };
      out.push(dnsPacket.encode(base));
      out.push(dnsPacket.encode({ ...base, additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [ecs] } as never] }));
    }
  }
  return out;
}

/** Which kind of packet the generator made. */
export type FuzzKind = 'random' | 'random-header' | 'bitflip' | 'truncated' | 'spliced' | 'counts' | 'valid';

/** Makes one fuzz packet of a random kind. */
export function fuzzPacket(rand: () => number, seeds: readonly Buffer[]): { kind: FuzzKind; packet: Buffer } {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const seed = Buffer.from(seeds[int(seeds.length)]!);
  const r = rand();
  if (r < 0.15) return { kind: 'random', packet: bytes(int(rand() < 0.2 ? 16 : 600)) };
  if (r < 0.25) {
    const p = bytes(12 + int(300));
    p.writeUInt16BE(p.readUInt16BE(2) & 0x07ff, 2); // a query, opcode QUERY, random low bits
    p.writeUInt16BE(1, 4);
    return { kind: 'random-header', packet: p };
  }
  if (r < 0.55) {
    for (let i = 0, n = 1 + int(8); i < n; i++) seed[int(seed.length)] ^= 1 << int(8);
    return { kind: 'bitflip', packet: seed };
  }
  if (r < 0.7) return { kind: 'truncated', packet: seed.subarray(0, int(seed.length)) };
  if (r < 0.85) {
    const at = int(seed.length);
    const cut = rand() < 0.5 ? at + int(seed.length - at) : at;
    return { kind: 'spliced', packet: Buffer.concat([seed.subarray(0, at), bytes(int(40)), seed.subarray(cut)]) };
  }
  if (r < 0.95) {
    seed.writeUInt16BE([0, 1, 2, 0xffff][int(4)]!, 4 + 2 * int(4));
    return { kind: 'counts', packet: seed };
  }
  return { kind: 'valid', packet: seed };
}

/** Whether the server is documented to drop the packet: shorter than a header, or a response. */
export function expectDrop(packet: Buffer): boolean {
  return packet.length < 12 || (packet[2]! & 0x80) !== 0;
}
