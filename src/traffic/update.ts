import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { isIPv6 } from 'node:net';

/** The records one name should hold at the edge: its A and AAAA sets. */
export interface EdgeRRset {
  name: string;
  ttl: number;
  addresses: string[];
}

const OPCODE_UPDATE = 5;

/**
 * Builds an RFC 2136 UPDATE that makes each name hold exactly the given addresses: for every name,
 * delete its A and AAAA RRsets (class ANY, RDLENGTH 0) and add the desired records, in one message
 * so the primary applies it atomically. A name with no addresses is only deleted.
 */
export function buildUpdate(zone: string, rrsets: EdgeRRset[]): Packet {
  const updates: Answer[] = [];
  for (const set of rrsets) {
    // dns-packet has no RDLENGTH-0 form for A; an UNKNOWN type with empty data encodes exactly that.
    updates.push({ name: set.name, type: 'UNKNOWN_1' as 'A', class: 'ANY', ttl: 0, data: Buffer.alloc(0) as unknown as string });
    updates.push({ name: set.name, type: 'UNKNOWN_28' as 'AAAA', class: 'ANY', ttl: 0, data: Buffer.alloc(0) as unknown as string });
    for (const address of [...set.addresses].sort()) {
      updates.push(isIPv6(address) ? { name: set.name, type: 'AAAA', class: 'IN', ttl: set.ttl, data: address } : { name: set.name, type: 'A', class: 'IN', ttl: set.ttl, data: address });
    }
  }
  return { type: 'query', flags: OPCODE_UPDATE << 11, questions: [{ name: zone, type: 'SOA', class: 'IN' }], authorities: updates };
}

/** Encodes an UPDATE (for tests and tools that send it themselves). */
export function encodeUpdate(zone: string, rrsets: EdgeRRset[], id = 0): Buffer {
  return dnsPacket.encode({ ...buildUpdate(zone, rrsets), id });
}
