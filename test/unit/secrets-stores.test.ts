import { describe, expect, it } from 'vitest';
import type { SecretStorePlanSpec } from '../../src/api/secretstoreplan.js';
import { parseGoDuration } from '../../src/secrets/duration.js';
import { regionEntry, storeObjects, storeTokenSecrets } from '../../src/secrets/stores.js';
import { esStatus } from '../../src/secrets/es-status.js';

const spec: SecretStorePlanSpec = {
  storeName: 'regional', storeKind: 'SecretStore', namespaces: ['web', 'api'],
  regions: [
    { region: 'us-east', aws: { region: 'us-east-1' } },
    { region: 'eu-west', vault: { server: 'https://vault.eu.example', path: 'secret/eu-west', role: 'meridian' } },
    { region: 'ap-south', kubernetes: { namespace: 'store' } },
    { region: 'broken', kubernetes: { namespace: 'x' }, aws: { region: 'x' } },
  ],
};

describe('secret store plan', () => {
  it('gives each region its own provider, one store per namespace', () => {
    const us = storeObjects(spec, regionEntry(spec, 'us-east', 'p')).filter((o) => o.kind === 'SecretStore');
    expect(us.map((o) => o.metadata?.namespace)).toEqual(['web', 'api']);
    expect(us[0].spec).toEqual({ provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } });
    expect(storeObjects(spec, regionEntry(spec, 'eu-west', 'p')).find((o) => o.kind === 'SecretStore')?.spec).toMatchObject({ provider: { vault: { path: 'secret/eu-west', version: 'v2' } } });
    const ap = storeObjects({ ...spec, storeKind: 'ClusterSecretStore', apiVersion: 'external-secrets.io/v1beta1' }, regionEntry(spec, 'ap-south', 'p'));
    expect(ap.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'Namespace', 'Namespace', 'ClusterSecretStore']);
    expect(ap.at(-1)?.apiVersion).toBe('external-secrets.io/v1beta1');
    expect((ap.find((o) => o.kind === 'Role') as { rules: unknown }).rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]);
    expect(storeTokenSecrets({ ...spec, storeKind: 'ClusterSecretStore' }, 't').map((s) => s.metadata?.namespace)).toEqual(['web']);
  });
  it('names the plan and region on bad input', () => {
    expect(() => regionEntry(spec, 'sa-east', 'p')).toThrow(/SecretStorePlan p: spec.regions has no entry for region "sa-east"/);
    expect(() => regionEntry(spec, 'broken', 'p')).toThrow(/exactly one of aws, vault, kubernetes \(has aws, kubernetes\)/);
  });
  it('parses refreshInterval as Go durations', () => {
    expect(parseGoDuration('1h30m', 'f')).toBe(5_400_000);
    expect(parseGoDuration('15s', 'f')).toBe(15_000);
    expect(parseGoDuration('0', 'f')).toBe(0);
    expect(() => parseGoDuration('soon', 'spec.refreshInterval')).toThrow(/spec.refreshInterval: "soon"/);
  });
  it('writes ESO status: Ready/SecretSynced with refreshTime and syncedResourceVersion', () => {
    const s = esStatus({ metadata: { generation: 3 } }, { ok: true, reason: 'SecretSynced', message: 'secret synced', target: 'db' }, new Date('2026-01-01T00:00:00Z'));
    expect(s.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'SecretSynced' });
    expect(s.refreshTime).toBe('2026-01-01T00:00:00.000Z');
    expect(s.syncedResourceVersion).toMatch(/^3-[0-9a-f]{56}$/);
  });
});
