import type { ComponentSpec } from './components.js';
import type { ComponentTuning } from './layout.js';

/*
 * Flags that trim a component for a small cluster (a few nodes, a few hundred objects). Each was
 * measured on its own with bench/scale/fleet-memory.bench.ts and /proc/PID/smaps_rollup; the
 * figures are in docs/adr/0001-local-fleet-processes.md. Flags that were measured and gave nothing
 * (--watch-cache=false, for instance) or cost CPU (GOGC) are left out.
 */

/**
 * API versions Kubernetes 1.22 removed (each has a v1 that 1.20 serves too), and the flow-control
 * API that --enable-priority-and-fairness=false leaves unused: fewer storages, a smaller OpenAPI
 * document. CronJob (batch/v1beta1), PodDisruptionBudget (policy/v1beta1) and EndpointSlice
 * (discovery.k8s.io/v1beta1) have no v1 in 1.20 and stay.
 */
export const SMALL_RUNTIME_CONFIG = [
  'admissionregistration.k8s.io/v1beta1', 'apiextensions.k8s.io/v1beta1', 'apiregistration.k8s.io/v1beta1',
  'authentication.k8s.io/v1beta1', 'authorization.k8s.io/v1beta1', 'certificates.k8s.io/v1beta1',
  'coordination.k8s.io/v1beta1', 'extensions/v1beta1', 'networking.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1beta1',
  'scheduling.k8s.io/v1beta1', 'storage.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta1', 'autoscaling/v2beta1',
  'node.k8s.io/v1beta1', 'events.k8s.io/v1beta1',
].map((gv) => `${gv}=false`).join(',');

/**
 * Controllers a simulated cluster has nothing for: volumes (no storage), certificate requests
 * (identities come from the fleet's own CA), HPAs (no metrics server), the node TTL annotation and
 * resource quotas (whose controller watches every kind).
 */
export const SMALL_DISABLED_CONTROLLERS = [
  'attachdetach', 'persistentvolume-binder', 'persistentvolume-expander', 'pvc-protection', 'pv-protection',
  'csrsigning', 'csrapproving', 'csrcleaner', 'horizontalpodautoscaling', 'ttl', 'resourcequota',
];

const SMALL_ARGS: Record<ComponentSpec['name'], string[]> = {
  etcd: ['--snapshot-count=1000'],
  'kube-apiserver': [`--runtime-config=${SMALL_RUNTIME_CONFIG}`],
  'kube-controller-manager': [`--controllers=*,${SMALL_DISABLED_CONTROLLERS.map((c) => `-${c}`).join(',')}`],
  'kube-scheduler': [],
};

/** A component's command with the tuning's flags; a later flag of the same name wins over the stock one. */
export function tuned(spec: ComponentSpec, tuning: ComponentTuning | undefined): { command: string; args: string[] } {
  if (tuning === 'stock') return { command: spec.command, args: spec.args };
  const extra = SMALL_ARGS[spec.name];
  const names = new Set(extra.map((a) => a.split('=')[0]));
  return { command: spec.command, args: [...spec.args.filter((a) => !names.has(a.split('=')[0])), ...extra] };
}

/**
 * A minimal environment for a component, never the supervisor's own. GOGC=50 was measured and left
 * out: 30-60 MB less per API server, but about 15% more of its CPU, and CPU is what two cores lack.
 */
export function componentEnv(): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
}
