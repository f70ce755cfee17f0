import type { ServiceExport, ServicePort } from '../api/mcs.js';
import type { KubeObject } from '../kube/types.js';
import { CILIUM_AFFINITY, CILIUM_GLOBAL, CILIUM_SHARED, WEIGHT_ANNOTATION } from './labels.js';
import type { Affinity, ClusterExport, ExportedEndpoint, SlicePort } from './model.js';

// Objects as the informers hold them (JSON, timestamps as strings): the fields discovery reads.
// @kubernetes/client-node's models type timestamps as Date, which JSON from a watch is not.

/** A Service, the fields discovery reads. */
export interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: Array<{ name?: string; protocol?: string; port: number; appProtocol?: string }>;
    sessionAffinity?: string;
  };
}

/** An EndpointSlice in discovery.k8s.io v1 or v1beta1: the fields both versions share. */
export interface EndpointSliceObject extends KubeObject {
  addressType?: string;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean }; hostname?: string; nodeName?: string; targetRef?: unknown }>;
  ports?: SlicePort[];
}

/** What collectExport reads from one member's caches. */
export interface MemberCaches {
  name: string;
  ready: boolean;
  service(namespace: string, name: string): ServiceObject | undefined;
  serviceExport(namespace: string, name: string): ServiceExport | undefined;
  /** The member's own EndpointSlices of the Service (not the ones discovery derived). */
  sourceSlices(namespace: string, name: string): EndpointSliceObject[];
}

/** True when a Service carries Cilium's global annotation. */
export function isGlobalService(svc: ServiceObject | undefined): boolean {
  return svc?.metadata?.annotations?.[CILIUM_GLOBAL]?.toLowerCase() === 'true';
}

/** The affinity a Service asks for, when it asks. */
export function affinityOf(obj: KubeObject | undefined): Affinity | undefined {
  const v = obj?.metadata?.annotations?.[CILIUM_AFFINITY]?.toLowerCase();
  return v === 'local' || v === 'remote' || v === 'none' ? v : undefined;
}

/** One member's export of namespace/name, or undefined when it does not export it. */
export function collectExport(member: MemberCaches, namespace: string, name: string): ClusterExport | undefined {
  const exp = member.serviceExport(namespace, name);
  const svc = member.service(namespace, name);
  if (!exp && !isGlobalService(svc)) return undefined;
  if (exp?.metadata?.deletionTimestamp) return undefined;
  const annotations = { ...svc?.metadata?.annotations, ...exp?.metadata?.annotations };
  const slices = svc ? member.sourceSlices(namespace, name) : [];
  return {
    cluster: member.name,
    clusterReady: member.ready,
    via: exp ? 'ServiceExport' : 'annotation',
    exportedAt: (exp ?? svc)?.metadata?.creationTimestamp ?? '',
    shared: annotations[CILIUM_SHARED]?.toLowerCase() !== 'false',
    affinity: affinityOf(svc) ?? affinityOf(exp),
    weight: weightOf(annotations[WEIGHT_ANNOTATION]),
    service: svc ? serviceShape(svc) : undefined,
    endpoints: slices.flatMap(endpointsOf),
    slicePorts: slices[0]?.ports ?? [],
    addressType: addressTypeOf(slices),
  };
}

function weightOf(text: string | undefined): number {
  const weight = Number(text ?? '1');
  return Number.isInteger(weight) && weight >= 0 ? weight : 1;
}

function addressTypeOf(slices: EndpointSliceObject[]): 'IPv4' | 'IPv6' {
  return slices.some((s) => s.addressType === 'IPv6') && !slices.some((s) => s.addressType === 'IPv4') ? 'IPv6' : 'IPv4';
}

function serviceShape(svc: ServiceObject): NonNullable<ClusterExport['service']> {
  const spec = svc.spec ?? {};
  const ports = (spec.ports ?? []).map((p): ServicePort => ({
    ...(p.name ? { name: p.name } : {}), protocol: (p.protocol ?? 'TCP') as ServicePort['protocol'], port: p.port,
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
  const sessionAffinity = spec.sessionAffinity ?? 'None';
  if (spec.type === 'ExternalName') return { type: 'Unsupported', unsupported: 'ExternalName Services cannot be exported', clusterIPs: [], ports, sessionAffinity };
  const headless = spec.clusterIP === 'None';
  const clusterIPs = headless ? [] : (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []));
  return { type: headless ? 'Headless' : 'ClusterSetIP', clusterIPs, ports, sessionAffinity };
}

function endpointsOf(slice: EndpointSliceObject): ExportedEndpoint[] {
  // v1 and v1beta1 both say: a nil `ready` means ready.
  return (slice.endpoints ?? []).map((e) => ({
    addresses: e.addresses ?? [],
    ready: e.conditions?.ready !== false,
    ...(e.hostname ? { hostname: e.hostname } : {}),
  }));
}
