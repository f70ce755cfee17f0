import { secretValue, type SecretObject } from '../mesh/secret-data.js';
import type { ControllerContext } from '../serve/controller.js';
import type { PlanMember } from './plan-member.js';

/**
 * The members of `meridian serve`'s registry this replica acts on, each with its region and the CA
 * from its credentials Secret (a member whose Secret has no CA is left out until it has one).
 */
export async function registryMembers(ctx: ControllerContext): Promise<PlanMember[]> {
  const out: PlanMember[] = [];
  for (const m of ctx.registry.list()) {
    if (!ctx.shards.owns(m.name)) continue;
    const ref = m.cluster.spec.secretRef;
    const caPem = secretValue(await ctx.hub.get<SecretObject>('v1', 'Secret', ref.name, ref.namespace), 'ca.crt');
    if (caPem) out.push({ name: m.name, region: m.cluster.spec.region, client: m.client, server: m.cluster.spec.server, caPem });
  }
  return out;
}

/** Subscribes to the registry's member changes; returns the unsubscribe function. */
export function onMembersChanged(ctx: ControllerContext, onChange: () => void): () => void {
  ctx.registry.on('change', onChange);
  return () => ctx.registry.off('change', onChange);
}
