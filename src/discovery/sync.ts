import { MCS_API_VERSION, type ServiceExport, type ServiceImport } from '../api/mcs.js';
import { setCondition } from '../kube/conditions.js';
import { isNotFound } from '../kube/errors.js';
import type { Condition } from '../kube/types.js';
import type { EndpointSliceObject } from './collect.js';
import type { ExportConditions, ResolvedService } from './conflicts.js';
import { desiredImport, desiredSlices, importStatus } from './desired.js';
import { MANAGED_BY, MANAGER } from './labels.js';
import type { MemberState } from './member-state.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Makes one member import a service: its ServiceImport (spec, then status) and one derived
 * EndpointSlice per sharing cluster; derived slices of clusters that no longer share are deleted.
 * Writes only what differs from the member's cache, so a resync costs no API calls.
 */
export async function syncImport(m: MemberState, namespace: string, name: string, resolved: ResolvedService, clusterSetIp: string | undefined): Promise<void> {
  const client = m.member.client;
  const want = desiredImport(namespace, name, resolved, clusterSetIp);
  let current = m.imports.get(`${namespace}/${name}`);
  if (!current || !same(current.spec, want.spec) || current.metadata?.labels?.[MANAGED_BY] !== MANAGER) current = await client.apply(want);
  const status = importStatus(resolved);
  if (!same(current.status ?? {}, status)) await client.patchStatus(MCS_API_VERSION, 'ServiceImport', name, namespace, status);
  const uid = current.metadata?.uid;
  const slices = desiredSlices(namespace, name, resolved, m.sliceApiVersion, uid ? { uid } : undefined);
  const existing = new Map(m.derivedSlices(namespace, name).map((s) => [s.metadata?.name ?? '', s]));
  for (const slice of slices) {
    const have = existing.get(slice.metadata?.name ?? '');
    existing.delete(slice.metadata?.name ?? '');
    if (have && same(sliceBody(have), sliceBody(slice))) continue;
    await client.apply(slice);
  }
  for (const stale of existing.keys()) await client.delete(m.sliceApiVersion, 'EndpointSlice', stale, namespace);
}

/** Removes what discovery derived in a member for a service nobody exports any more. */
export async function removeImport(m: MemberState, namespace: string, name: string): Promise<void> {
  const client = m.member.client;
  for (const s of m.derivedSlices(namespace, name)) await client.delete(m.sliceApiVersion, 'EndpointSlice', s.metadata?.name ?? '', namespace);
  const imp = m.imports.get(`${namespace}/${name}`);
  if (imp?.metadata?.labels?.[MANAGED_BY] === MANAGER) await client.delete(MCS_API_VERSION, 'ServiceImport', name, namespace);
}

/** Writes the Valid and Conflict conditions of a member's ServiceExport when they changed. */
export async function syncExportStatus(m: MemberState, exp: ServiceExport, conditions: ExportConditions): Promise<void> {
  const generation = exp.metadata?.generation;
  let next = exp.status?.conditions as Condition[] | undefined;
  next = setCondition(next, { type: 'Valid', ...conditions.valid, observedGeneration: generation });
  next = setCondition(next, { type: 'Conflict', ...conditions.conflict, observedGeneration: generation });
  if (same(next, exp.status?.conditions)) return;
  try {
    await m.member.client.patchStatus(MCS_API_VERSION, 'ServiceExport', exp.metadata?.name ?? '', exp.metadata?.namespace, { conditions: next });
  } catch (err) {
    if (!isNotFound(err)) throw new Error(`ServiceExport ${exp.metadata?.namespace}/${exp.metadata?.name} in cluster ${m.name}: status.conditions not written`, { cause: err });
  }
}

function sliceBody(s: EndpointSliceObject): unknown {
  return { labels: s.metadata?.labels, addressType: s.addressType, endpoints: (s.endpoints ?? []).map((e) => ({ addresses: e.addresses, ready: e.conditions?.ready !== false, hostname: e.hostname })), ports: s.ports ?? [] };
}

/** The ServiceImport kind's type guard for a cached object. */
export function isManagedImport(imp: ServiceImport | undefined): boolean {
  return imp?.metadata?.labels?.[MANAGED_BY] === MANAGER;
}
