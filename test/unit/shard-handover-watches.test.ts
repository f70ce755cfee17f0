import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DiscoveryController } from '../../src/discovery/controller.js';
import { discoveryOptions } from '../../src/discovery/options.js';
import type { DiscoveryMember } from '../../src/discovery/member-state.js';
import { LiveCache } from '../../src/gitops/sync/live-cache.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { Informer } from '../../src/kube/informer.js';
import type { MemberPublications } from '../../src/serve/publications.js';

// A member can move to another replica (serve --shards) while this one is still setting discovery up
// in it. The move stops the member's informers here; an informer asked for after that would watch
// the member from this replica for good, beside its new holder's (seen as extra WATCH requests on
// the members in bench/scale/shard-watches.bench.ts at 24 members).

const log = pino({ level: 'silent' });

function deferred(): { promise: Promise<string>; resolve: (v: string) => void } {
  let resolve: (v: string) => void = () => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

/** A member whose EndpointSlice version answer waits for the test; it counts the informers asked of it. */
function slowMember(name: string) {
  const version = deferred();
  const asked: string[] = [];
  const informer = (apiVersion: string, kind: string) => {
    asked.push(`${apiVersion}/${kind}`);
    const inf = Object.assign(new EventEmitter(), { list: () => [], get: () => undefined, hasSynced: () => true });
    return inf as unknown as Informer<never>;
  };
  const client = {
    discovery: { has: async () => true, pickVersion: () => version.promise },
    apply: async (o: unknown) => o,
  } as unknown as KubeClient;
  const member: DiscoveryMember = { name, ready: true, client, informer };
  return { member, asked, answer: () => version.resolve('discovery.k8s.io/v1beta1') };
}

function source(members: DiscoveryMember[]) {
  return Object.assign(new EventEmitter(), { list: () => members });
}

function publications(): MemberPublications {
  return Object.assign(new EventEmitter(), { hasSynced: () => true, read: () => undefined, publish: async () => true });
}

async function setUpWith(moveAway: boolean): Promise<string[]> {
  const m = slowMember('us-east');
  const src = source([m.member]);
  let held = true;
  const controller = new DiscoveryController(src, discoveryOptions({ snapshotDelayMs: 10 }), log, () => held, publications());
  await controller.start();
  try {
    if (moveAway) {
      // What serve does when the member's Lease goes to another replica: ownership changes, then the registry says so.
      held = false;
      src.emit('change', 'us-east');
    }
    m.answer();
    await new Promise((r) => setTimeout(r, 50));
    return m.asked;
  } finally {
    await controller.stop();
  }
}

describe('a member that moves away during set-up', () => {
  it('gets no discovery informer from this replica once it has moved', async () => {
    expect(await setUpWith(false)).toHaveLength(5);
    expect(await setUpWith(true)).toEqual([]);
  });

  it('gets no GitOps watch from a pass still running here: a cache that is off starts none and reads through', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'demo', resourceVersion: '5' } };
    const off = LiveCache.off();
    off.wrote(obj);
    expect(off.cached(obj)).toBeUndefined();
    let watches = 0;
    const on = new LiveCache(() => {
      watches += 1;
      return { get: () => obj, hasSynced: () => true, stop: () => undefined };
    });
    expect(on.cached(obj)).toBe(obj);
    expect(watches).toBe(1);
  });
});
