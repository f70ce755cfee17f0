// The `openapi:` field beyond the krusty corpus: which schema wins when several kustomizations set
// one, when a custom schema replaces the built-in definitions and when kyaml's delayed parse brings
// them back (expectations recorded with `kubectl kustomize`, kustomize v5.5.0), a shared
// RenderCache that must not hand a base built under one schema to a build under another, and
// schema files that are outside the kustomization, symlinked out of it or malformed.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KustomizeError, RenderCache, renderKustomization } from '../../src/gitops/kustomize/index.js';

const root = mkdtempSync(join(tmpdir(), 'kustomize-openapi-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name, path)), { recursive: true });
    writeFileSync(join(root, name, path), text);
  }
  return join(root, name);
}

// A schema that knows one custom kind (and nothing of Deployment): containers merge by name.
const SCHEMA = JSON.stringify({
  definitions: {
    'example.Foo': {
      type: 'object',
      properties: { spec: { $ref: '#/definitions/example.FooSpec' } },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Foo' }],
    },
    'example.FooSpec': {
      type: 'object',
      properties: { containers: { type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' } },
    },
  },
});
const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n      - name: b\n        image: b\n';
const PATCH = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a2\n';
const MERGED = '      containers:\n      - image: a2\n        name: a\n      - image: b\n        name: b\n';
const REPLACED = '      containers:\n      - image: a2\n        name: a\n';
const base = { 'base/kustomization.yaml': 'resources:\n- deploy.yaml\nopenapi:\n  path: s.json\n', 'base/deploy.yaml': DEPLOY, 'base/s.json': SCHEMA };

async function render(dir: string, cache?: RenderCache): Promise<string> {
  return renderKustomization(dir, { root, cache });
}

describe('openapi: which schema strategic merge uses', () => {
  it('a custom schema in the built kustomization replaces the built-in definitions (Deployment lists are replaced)', async () => {
    const dir = tree('top', { 'kustomization.yaml': 'resources:\n- deploy.yaml\nopenapi:\n  path: s.json\npatches:\n- path: patch.yaml\n', 'deploy.yaml': DEPLOY, 'patch.yaml': PATCH, 's.json': SCHEMA });
    expect(await render(dir)).toContain(REPLACED);
  });

  it('without openapi the built-in schema merges containers by name', async () => {
    const dir = tree('none', { 'kustomization.yaml': 'resources:\n- deploy.yaml\npatches:\n- path: patch.yaml\n', 'deploy.yaml': DEPLOY, 'patch.yaml': PATCH });
    expect(await render(dir)).toContain(MERGED);
  });

  it('a base adopted before any unlisted type was seen replaces the built-in schema; after one, the built-in comes back', async () => {
    const files = { ...base, 'ov/patch.yaml': PATCH, 'ov/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\n', 'ov/foo.yaml': 'apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\n' };
    const precomputedFirst = tree('order', { ...files, 'ov/kustomization.yaml': 'resources:\n- cm.yaml\n- ../base\npatches:\n- path: patch.yaml\n' });
    const unlistedFirst = tree('order2', { ...files, 'ov/kustomization.yaml': 'resources:\n- foo.yaml\n- ../base\npatches:\n- path: patch.yaml\n' });
    expect(await render(join(precomputedFirst, 'ov'))).toContain(REPLACED);
    expect(await render(join(precomputedFirst, 'ov'))).not.toContain('name: b');
    expect(await render(join(unlistedFirst, 'ov'))).toContain(MERGED);
  });

  it('one RenderCache: a base built under its own schema is not reused by an overlay whose version wins', async () => {
    const cache = new RenderCache();
    const dir = tree('cache', {
      ...base,
      'custom/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: patch.yaml\n', 'custom/patch.yaml': PATCH,
      'builtin/kustomization.yaml': 'resources:\n- ../base\nopenapi:\n  version: v1.21.2\npatches:\n- path: patch.yaml\n', 'builtin/patch.yaml': PATCH,
    });
    for (let pass = 0; pass < 2; pass++) {
      expect(await render(join(dir, 'custom'), cache)).not.toContain('name: b');
      expect(await render(join(dir, 'builtin'), cache)).toContain(MERGED);
    }
  });

  it('the custom schema merges a custom kind by its merge key', async () => {
    const dir = tree('crd', {
      'kustomization.yaml': 'resources:\n- foo.yaml\nopenapi:\n  path: s.yaml\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Foo\n    metadata:\n      name: f\n    spec:\n      containers:\n      - name: x\n        image: new\n',
      'foo.yaml': 'apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  containers:\n  - name: x\n    image: old\n    args: [a]\n  - name: z\n',
      // The same schema as YAML (kyaml reads any file not starting with `{` as YAML).
      's.yaml': `definitions:\n${Object.entries(JSON.parse(SCHEMA).definitions as Record<string, unknown>).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n')}\n`,
    });
    expect(await render(dir)).toBe('apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  containers:\n  - args:\n    - a\n    image: new\n    name: x\n  - name: z\n');
  });
});

describe('openapi: schema files that are refused', () => {
  it('a path outside the kustomization directory, a symlink out of it, a remote URL and a malformed file name file and field', async () => {
    writeFileSync(join(root, 'outside.json'), SCHEMA);
    const k = (path: string): string => `resources:\n- deploy.yaml\nopenapi:\n  path: ${path}\n`;
    const up = tree('up/k', { 'kustomization.yaml': k('../../outside.json'), 'deploy.yaml': DEPLOY });
    const link = tree('link', { 'kustomization.yaml': k('s.json'), 'deploy.yaml': DEPLOY });
    symlinkSync(join(root, 'outside.json'), join(link, 's.json'));
    const remote = tree('remote', { 'kustomization.yaml': k('https://example.com/s.json'), 'deploy.yaml': DEPLOY });
    const bad = tree('bad', { 'kustomization.yaml': k('s.json'), 'deploy.yaml': DEPLOY, 's.json': '{"definitions": [1, 2' });
    const noVersion = tree('nover', { 'kustomization.yaml': 'resources:\n- deploy.yaml\nopenapi:\n  version: v1.99.0\n', 'deploy.yaml': DEPLOY });
    await expect(render(up)).rejects.toThrow(/field "openapi.path": security: file "outside.json" is not in or below "up\/k"/);
    await expect(render(link)).rejects.toThrow(/field "openapi.path": security/);
    await expect(render(remote)).rejects.toThrow(/field "openapi.path": remote schema/);
    await expect(render(bad)).rejects.toThrow(/bad\/s.json: field "openapi.path": invalid schema file/);
    await expect(render(noVersion)).rejects.toThrow(/nover\/kustomization.yaml: field "openapi": the specified OpenAPI version is not built in/);
    await expect(render(bad)).rejects.toBeInstanceOf(KustomizeError);
  });
});
