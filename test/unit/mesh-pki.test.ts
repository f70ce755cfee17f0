import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { issueCertificate, opensslVerify, signedBy, summarize } from '../../src/mesh/ca.js';
import { intermediateFor } from '../../src/mesh/intermediate.js';
import { cacertsSecret } from '../../src/mesh/istio-objects.js';
import { clustermeshSecret, peerEtcdConfig } from '../../src/mesh/cilium-objects.js';
import { readerKubeconfig, remoteSecret } from '../../src/mesh/remote-secret.js';
import { READER_RULES } from '../../src/mesh/istio-reader.js';
import { doctorConditions } from '../../src/mesh/doctor-conditions.js';
import { forServer } from '../../src/mesh/vendor-crds.js';

describe('mesh PKI', () => {
  it('root -> intermediate chains verify with openssl; a foreign root is refused; rotation keeps the root', async () => {
    const root = await issueCertificate({ subject: '/O=Meridian/CN=Root CA test', days: 30, ca: true });
    const other = await issueCertificate({ subject: '/O=Other/CN=Root', days: 30, ca: true });
    const first = await intermediateFor('us-east', root, undefined, { organization: 'Meridian' });
    expect(first.issued).toBe(true);
    expect(await opensslVerify(root.cert, first.pair.cert)).toMatch(/OK$/);
    await expect(opensslVerify(other.cert, first.pair.cert)).rejects.toThrow();
    const leaf = await issueCertificate({ subject: '/CN=workload', days: 1, ca: false, usage: ['client'], uris: ['spiffe://cluster.local/ns/default/sa/x'] }, first.pair);
    expect(await opensslVerify(root.cert, leaf.cert, first.pair.cert)).toMatch(/OK$/);
    expect(summarize(first.pair.cert).ca).toBe(true);
    expect((await intermediateFor('us-east', root, first.pair, { organization: 'Meridian' })).issued).toBe(false);
    const rotated = await intermediateFor('us-east', root, first.pair, { organization: 'Meridian', rotate: true });
    expect(rotated.pair.cert).not.toBe(first.pair.cert);
    expect(signedBy(rotated.pair.cert, root.cert)).toBe(true);
    expect((await intermediateFor('us-east', other, first.pair, { organization: 'Meridian' })).issued).toBe(true);
    await expect(issueCertificate({ subject: '/CN=x;rm -rf', days: 1, ca: true })).rejects.toThrow(/characters/);
    const cacerts = cacertsSecret(first.pair, root.cert) as { data: Record<string, string> };
    expect(Buffer.from(cacerts.data['cert-chain.pem'], 'base64').toString()).toBe(first.pair.cert + root.cert);
  }, 30_000);
});

describe('mesh formats', () => {
  it('remote secret: istioctl create-remote-secret shape', () => {
    const kc = parse(readerKubeconfig('eu-west', 'https://127.0.0.1:6443', 'CA', 'tok')) as Record<string, unknown>;
    expect(kc).toMatchObject({ kind: 'Config', 'current-context': 'eu-west', users: [{ name: 'eu-west', user: { token: 'tok' } }] });
    const s = remoteSecret('eu-west', 'x') as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> };
    expect(s.metadata.labels['istio/multiCluster']).toBe('true');
    expect(s.metadata.annotations['networking.istio.io/cluster']).toBe('eu-west');
    expect(Object.keys(s.data)).toEqual(['eu-west']);
  });
  it('reader role: read-only except reviews, no Secrets', () => {
    for (const r of READER_RULES) {
      expect(r.resources).not.toContain('secrets');
      if (!r.apiGroups.some((g) => g.endsWith('.k8s.io') && (r.resources.includes('tokenreviews') || r.resources.includes('subjectaccessreviews')))) expect(r.verbs).toEqual(['get', 'list', 'watch']);
    }
  });
  it('cilium-clustermesh: one config per peer plus its three files', () => {
    expect(parse(peerEtcdConfig({ name: 'b', id: 2, port: 2379, ips: [] }))).toEqual({ endpoints: ['https://b.mesh.cilium.io:2379'], 'trusted-ca-file': '/var/lib/cilium/clustermesh/b.etcd-client-ca.crt', 'key-file': '/var/lib/cilium/clustermesh/b.etcd-client.key', 'cert-file': '/var/lib/cilium/clustermesh/b.etcd-client.crt' });
    const s = clustermeshSecret([{ name: 'b', id: 2, port: 2379, ips: [] }], 'CA', new Map([['b', { cert: 'C', key: 'K' }]])) as { data: Record<string, string> };
    expect(Object.keys(s.data).sort()).toEqual(['b', 'b.etcd-client-ca.crt', 'b.etcd-client.crt', 'b.etcd-client.key']);
  });
  it('doctor conditions: worst severity per type; vendored CRDs lose CEL rules only for old servers', () => {
    const c = doctorConditions('a', [
      { cluster: 'a', condition: 'CertificatesValid', check: 'x', severity: 'ok', message: '' },
      { cluster: 'a', condition: 'NetworkUnique', check: 'cidr-overlap', severity: 'error', message: 'a pod 10.0.0.0/16 <-> b pod 10.0.0.0/16' },
      { cluster: 'b', condition: 'RemoteSecretsValid', check: 'y', severity: 'error', message: 'b only' },
    ]);
    expect(Object.fromEntries(c.map((x) => [x.type, `${x.status}/${x.reason}`]))).toEqual({ CertificatesValid: 'True/Checked', MeshTrustConsistent: 'True/NotChecked', RemoteSecretsValid: 'True/NotChecked', NetworkUnique: 'False/CheckFailed', VersionSkewSupported: 'True/NotChecked' });
    const crd = { spec: { x: { 'x-kubernetes-validations': [1], type: 'object' } } };
    expect(forServer(crd, 20)).toEqual({ spec: { x: { type: 'object' } } });
    expect(forServer(crd, 30)).toBe(crd);
  });
});
