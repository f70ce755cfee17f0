import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { KubeClient } from '../kube/client.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Logger } from '../util/log.js';
import type { ServeOptions } from './options.js';
import type { ZoneAuthority } from '../dns/types.js';
import type { Ownership } from './ownership.js';
import type { MemberPublications } from './publications.js';

/** What every controller gets from `meridian serve`. */
export interface ControllerContext {
  hub: KubeClient;
  registry: ClusterRegistry;
  log: Logger;
  /** The HTTP server (dashboard, JSON API, webhooks); register routes before it listens. */
  http: FastifyInstance;
  metrics: Registry;
  options: ServeOptions;
  /** The DNS listeners of `meridian serve`; adding a zone that is already served is a no-op. */
  dns: ZoneHost;
  /**
   * Which members this replica acts on: all of them unless `--shards` splits them between replicas.
   * Work about one member runs inside `shards.within(member, ...)`, so that its hub writes are
   * fenced by that member's shard; work about no member belongs to the hub shard.
   */
  shards: Ownership;
  /**
   * With `--shards`: what the holder of each member publishes on the hub, so that a replica answers
   * for members it does not watch. Undefined for a single replica (or a leader), which watches all.
   */
  publications?: MemberPublications;
}

/** Where controllers put the zones they answer. */
export interface ZoneHost {
  addZone(zone: ZoneAuthority): void;
  removeZone(origin: string): boolean;
}

/** A controller run by `meridian serve`; started only on the leader. */
export interface Controller {
  /** Starts after the caches it reads have synced; the signal fires when this replica stops leading. */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** DNS zones the controller fills; `meridian serve` answers them on every DNS listener. */
  readonly zones?: readonly ZoneAuthority[];
}

/** Builds a controller; registered by name in controllers.ts. */
export type ControllerFactory = (ctx: ControllerContext) => Controller;
