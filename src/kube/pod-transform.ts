import type { KubeObject } from './types.js';

/**
 * The Pod status fields Meridian reads from a member's Pod cache: the phase (capacity, scheduling,
 * offloading, peering), and what the reflector mirrors from a delegate back to its source pod
 * (scheduling/delegate.ts mirroredStatus). Everything else in a status (hostIP, qosClass,
 * ephemeral container statuses, nominatedNodeName, ...) is dropped from the cache.
 */
export const POD_STATUS_FIELDS = ['phase', 'conditions', 'podIP', 'podIPs', 'startTime', 'containerStatuses', 'initContainerStatuses', 'reason', 'message'] as const;

/**
 * The member Pod informers' transform: keeps only what Meridian reads from a cached Pod.
 * metadata minus managedFields; the whole spec (the scheduler scores it, the reflector copies it
 * into a delegate); labels and every annotation (a delegate carries its source pod's annotations);
 * of the status only POD_STATUS_FIELDS. Objects of other kinds go through unchanged.
 */
export function trimPod(obj: KubeObject): KubeObject {
  if (obj.kind !== undefined && obj.kind !== 'Pod') return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata ?? {};
  const src = obj as KubeObject & { spec?: unknown; status?: Record<string, unknown> };
  const out: KubeObject = { metadata };
  if (src.apiVersion !== undefined) out.apiVersion = src.apiVersion;
  if (src.kind !== undefined) out.kind = src.kind;
  if (src.spec !== undefined) out.spec = src.spec;
  if (src.status) {
    const status: Record<string, unknown> = {};
    for (const k of POD_STATUS_FIELDS) if (src.status[k] !== undefined) status[k] = src.status[k];
    out.status = status;
  }
  return out;
}
