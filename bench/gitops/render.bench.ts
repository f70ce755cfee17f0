// The native Kustomize renderer against `kubectl kustomize`, in one run, on generated trees:
//   npx tsx bench/gitops/render.bench.ts [--overlays 100] [--apps 20]
// (a) one base and N overlays (namespace, prefix, labels, an SMP and a JSON patch, a generator
// merge, images, replicas); (b) M applications with us-east/eu-west/ap-south overlays. Every
// overlay is rendered by both, outputs are compared, and the wall-clock times and ratio printed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from '../../src/gitops/kustomize/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

function writeBase(dir: string, app: string): void {
  write(join(dir, 'kustomization.yaml'), `resources: [deployment.yaml, service.yaml]
commonLabels: {app.kubernetes.io/part-of: ${app}}
configMapGenerator:
- name: ${app}-config
  literals: [LOG_LEVEL=info, PORT="8080"]
`);
  write(join(dir, 'deployment.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}, labels: {app: ${app}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
      containers:
      - name: web
        image: registry.example.com/${app}:1.0.0
        envFrom: [{configMapRef: {name: ${app}-config}}]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{name: http, containerPort: 8080}]
`);
  write(join(dir, 'service.yaml'), `apiVersion: v1
kind: Service
metadata: {name: ${app}}
spec: {selector: {app: ${app}}, ports: [{name: http, port: 80, targetPort: http}]}
`);
}

function writeOverlay(dir: string, app: string, region: string, i: number): void {
  write(join(dir, 'kustomization.yaml'), `resources: [../../base]
namespace: ${app}-${region}
namePrefix: ${region}-
commonAnnotations: {example.com/region: ${region}}
images: [{name: registry.example.com/${app}, newTag: "1.0.${i}"}]
replicas: [{name: ${app}, count: ${(i % 5) + 1}}]
configMapGenerator:
- name: ${app}-config
  behavior: merge
  literals: [REGION=${region}]
patches:
- path: patch.yaml
- target: {kind: Deployment}
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value: {name: INDEX, value: "${i}"}
`);
  write(join(dir, 'patch.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}}
spec:
  template:
    spec:
      containers:
      - name: web
        env: [{name: REGION, value: ${region}}]
`);
}

async function timeNative(dirs: string[], root: string): Promise<{ ms: number; out: string[] }> {
  const start = performance.now();
  const out: string[] = [];
  for (const d of dirs) out.push(await renderKustomization(d, { root }));
  return { ms: performance.now() - start, out };
}

function timeKubectl(dirs: string[]): { ms: number; out: string[] } {
  const start = performance.now();
  const out = dirs.map((d) => execFileSync('kubectl', ['kustomize', d], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }));
  return { ms: performance.now() - start, out };
}

async function scenario(label: string, root: string, dirs: string[]): Promise<void> {
  await renderKustomization(dirs[0], { root });
  const native = await timeNative(dirs, root);
  const kubectl = timeKubectl(dirs);
  const same = native.out.filter((o, i) => o === kubectl.out[i]).length;
  console.log(`${label}: ${dirs.length} overlays`);
  console.log(`  native renderer   ${native.ms.toFixed(0)} ms  (${(native.ms / dirs.length).toFixed(2)} ms/overlay)`);
  console.log(`  kubectl kustomize ${kubectl.ms.toFixed(0)} ms  (${(kubectl.ms / dirs.length).toFixed(2)} ms/overlay)`);
  console.log(`  ratio             ${(kubectl.ms / native.ms).toFixed(1)}x faster; identical output for ${same}/${dirs.length}`);
}

async function main(): Promise<void> {
  const overlays = arg('overlays', 100);
  const apps = arg('apps', 20);
  const root = mkdtempSync(join(tmpdir(), 'meridian-bench-kustomize-'));
  try {
    writeBase(join(root, 'a', 'base'), 'shop');
    const a = Array.from({ length: overlays }, (_, i) => join(root, 'a', 'overlays', `o${i}`));
    a.forEach((d, i) => writeOverlay(d, 'shop', `r${i}`, i));
    const b: string[] = [];
    for (let n = 0; n < apps; n++) {
      const app = `app${n}`;
      writeBase(join(root, 'b', app, 'base'), app);
      for (const [i, region] of ['us-east', 'eu-west', 'ap-south'].entries()) {
        const d = join(root, 'b', app, 'overlays', region);
        writeOverlay(d, app, region, i);
        b.push(d);
      }
    }
    await scenario('(a) one base + overlays', root, a);
    await scenario('(b) applications x 3 regions', root, b);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
