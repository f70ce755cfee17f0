// The native Kustomize renderer against `kubectl kustomize`, in one run, on generated trees:
//   npx tsx bench/gitops/render.bench.ts [--overlays 100] [--apps 20]
// (a) one base and N overlays (namespace, prefix, labels, an SMP and a JSON patch, a generator
// merge, images, replicas); (b) M applications with us-east/eu-west/ap-south overlays. Every
// overlay is rendered by both, outputs are compared, and the wall-clock times and ratio printed.
// The native renders of one scenario share a RenderCache, as the renders of one Git revision do.
// (c) command start: `meridian --help`, `meridian render` and `kubectl kustomize` on the web-app
// overlay, median of 5 each (needs `npm run build` for bin/meridian).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenderCache, renderKustomization } from '../../src/gitops/kustomize/index.js';

const REPO = join(import.meta.dirname, '..', '..');

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
  const cache = new RenderCache();
  for (const d of dirs) out.push(await renderKustomization(d, { root, cache }));
  return { ms: performance.now() - start, out };
}

function timeKubectl(dirs: string[]): { ms: number; out: string[] } {
  const start = performance.now();
  const out = dirs.map((d) => execFileSync('kubectl', ['kustomize', d], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }));
  return { ms: performance.now() - start, out };
}

async function scenario(label: string, root: string, dirs: string[]): Promise<void> {
  // Warm the JIT as a long-running `serve` is warm; the measured pass starts with an empty cache.
  await timeNative(dirs, root);
  const native = await timeNative(dirs, root);
  const kubectl = timeKubectl(dirs);
  const same = native.out.filter((o, i) => o === kubectl.out[i]).length;
  console.log(`${label}: ${dirs.length} overlays`);
  console.log(`  native renderer   ${native.ms.toFixed(0)} ms  (${(native.ms / dirs.length).toFixed(2)} ms/overlay)`);
  console.log(`  kubectl kustomize ${kubectl.ms.toFixed(0)} ms  (${(kubectl.ms / dirs.length).toFixed(2)} ms/overlay)`);
  console.log(`  ratio             ${(kubectl.ms / native.ms).toFixed(1)}x faster; identical output for ${same}/${dirs.length}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timedRun(cmd: string, args: string[]): number {
  const start = performance.now();
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  return performance.now() - start;
}

function commandStart(): void {
  const bin = join(REPO, 'bin', 'meridian');
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
    console.log('(c) command start: skipped, run `npm run build` first');
    return;
  }
  const root = join(REPO, 'examples', 'fleet-repo');
  const overlay = join(root, 'web-app', 'overlays', 'us-east');
  const runs = (cmd: string, args: string[]): number => median(Array.from({ length: 5 }, () => timedRun(cmd, args)));
  const help = runs(process.execPath, [bin, '--help']);
  const render = runs(process.execPath, [bin, 'render', overlay, '--root', root]);
  const kubectl = runs('kubectl', ['kustomize', overlay]);
  const node = runs(process.execPath, ['-e', '0']);
  console.log('(c) command start, median of 5 (web-app us-east overlay)');
  console.log(`  node -e 0          ${node.toFixed(0)} ms  (Node's own start, the floor under both meridian lines)`);
  console.log(`  meridian --help    ${help.toFixed(0)} ms`);
  console.log(`  meridian render    ${render.toFixed(0)} ms`);
  console.log(`  kubectl kustomize  ${kubectl.toFixed(0)} ms  (meridian render ${(kubectl / render).toFixed(2)}x kubectl's speed)`);
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
    commandStart();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
