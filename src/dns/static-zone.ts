// A zone served straight from a snapshot. Discovery and GSLB either use it as is or wrap it: ask
// the snapshot for SOA/NS/NODATA and add their own per-client answers for the names they own.

import { answerFromSnapshot, nxdomain } from './answer.js';
import { normalizeName } from './names.js';
import { ZoneSnapshot, type ZoneSnapshotInput } from './snapshot.js';
import type { QueryContext, SnapshotZone, ZoneAnswer } from './types.js';

/** Question types whose answers are memoized: the record types and ANY. */
const CACHED_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'SOA', 'NS', 'CNAME', 'ANY']);

/** Answers cached per snapshot before the cache is cleared; bounds memory under random names. */
const MAX_CACHED_ANSWERS = 100_000;

/**
 * An authoritative zone whose data is one immutable ZoneSnapshot. Answers are memoized per
 * snapshot (and frozen): the same question returns the same object until the next setSnapshot,
 * which lets the server reuse the encoded reply.
 */
export class StaticZone implements SnapshotZone<ZoneSnapshot> {
  /** The zone apex, normalized. */
  readonly origin: string;
  private state: ServingState;

  /** Starts with `initial`, a snapshot or the input to build one. */
  constructor(initial: ZoneSnapshot | ZoneSnapshotInput) {
    this.state = servingState(initial instanceof ZoneSnapshot ? initial : new ZoneSnapshot(initial));
    this.origin = this.state.snapshot.origin;
  }

  /** The snapshot queries read now. */
  snapshot(): ZoneSnapshot {
    return this.state.snapshot;
  }

  /** Swaps in a new snapshot of the same origin; queries already running keep the old one. */
  setSnapshot(next: ZoneSnapshot): void {
    if (next.origin !== this.origin) throw new Error(`snapshot for ${next.origin} given to zone ${this.origin}`);
    this.state = servingState(next);
  }

  /** Static data answers every client alike: one cache key for all. */
  cacheKey(): string {
    return '';
  }

  /** Answers from the current snapshot; the context does not matter to static data. */
  answer(qname: string, qtype: string, _ctx?: QueryContext): ZoneAnswer {
    const { snapshot, cache, nx } = this.state;
    const name = normalizeName(qname);
    if (!snapshot.exists(name)) return nx;
    // Only the types a zone can hold (and ANY) are cached, so the cache is bounded by the data.
    if (!CACHED_TYPES.has(qtype)) return deepFreeze(answerFromSnapshot(snapshot, name, qtype));
    const key = `${qtype} ${name}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = deepFreeze(answerFromSnapshot(snapshot, name, qtype));
      if (cache.size >= MAX_CACHED_ANSWERS) cache.clear();
      cache.set(key, hit);
    }
    return hit;
  }
}

/** A snapshot with its answer cache and shared NXDOMAIN answer, swapped as one. */
interface ServingState {
  snapshot: ZoneSnapshot;
  cache: Map<string, ZoneAnswer>;
  nx: ZoneAnswer;
}

function servingState(snapshot: ZoneSnapshot): ServingState {
  return { snapshot, cache: new Map(), nx: deepFreeze(nxdomain(snapshot)) };
}

function deepFreeze(answer: ZoneAnswer): ZoneAnswer {
  Object.freeze(answer.answers);
  Object.freeze(answer.authority);
  if (answer.additionals) Object.freeze(answer.additionals);
  return Object.freeze(answer);
}
