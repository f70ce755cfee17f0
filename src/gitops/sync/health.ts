import type { HealthState } from '../../api/application.js';
import type { KubeObject } from '../../kube/types.js';

/** The health of one resource. */
export interface Health { status: HealthState; message?: string }

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
type Cond = { type: string; status: string; reason?: string; message?: string };

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const conds = (o: Obj) => (Array.isArray(o.status?.conditions) ? (o.status?.conditions as Cond[]) : []);
const cond = (o: Obj, type: string) => conds(o).find((c) => c.type === type);
const stale = (o: Obj) => num(o.metadata?.generation) > num(o.status?.observedGeneration);

function deployment(o: Obj): Health {
  if (o.spec?.paused) return { status: 'Suspended', message: 'deployment is paused' };
  const progressing = cond(o, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: `deployment ${o.metadata?.name} exceeded its progress deadline` };
  if (stale(o)) return { status: 'Progressing', message: 'waiting for the rollout to be observed' };
  const want = o.spec?.replicas === undefined ? 1 : num(o.spec.replicas);
  const s = o.status ?? {};
  if (num(s.updatedReplicas) < want) return { status: 'Progressing', message: `${num(s.updatedReplicas)} of ${want} updated replicas` };
  if (num(s.replicas) > num(s.updatedReplicas)) return { status: 'Progressing', message: 'old replicas are pending termination' };
  if (num(s.availableReplicas) < num(s.updatedReplicas)) return { status: 'Progressing', message: `${num(s.availableReplicas)} of ${num(s.updatedReplicas)} updated replicas available` };
  return { status: 'Healthy' };
}

function statefulSet(o: Obj): Health {
  if (stale(o)) return { status: 'Progressing', message: 'waiting for the rollout to be observed' };
  const want = o.spec?.replicas === undefined ? 1 : num(o.spec.replicas);
  if (num(o.status?.readyReplicas) < want) return { status: 'Progressing', message: `${num(o.status?.readyReplicas)} of ${want} pods ready` };
  if (o.status?.updateRevision && o.status.currentRevision !== o.status.updateRevision) return { status: 'Progressing', message: 'partitioned roll out in progress' };
  return { status: 'Healthy' };
}

function daemonSet(o: Obj): Health {
  if (stale(o)) return { status: 'Progressing', message: 'waiting for the rollout to be observed' };
  const s = o.status ?? {};
  if (num(s.updatedNumberScheduled) < num(s.desiredNumberScheduled)) return { status: 'Progressing', message: `${num(s.updatedNumberScheduled)} of ${num(s.desiredNumberScheduled)} updated` };
  if (num(s.numberAvailable) < num(s.desiredNumberScheduled)) return { status: 'Progressing', message: `${num(s.numberAvailable)} of ${num(s.desiredNumberScheduled)} available` };
  return { status: 'Healthy' };
}

const BAD_WAITING = ['ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff', 'InvalidImageName', 'CreateContainerConfigError'];

function pod(o: Obj): Health {
  const phase = o.status?.phase;
  if (phase === 'Succeeded') return { status: 'Healthy', message: 'pod completed' };
  if (phase === 'Failed') return { status: 'Degraded', message: String(o.status?.message ?? 'pod failed') };
  const statuses = (o.status?.containerStatuses ?? []) as Array<{ state?: { waiting?: { reason?: string } } }>;
  const bad = statuses.map((c) => c.state?.waiting?.reason).find((r) => r && BAD_WAITING.includes(r));
  if (bad) return { status: 'Degraded', message: bad };
  return cond(o, 'Ready')?.status === 'True' ? { status: 'Healthy' } : { status: 'Progressing', message: 'pod not ready' };
}

function job(o: Obj): Health {
  if (cond(o, 'Failed')?.status === 'True') return { status: 'Degraded', message: cond(o, 'Failed')?.message ?? 'job failed' };
  if (cond(o, 'Complete')?.status === 'True') return { status: 'Healthy', message: 'job completed' };
  return o.spec?.suspend ? { status: 'Suspended' } : { status: 'Progressing', message: 'job running' };
}

const ASSESSORS: Record<string, (o: Obj) => Health> = {
  Deployment: deployment,
  StatefulSet: statefulSet,
  DaemonSet: daemonSet,
  Pod: pod,
  Job: job,
  Service: (o) => (o.spec?.type === 'LoadBalancer' && !(o.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress?.length
    ? { status: 'Progressing', message: 'waiting for a load balancer address' } : { status: 'Healthy' }),
  Ingress: () => ({ status: 'Healthy' }),
  PersistentVolumeClaim: (o) => (o.status?.phase === 'Bound' ? { status: 'Healthy' } : o.status?.phase === 'Lost' ? { status: 'Degraded', message: 'claim lost its volume' } : { status: 'Progressing', message: 'claim pending' }),
  CustomResourceDefinition: (o) => (cond(o, 'Established')?.status === 'True' ? { status: 'Healthy' }
    : cond(o, 'NamesAccepted')?.status === 'False' ? { status: 'Degraded', message: cond(o, 'NamesAccepted')?.message } : { status: 'Progressing', message: 'not established yet' }),
};

/** Assesses one live resource; undefined when its kind has no notion of health (ConfigMap, ...). */
export function assessHealth(obj: KubeObject | undefined): Health | undefined {
  if (!obj) return { status: 'Missing', message: 'resource does not exist' };
  const o = obj as Obj;
  const fn = Object.hasOwn(ASSESSORS, o.kind ?? '') ? ASSESSORS[o.kind ?? ''] : undefined;
  if (fn) return fn(o);
  const ready = cond(o, 'Ready');
  if (!ready) return undefined;
  if (ready.status === 'True') return { status: 'Healthy' };
  return ready.status === 'False' ? { status: 'Degraded', message: ready.message ?? ready.reason } : { status: 'Progressing', message: ready.message };
}

const RANK: HealthState[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** The worst of several health states, as ArgoCD aggregates an application's health. */
export function worstHealth(list: Array<Health | undefined>): Health {
  let worst: Health = { status: 'Healthy' };
  for (const h of list) if (h && RANK.indexOf(h.status) > RANK.indexOf(worst.status)) worst = h;
  return worst;
}
