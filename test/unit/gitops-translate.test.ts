import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerTranslation, translateObject } from '../../src/api/translate.js';
import { webhookRepoUrls } from '../../src/gitops/controller/webhook.js';
import { appsMatrix } from '../../src/cli/commands/apps.js';
import type { Application } from '../../src/api/application.js';
import type { KubeObject } from '../../src/kube/types.js';

const argo = parse(`
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: guestbook, namespace: argocd, uid: x, resourceVersion: "1" }
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - clusters: { selector: { matchLabels: { env: production } } }
  template:
    metadata: { name: 'guestbook-{{.name}}' }
    spec:
      project: default
      source: { repoURL: https://git.example.test/apps.git, targetRevision: HEAD, path: 'guestbook/{{index .metadata.labels "region"}}' }
      destination: { server: '{{.server}}', namespace: guestbook }
      syncPolicy: { automated: { prune: true }, syncOptions: [CreateNamespace=true] }
  syncPolicy: { preserveResourcesOnDeletion: true }
`) as KubeObject;

describe('apply -f translation', () => {
  it('turns an ArgoCD ApplicationSet into a Meridian one', () => {
    const [out] = translateObject(argo);
    expect(out).toEqual({
      apiVersion: 'meridian.dev/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'guestbook', namespace: 'meridian-system', annotations: { 'meridian.dev/translated-from': 'argoproj.io/v1alpha1/ApplicationSet argocd/guestbook' } },
      spec: {
        generators: [{ clusters: { selector: { matchLabels: { env: 'production' } } } }], goTemplate: true, goTemplateOptions: ['missingkey=error'],
        template: { metadata: { name: 'guestbook-{{.name}}' }, spec: {
          project: 'default', source: { repoURL: 'https://git.example.test/apps.git', targetRevision: 'HEAD', path: 'guestbook/{{index .metadata.labels "region"}}' },
          destination: { name: '{{.name}}', namespace: 'guestbook' }, syncPolicy: { automated: { prune: true } },
        } },
        syncPolicy: { preserveResourcesOnDeletion: true },
      },
    });
  });

  it('rejects what it cannot honour, naming the field', () => {
    const helm = structuredClone(argo) as KubeObject & { spec: { template: { spec: { source: Record<string, unknown> } } } };
    helm.spec.template.spec.source.chart = 'redis';
    expect(() => translateObject(helm)).toThrow(/ApplicationSet guestbook: spec.template.spec.source.chart: not supported/);
  });

  it('passes other kinds through, and takes new translations with one line', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    expect(translateObject(cm)).toEqual([cm]);
    registerTranslation('k8gb.absa.oss/v1beta1', 'Gslb', (o) => [{ ...o, apiVersion: 'meridian.dev/v1alpha1', kind: 'GlobalService' }]);
    expect(translateObject({ apiVersion: 'k8gb.absa.oss/v1beta1', kind: 'Gslb', metadata: { name: 'g' } })[0].kind).toBe('GlobalService');
  });
});

describe('git webhook payloads', () => {
  it.each([
    ['GitHub', { repository: { clone_url: 'https://github.example.test/o/r.git', ssh_url: 'git@github.example.test:o/r.git' } }, ['https://github.example.test/o/r.git', 'git@github.example.test:o/r.git']],
    ['GitLab', { project: { git_http_url: 'https://gitlab.example.test/o/r.git' } }, ['https://gitlab.example.test/o/r.git']],
    ['generic', { repoURL: 'file:///srv/repo' }, ['file:///srv/repo']],
    ['nothing', { zen: 'hi' }, []],
  ])('%s', (_n, body, want) => {
    expect(webhookRepoUrls(body)).toEqual(want);
  });
});

describe('apps matrix', () => {
  const app = (name: string, cluster: string, sync: string, health: string): Application => ({
    apiVersion: 'meridian.dev/v1alpha1', kind: 'Application', metadata: { name, labels: { 'meridian.dev/applicationset': 'web' } },
    spec: { source: { repoURL: 'x' }, destination: { name: cluster } },
    status: { sync: { status: sync as 'Synced', revision: 'abcdef1234' }, health: { status: health as 'Healthy' } },
  });
  it('one row per ApplicationSet, one column per cluster', () => {
    expect(appsMatrix([app('web-b', 'eu-west', 'Synced', 'Healthy'), app('web-a', 'ap-south', 'OutOfSync', 'Degraded')])).toEqual({
      header: ['APPLICATION', 'AP-SOUTH', 'EU-WEST'],
      rows: [['web', 'OutOfSync/Degraded@abcdef1', 'Synced/Healthy@abcdef1']],
    });
  });
});
