// An immutable picture of one zone's data. Controllers build a new one on every change and swap
// it in; the query path only reads it, so a query never sees half an update.

import { ancestorsUpTo, isAtOrBelow, normalizeName } from './names.js';
import type { DnsRecord, DnsRecordOf, RecordType, SoaData } from './types.js';

/** What a controller supplies to build a snapshot: apex SOA and NS, and the zone's records. */
export interface ZoneSnapshotInput {
  origin: string;
  soa: SoaData;
  /** TTL of the SOA and NS records (the SOA's `minimum` caps negative caching). */
  apexTtl?: number;
  /** Name servers of the zone (NS records at the apex). */
  nameservers: string[];
  records: readonly DnsRecord[];
}

/** The records of one name, by type. */
export type RRsets = ReadonlyMap<RecordType, readonly DnsRecord[]>;

/** An immutable zone: record sets by name, every existing name (empty non-terminals too), the SOA. */
export class ZoneSnapshot {
  /** The zone apex, normalized. */
  readonly origin: string;
  /** The apex SOA record. */
  readonly soa: DnsRecordOf<'SOA'>;
  /** The SOA as sent in negative answers: TTL min(SOA TTL, minimum), RFC 2308 section 3. */
  readonly negativeSoa: DnsRecordOf<'SOA'>;
  /** Number of records, SOA and NS included. */
  readonly size: number;
  private readonly byName: ReadonlyMap<string, RRsets>;
  private readonly names: ReadonlySet<string>;

  /** Validates and indexes `input`; throws on names outside the zone or CNAME beside other data. */
  constructor(input: ZoneSnapshotInput) {
    const origin = checkedName(input.origin);
    const ttl = input.apexTtl ?? 300;
    this.origin = origin;
    this.soa = freezeRecord({ name: origin, type: 'SOA', ttl, data: { ...input.soa, mname: normalizeName(input.soa.mname), rname: normalizeName(input.soa.rname) } });
    this.negativeSoa = freezeRecord({ ...this.soa, ttl: Math.min(ttl, input.soa.minimum) });
    const apex: DnsRecord[] = [this.soa, ...input.nameservers.map((ns): DnsRecord => ({ name: origin, type: 'NS', ttl, data: normalizeName(ns) }))];
    const all = [...apex, ...input.records.map((r) => normalizeRecord(r, origin))];
    const byName = new Map<string, Map<RecordType, DnsRecord[]>>();
    const names = new Set<string>();
    const seen = new Set<string>();
    for (const record of all) {
      const key = `${record.name}|${record.type}|${JSON.stringify(record.data)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let sets = byName.get(record.name);
      if (!sets) byName.set(record.name, (sets = new Map()));
      const list = sets.get(record.type) ?? [];
      list.push(freezeRecord(record));
      sets.set(record.type, list);
      names.add(record.name);
      for (const ancestor of ancestorsUpTo(record.name, origin)) names.add(ancestor);
    }
    for (const [name, sets] of byName) {
      if (sets.has('CNAME') && (sets.size > 1 || sets.get('CNAME')!.length > 1)) throw new Error(`${name}: a CNAME must be the only record at its name`);
      for (const list of sets.values()) Object.freeze(list);
    }
    this.byName = byName;
    this.names = names;
    this.size = seen.size;
  }

  /** True if the name owns records or has descendants that do (an empty non-terminal). */
  exists(name: string): boolean {
    return this.names.has(name);
  }

  /** The record sets at a name (undefined for empty non-terminals and absent names). */
  rrsets(name: string): RRsets | undefined {
    return this.byName.get(name);
  }

  /** The records of one type at a name, empty when there are none. */
  lookup<T extends RecordType>(name: string, type: T): readonly DnsRecordOf<T>[] {
    return (this.byName.get(name)?.get(type) ?? []) as readonly DnsRecordOf<T>[];
  }

  /** Every record, apex first, for zone files and tests. */
  *records(): IterableIterator<DnsRecord> {
    for (const sets of this.byName.values()) for (const list of sets.values()) yield* list;
  }
}

function normalizeRecord(record: DnsRecord, origin: string): DnsRecord {
  const name = checkedName(record.name);
  if (!isAtOrBelow(name, origin)) throw new Error(`${record.name} is outside zone ${origin}`);
  if (record.type === 'SOA') throw new Error(`${record.name}: the SOA comes from the snapshot input, not the records`);
  if (!Number.isInteger(record.ttl) || record.ttl < 0 || record.ttl > 0x7fffffff) throw new Error(`${record.name}: bad TTL ${record.ttl}`);
  switch (record.type) {
    case 'NS': case 'PTR': case 'CNAME': return { ...record, name, data: checkedName(record.data) };
    case 'SRV': return { ...record, name, data: { ...record.data, target: checkedName(record.data.target) } };
    case 'TXT':
      if (record.data.some((s) => Buffer.byteLength(s) > 255)) throw new Error(`${record.name}: TXT strings are at most 255 bytes`);
      return { ...record, name, data: [...record.data] };
    default: return { ...record, name };
  }
}

/** Normalizes a name and checks it encodes: labels of 1..63 bytes, 253 in all, no escapes. */
function checkedName(raw: string): string {
  const name = normalizeName(raw);
  if (name === '') return name;
  if (Buffer.byteLength(name) > 253 || name.includes('\\')) throw new Error(`bad domain name ${JSON.stringify(raw)}`);
  for (const label of name.split('.')) {
    if (label.length === 0 || Buffer.byteLength(label) > 63) throw new Error(`bad domain name ${JSON.stringify(raw)}`);
  }
  return name;
}

function freezeRecord<R extends DnsRecord>(record: R): R {
  if (typeof record.data === 'object') Object.freeze(record.data);
  return Object.freeze(record);
}
