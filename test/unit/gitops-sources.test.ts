import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDirectory } from '../../src/gitops/render.js';
import { SourceRenders } from '../../src/gitops/sources.js';

let root: string;
let outside: string;
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gitops-sources-'));
  outside = await mkdtemp(join(tmpdir(), 'gitops-sources-out-'));
  await mkdir(join(root, 'base'));
  await writeFile(join(root, 'base', 'kustomization.yaml'), 'resources: [cm.yaml, deploy.yaml]\n');
  await writeFile(join(root, 'base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {v: "1"}\n');
  await writeFile(join(root, 'base', 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}\n');
  for (const region of ['us', 'eu']) {
    await mkdir(join(root, 'overlays', region), { recursive: true });
    await writeFile(join(root, 'overlays', region, 'kustomization.yaml'), `resources: [../../base]\nlabels:\n  - pairs: {region: ${region}}\nreplicas:\n  - {name: web, count: ${region === 'us' ? 3 : 2}}\n`);
  }
  await mkdir(join(root, 'plain'));
  await writeFile(join(root, 'plain', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
  await writeFile(join(outside, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
  await symlink(outside, join(root, 'escape'));
});
afterAll(async () => { await rm(root, { recursive: true, force: true }); await rm(outside, { recursive: true, force: true }); });

describe('SourceRenders', () => {
  it('renders exactly what renderDirectory renders, kustomizations (with a shared base) and plain files', async () => {
    const renders = new SourceRenders();
    for (const path of ['overlays/us', 'overlays/eu', 'plain', 'base']) expect(await renders.render(root, SHA_A, path), path).toEqual(await renderDirectory(root, path));
  });

  it('keeps the checks of renderDirectory: paths out of the root are refused', async () => {
    const renders = new SourceRenders();
    await expect(renders.render(root, SHA_A, 'escape')).rejects.toThrow(/leaves the repository root/);
    await expect(renders.render(root, SHA_A, '../')).rejects.toThrow(/leaves the repository root|does not exist/);
  });

  it('renders a path once per commit, hands every caller its own copy, and renders again at another commit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-sources-memo-'));
    try {
      await writeFile(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
      const renders = new SourceRenders();
      const [first, concurrent] = await Promise.all([renders.render(dir, SHA_A, ''), renders.render(dir, SHA_A, '')]);
      expect(first.map((o) => o.metadata?.name)).toEqual(['one']);
      expect(concurrent).toEqual(first);
      first[0].metadata = { name: 'changed by a caller' };
      // A commit's tree never changes; a changed file here proves the second answer is the remembered render.
      await writeFile(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n');
      expect((await renders.render(dir, SHA_A, '')).map((o) => o.metadata?.name)).toEqual(['one']);
      expect((await renders.render(dir, SHA_B, '')).map((o) => o.metadata?.name)).toEqual(['two']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not remember a failure, and keeps only the most recently used commits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-sources-fail-'));
    try {
      const renders = new SourceRenders({ maxRevisions: 2 });
      await expect(renders.render(dir, SHA_A, 'late')).rejects.toThrow(/does not exist/);
      await mkdir(join(dir, 'late'));
      await writeFile(join(dir, 'late', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\n');
      expect((await renders.render(dir, SHA_A, 'late')).map((o) => o.metadata?.name)).toEqual(['late']);
      await renders.render(dir, SHA_B, 'late');
      await renders.render(dir, 'c'.repeat(40), 'late');
      expect(renders.size).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
