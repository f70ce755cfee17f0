import { parse } from 'yaml';
import type { Cluster } from '../api/cluster.js';
import { KubeClient } from '../kube/client.js';
import { signedBy, summarize } from './ca.js';
import { servingCertificate } from './doctor-tls.js';
import { expirySeverity, type Finding } from './doctor-types.js';
import { ISTIO_NAMESPACE } from './istio-objects.js';
import { CILIUM_NAMESPACE } from './cilium-objects.js';
import { CLUSTER_ANNOTATION, MULTICLUSTER_LABEL } from './remote-secret.js';
import { secretValue, type SecretObject } from './secret-data.js';

/** A member as the doctor reads it: its Cluster and a client (Meridian's own credentials). */
export interface DoctorMember {
  name: string;
  cluster: Cluster;
  client: KubeClient;
}

/** The hub's mesh roots (public certificates only). */
export interface MeshRoots {
  istio?: string;
  cilium?: string;
}

type Add = (f: Omit<Finding, 'cluster'>) => void;

/** Every per-member check: API server certificate, Istio and Cilium certificates and trust, remote secrets. */
export async function checkMember(m: DoctorMember, roots: MeshRoots, now = Date.now()): Promise<Finding[]> {
  const out: Finding[] = [];
  const add: Add = (f) => out.push({ cluster: m.name, ...f });
  await step(add, 'apiserver-certificate', async () => {
    const cert = await servingCertificate(m.cluster.spec.server);
    const days = Math.floor((Date.parse(cert.notAfter) - now) / 86_400_000);
    add({ condition: 'CertificatesValid', check: 'apiserver-certificate', severity: expirySeverity(days), message: `serving certificate of ${m.cluster.spec.server} expires ${cert.notAfter} (${days} days)` });
  });
  await step(add, 'istio-ca', () => checkIstioCa(m, roots.istio, add, now));
  await step(add, 'cilium-ca', () => checkCiliumCa(m, roots.cilium, add, now));
  await step(add, 'remote-secrets', () => checkRemoteSecrets(m, add));
  return out;
}

async function step(add: Add, check: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    add({ condition: check === 'remote-secrets' ? 'RemoteSecretsValid' : 'CertificatesValid', check, severity: 'error', message: `could not check: ${(err as Error).message}` });
  }
}

function certFinding(add: Add, check: string, label: string, pem: string, now: number): void {
  const s = summarize(pem, now);
  add({ condition: 'CertificatesValid', check, severity: expirySeverity(s.daysLeft), message: `${label} expires ${s.notAfter} (${s.daysLeft} days)` });
}

async function checkIstioCa(m: DoctorMember, hubRoot: string | undefined, add: Add, now: number): Promise<void> {
  const s = await m.client.get<SecretObject>('v1', 'Secret', 'cacerts', ISTIO_NAMESPACE);
  if (!s) return;
  const inter = secretValue(s, 'ca-cert.pem') ?? '';
  const root = secretValue(s, 'root-cert.pem') ?? '';
  certFinding(add, 'istio-intermediate', 'Istio intermediate CA', inter, now);
  certFinding(add, 'istio-root', 'Istio root CA', root, now);
  const chained = signedBy(inter, root);
  add({ condition: 'MeshTrustConsistent', check: 'istio-chain', severity: chained ? 'ok' : 'error', message: chained ? 'intermediate chains to root-cert.pem' : 'ca-cert.pem is not signed by root-cert.pem' });
  const same = !!hubRoot && summarize(hubRoot).fingerprint === summarize(root).fingerprint;
  add({ condition: 'MeshTrustConsistent', check: 'istio-root', severity: same ? 'ok' : 'error', message: same ? 'root-cert.pem is the hub\'s mesh root' : 'root-cert.pem differs from the hub\'s mesh root (members will not trust each other)' });
}

async function checkCiliumCa(m: DoctorMember, hubCa: string | undefined, add: Add, now: number): Promise<void> {
  const s = await m.client.get<SecretObject>('v1', 'Secret', 'clustermesh-apiserver-server-cert', CILIUM_NAMESPACE);
  if (!s) return;
  const cert = secretValue(s, 'tls.crt') ?? '';
  certFinding(add, 'cilium-server', 'clustermesh-apiserver certificate', cert, now);
  const ok = !!hubCa && signedBy(cert, hubCa);
  add({ condition: 'MeshTrustConsistent', check: 'cilium-ca', severity: ok ? 'ok' : 'error', message: ok ? 'clustermesh certificate chains to the shared CA' : 'clustermesh certificate is not signed by the hub\'s ClusterMesh CA' });
}

async function checkRemoteSecrets(m: DoctorMember, add: Add): Promise<void> {
  const list = await m.client.list<SecretObject>('v1', 'Secret', { namespace: ISTIO_NAMESPACE, labelSelector: `${MULTICLUSTER_LABEL}=true` }).catch(() => ({ items: [] as SecretObject[] }));
  for (const s of list.items) {
    const target = s.metadata?.annotations?.[CLUSTER_ANNOTATION] ?? '?';
    const check = `remote-secret ${s.metadata?.name}`;
    try {
      const kc = parse(secretValue(s, target) ?? '') as { clusters?: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>; users?: Array<{ user: { token?: string } }> };
      const cluster = kc.clusters?.[0]?.cluster;
      const token = kc.users?.[0]?.user?.token;
      if (!cluster || !token) throw new Error(`no kubeconfig for ${target} under key "${target}"`);
      const client = KubeClient.fromToken(cluster.server, Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'), token, target, 5000);
      try {
        await client.request('GET', '/api/v1/services', { query: { limit: 1 } });
      } finally {
        client.close();
      }
      add({ condition: 'RemoteSecretsValid', check, severity: 'ok', message: `lists services in ${target}` });
    } catch (err) {
      add({ condition: 'RemoteSecretsValid', check, severity: 'error', message: `access to ${target} fails: ${(err as Error).message.split('\n')[0].slice(0, 200)}` });
    }
  }
}
