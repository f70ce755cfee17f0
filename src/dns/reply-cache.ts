// Whole UDP replies kept by query bytes, so a repeated question skips parsing, the zone and
// encoding: the hot path of a DNS worker becomes one map lookup and one copy. The key is every
// byte after the ID (flags, the question exactly as sent, EDNS with any client subnet), plus the
// zone's cacheKey for the asker (its view); a zone without cacheKey, or one that returns
// undefined (rotating answers), is never cached. The owner clears the cache whenever the data
// changes (a DNS worker does on every snapshot version), so a reply never outlives its snapshot.

import type { DnsQueryEvent } from './metrics.js';
import type { RcodeName } from './wire.js';
import type { QueryContext, ZoneAuthority } from './types.js';

/** Entries kept before the cache starts over; bounds memory under floods of random names. */
const DEFAULT_MAX_ENTRIES = 50_000;

/** A cached reply: its bytes (ID to be replaced) and what dispatch needs for RRL and metrics. */
export interface CachedReply {
  bytes: Buffer;
  rcode: RcodeName;
  qtype: number;
  qname?: string;
  zone?: string;
  /** The metrics event of this reply, one object reused on every hit. */
  event: DnsQueryEvent;
  /** What response-rate limiting accounts this reply under, worked out once. */
  rrlKey?: string;
}

/**
 * Per question bytes: the zone that answered and its replies by the zone's cache key. Most zones
 * give every asker one key, so the first reply is held in the slot itself and a hit costs one map
 * lookup; further keys (views) go to `more`.
 */
interface Slot {
  zone: ZoneAuthority;
  qname: string;
  qtype: string;
  firstKey: string;
  first: CachedReply;
  more: Map<string, CachedReply> | undefined;
}

/** A bounded cache of UDP replies; see the file comment for what the key covers. */
export class ReplyCache {
  private slots = new Map<string, Slot>();
  private entries = 0;

  /** `maxEntries` replies at most; the whole cache is dropped when it is full. */
  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  /** The key of a query: every byte after the ID. */
  static keyOf(query: Buffer): string {
    return query.toString('latin1', 2);
  }

  /** The cached reply for this query and asker, with the query's ID written in; undefined on a miss. */
  lookup(key: string, query: Buffer, ctx: QueryContext): { reply: Buffer; cached: CachedReply } | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    const zoneKey = slot.zone.cacheKey?.(slot.qname, slot.qtype, ctx);
    if (zoneKey === undefined) return undefined;
    const cached = zoneKey === slot.firstKey ? slot.first : slot.more?.get(zoneKey);
    if (!cached) return undefined;
    const reply = Buffer.allocUnsafe(cached.bytes.length);
    reply.set(cached.bytes);
    reply[0] = query[0]!;
    reply[1] = query[1]!;
    return { reply, cached };
  }

  /** Keeps a reply of `zone` to the question (qname normalized, qtype mnemonic) when the zone allows it. */
  store(key: string, zone: ZoneAuthority, qname: string, qtype: string, ctx: QueryContext, reply: Omit<CachedReply, 'bytes'> & { bytes: Buffer }): void {
    const zoneKey = zone.cacheKey?.(qname, qtype, ctx);
    if (zoneKey === undefined) return;
    if (this.entries >= this.maxEntries) this.clear();
    const cached = { ...reply, bytes: Buffer.from(reply.bytes) };
    const slot = this.slots.get(key);
    if (!slot || slot.zone !== zone) {
      this.slots.set(key, { zone, qname, qtype, firstKey: zoneKey, first: cached, more: undefined });
      this.entries++;
    } else if (zoneKey === slot.firstKey) {
      slot.first = cached;
    } else {
      slot.more ??= new Map();
      if (!slot.more.has(zoneKey)) this.entries++;
      slot.more.set(zoneKey, cached);
    }
  }

  /** Forgets every reply (the data changed). */
  clear(): void {
    this.slots = new Map();
    this.entries = 0;
  }

  /** Replies held now. */
  get size(): number {
    return this.entries;
  }
}
