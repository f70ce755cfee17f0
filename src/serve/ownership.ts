import { EventEmitter } from 'node:events';

/** The shard of work that belongs to no member: ApplicationSets, fleet-wide status. */
export const HUB_SHARD = '-hub';

/**
 * Which members this replica acts on. With one replica (or leader election) it is all of them;
 * with `meridian serve --shards` each member belongs to one replica at a time (src/serve/shards.ts).
 * Emits 'change' with the key whose ownership changed (HUB_SHARD for the hub shard).
 */
export interface Ownership extends EventEmitter {
  /** True while this replica may act on (write to, or write status about) the member. */
  owns(member: string): boolean;
  /** True while this replica may do the work that belongs to no member. */
  ownsHub(): boolean;
  /** Runs fn with hub writes judged by `member`'s shard. */
  within<T>(member: string, fn: () => T): T;
}

/** Ownership of a single replica (or of the leader): everything, always. */
export class OwnsEverything extends EventEmitter implements Ownership {
  owns(): boolean {
    return true;
  }

  ownsHub(): boolean {
    return true;
  }

  within<T>(_member: string, fn: () => T): T {
    return fn();
  }
}
