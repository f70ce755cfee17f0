// A generated fleet repository for the gitops benchmarks: N applications, each a base (Namespace,
// ConfigMap, Deployment, Service) and one overlay per region, in a real local Git repository.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitAll } from '../../src/gitops/demo.js';
import { runGit } from '../../src/gitops/git/run.js';

/** The regions every app has an overlay for. */
export const BENCH_REGIONS = ['us-east', 'eu-west', 'ap-south'];

/** The name of app i. */
export const appName = (i: number) => `app-${String(i).padStart(2, '0')}`;

// Ports spell out protocol: TCP because kubectl's server-side apply on Kubernetes 1.20 rejects them
// otherwise (Meridian fills it in itself), and the naive baseline must be able to run.
function base(name: string, version: string, paused: boolean): Record<string, string> {
  return {
    'kustomization.yaml': 'resources:\n  - namespace.yaml\n  - config.yaml\n  - deployment.yaml\n  - service.yaml\n',
    'namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`,
    'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\n  namespace: ${name}\ndata:\n  version: "${version}"\n`,
    'deployment.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name}`, `  namespace: ${name}`, 'spec:', ...(paused ? ['  paused: true'] : []), '  replicas: 1',
      '  selector:', '    matchLabels:', `      app: ${name}`, '  template:', '    metadata:', '      labels:', `        app: ${name}`, '    spec:', '      containers:',
      `        - name: app`, `          image: registry.example.test/${name}:1`, '          env:', '            - name: VERSION', `              value: "${version}"`, '',
    ].join('\n'),
    'service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n      targetPort: 8080\n      protocol: TCP\n`,
  };
}

/**
 * Writes (or rewrites) every app at `version`; overlays set a REGION label and one replica more in us-east.
 * paused: the Deployments are paused, so the members create no ReplicaSet or Pod for a change (a
 * commit's sync without the members rolling it out on the same CPUs).
 */
export async function writeApps(dir: string, apps: number, version: string, paused = false): Promise<void> {
  for (let i = 0; i < apps; i++) {
    const name = appName(i);
    await mkdir(join(dir, 'apps', name, 'base'), { recursive: true });
    for (const [f, text] of Object.entries(base(name, version, paused))) await writeFile(join(dir, 'apps', name, 'base', f), text);
    for (const region of BENCH_REGIONS) {
      await mkdir(join(dir, 'apps', name, 'overlays', region), { recursive: true });
      await writeFile(join(dir, 'apps', name, 'overlays', region, 'kustomization.yaml'),
        `resources:\n  - ../../base\nlabels:\n  - pairs:\n      region: ${region}\nreplicas:\n  - name: ${name}\n    count: ${region === 'us-east' ? 2 : 1}\n`);
    }
  }
}

/** Creates the repository with every app at version 1; returns its file:// URL. */
export async function createBenchRepo(dir: string, apps: number, paused = false): Promise<string> {
  await mkdir(dir, { recursive: true });
  await runGit(['init', '-q', '-b', 'main'], { cwd: dir });
  await writeApps(dir, apps, '1', paused);
  await commitAll(dir, 'apps at version 1');
  return `file://${dir}`;
}

/** The ApplicationSet deploying every app to every production cluster (matrix of git directories x clusters). */
export function benchAppSet(repoURL: string): Record<string, unknown> {
  return {
    apiVersion: 'meridian.dev/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'bench', namespace: 'meridian-system' },
    spec: {
      generators: [{ matrix: { generators: [
        { git: { repoURL, revision: 'main', directories: [{ path: 'apps/*' }] } },
        { clusters: { selector: { matchLabels: { env: 'production' } } } },
      ] } }],
      template: {
        metadata: { name: '{{path.basename}}-{{name}}' },
        spec: {
          source: { repoURL, targetRevision: 'main', path: '{{path}}/overlays/{{metadata.labels.region}}' },
          destination: { name: '{{name}}' },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
  };
}
