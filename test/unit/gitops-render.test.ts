import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDirectory } from '../../src/gitops/render.js';

let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gitops-render-'));
  outside = await mkdtemp(join(tmpdir(), 'gitops-outside-'));
  await mkdir(join(root, 'plain'));
  await writeFile(join(root, 'plain', 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n# empty\n');
  await writeFile(join(root, 'plain', 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }] }));
  await writeFile(join(root, 'plain', 'notes.txt'), 'not a manifest');
  await mkdir(join(root, 'base'));
  await writeFile(join(root, 'base', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
  await writeFile(join(root, 'base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
  await mkdir(join(root, 'kust'));
  await writeFile(join(root, 'kust', 'kustomization.yaml'), 'resources: [../base]\nnamePrefix: x-\n');
  await mkdir(join(root, 'bad'));
  await writeFile(join(root, 'bad', 'x.yaml'), 'kind: ConfigMap\nmetadata: {name: nokind}\n');
  await writeFile(join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n');
  await symlink(outside, join(root, 'escape'));
});
afterAll(async () => { await rm(root, { recursive: true, force: true }); await rm(outside, { recursive: true, force: true }); });

describe('renderDirectory', () => {
  it('reads plain YAML and JSON files in name order, flattening Lists and skipping empty documents', async () => {
    expect((await renderDirectory(root, 'plain')).map((o) => o.metadata?.name)).toEqual(['a', 'b']);
  });
  it('renders a kustomization with the native renderer', async () => {
    expect((await renderDirectory(root, 'kust')).map((o) => o.metadata?.name)).toEqual(['x-b']);
  });
  it.each([['../', /leaves the repository root|does not exist/], ['escape', /leaves the repository root/], ['nope', /does not exist/]])('refuses path %s', async (path, err) => {
    await expect(renderDirectory(root, path)).rejects.toThrow(err);
  });
  it('names the file of an invalid object', async () => {
    await expect(renderDirectory(root, 'bad')).rejects.toThrow(/bad\/x\.yaml: document 1: apiVersion, kind and metadata.name are required/);
  });
});
