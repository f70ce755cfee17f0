// The native Kustomize renderer against `kubectl kustomize`, in one run, on generated trees:
//   npx tsx bench/gitops/render.bench.ts [--overlays 100] [--apps 20]
// (a) one base and N overlays (namespace, prefix, labels, an SMP and a JSON patch, a generator
// merge, images, replicas); (b) M applications with us-east/eu-west/ap-south overlays. Every
// overlay is rendered by both, outputs are compared, and the wall-clock times and ratio printed.
// The native renders of one scenario share a RenderCache, as the renders of one Git revision do.
// (c) command start: `meridian --help`, `meridian render` and `kubectl kustomize` on the web-app
// overlay, median of 5 each, run in interleaved rounds so that load hits all alike (needs
// `npm run build` for bin/meridian). Wall-clock time and, where /usr/bin/time exists, CPU time
// (user + system), which a loaded machine distorts less, are printed for both sides.
import { spawnSync } from 'node:child_process';
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

function timeKubectl(dirs: string[]): { ms: number; cpuMs: number; out: string[] } {
  const start = performance.now();
  let cpuMs = 0;
  const out = dirs.map((d) => {
    const r = timedRun('kubectl', ['kustomize', d]);
    cpuMs += r.cpuMs;
    return r.stdout;
  });
  return { ms: performance.now() - start, cpuMs, out };
}

async function scenario(label: string, root: string, dirs: string[]): Promise<void> {
  // Warm the JIT as a long-running `serve` is warm; the measured pass starts with an empty cache.
  await timeNative(dirs, root);
  const cpu0 = process.cpuUsage();
  const native = await timeNative(dirs, root);
  const cpu = process.cpuUsage(cpu0);
  const nativeCpuMs = (cpu.user + cpu.system) / 1000;
  const kubectl = timeKubectl(dirs);
  const same = native.out.filter((o, i) => o === kubectl.out[i]).length;
  const per = (ms: number): string => `${(ms / dirs.length).toFixed(2)} ms/overlay`;
  console.log(`${label}: ${dirs.length} overlays`);
  console.log(`  native renderer   wall ${per(native.ms)}  cpu ${per(nativeCpuMs)}`);
  console.log(`  kubectl kustomize wall ${per(kubectl.ms)}  cpu ${kubectl.cpuMs ? per(kubectl.cpuMs) : 'n/a'}`);
  console.log(`  ratio             wall ${(kubectl.ms / native.ms).toFixed(1)}x${kubectl.cpuMs ? `  cpu ${(kubectl.cpuMs / nativeCpuMs).toFixed(1)}x` : ''}; identical output for ${same}/${dirs.length}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command to completion: its wall-clock ms, CPU ms (user + system; 0 without /usr/bin/time) and output. */
function timedRun(cmd: string, args: string[]): { ms: number; cpuMs: number; stdout: string } {
  const start = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '@@cpu %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const m = /@@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : 0, stdout: r.stdout };
}

function commandStart(): void {
  const bin = join(REPO, 'bin', 'meridian');
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
    console.log('(c) command start: skipped, run `npm run build` first');
    return;
  }
  const root = join(REPO, 'examples', 'fleet-repo');
  const overlay = join(root, 'web-app', 'overlays', 'us-east');
  const commands: Record<string, [string, string[]]> = {
    'node -e 0': [process.execPath, ['-e', '0']],
    'meridian --help': [process.execPath, [bin, '--help']],
    'meridian render': [process.execPath, [bin, 'render', overlay, '--root', root]],
    'kubectl kustomize': ['kubectl', ['kustomize', overlay]],
  };
  const rendered = timedRun(...commands['meridian render']).stdout;
  const same = rendered === timedRun(...commands['kubectl kustomize']).stdout;
  const samples = new Map<string, Array<{ ms: number; cpuMs: number }>>();
  for (let round = 0; round < 5; round++) {
    for (const [name, [cmd, args]] of Object.entries(commands)) samples.set(name, [...(samples.get(name) ?? []), timedRun(cmd, args)]);
  }
  const wall = (n: string): number => median((samples.get(n) ?? []).map((x) => x.ms));
  const cpu = (n: string): number => median((samples.get(n) ?? []).map((x) => x.cpuMs));
  console.log(`(c) command start, median of 5 interleaved rounds (web-app us-east overlay; render output identical to kubectl's: ${same})`);
  for (const name of Object.keys(commands)) {
    console.log(`  ${name.padEnd(18)} wall ${wall(name).toFixed(0).padStart(5)} ms  cpu ${TIME ? `${cpu(name).toFixed(0).padStart(5)} ms` : 'n/a'}`);
  }
  console.log(`  meridian render vs kubectl kustomize: wall ${(wall('kubectl kustomize') / wall('meridian render')).toFixed(2)}x${TIME ? `, cpu ${(cpu('kubectl kustomize') / cpu('meridian render')).toFixed(2)}x` : ''} kubectl's speed; node -e 0 is the floor under both meridian lines`);
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
