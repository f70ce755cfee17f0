import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateParams } from '../../src/gitops/generators/index.js';
import type { GeneratorContext } from '../../src/gitops/generators/types.js';

let repo: string;
const clusters: GeneratorContext["clusters"] = [
  { name: 'us-east', server: 'https://127.0.0.1:1', labels: { env: 'production', region: 'us-east' }, annotations: { owner: 'a' } },
  { name: 'eu-west', server: 'https://127.0.0.1:2', labels: { env: 'production', region: 'eu-west' }, annotations: {} },
  { name: 'ap-south', server: 'https://127.0.0.1:3', labels: { env: 'staging', region: 'ap-south' }, annotations: {} },
];
const ctx = (goTemplate = false): GeneratorContext => ({ clusters, mode: { goTemplate }, checkout: async () => ({ dir: repo, sha: 'abc' }) });
const names = (sets: Array<Record<string, unknown>>, key = 'name') => sets.map((s) => s[key]);

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'gitops-gen-'));
  for (const d of ['apps/web', 'apps/api', 'apps/legacy', '.git/objects']) await mkdir(join(repo, d), { recursive: true });
  await writeFile(join(repo, 'apps/web/config.yaml'), 'app: web\nreplicas: 2\n');
  await writeFile(join(repo, 'apps/api/config.json'), '{"app":"api","replicas":1}');
});
afterAll(async () => rm(repo, { recursive: true, force: true }));

describe('generators', () => {
  it('clusters: matchLabels, sorted by name, with labels, annotations and templated values', async () => {
    const sets = await generateParams([{ clusters: { selector: { matchLabels: { env: 'production' } }, values: { host: '{{name}}.example.test' } } }], ctx());
    expect(names(sets)).toEqual(['eu-west', 'us-east']);
    // goTemplate: false parameters are flat, as ArgoCD's.
    expect(sets[1]).toMatchObject({ server: 'https://127.0.0.1:1', 'metadata.labels.region': 'us-east', 'metadata.annotations.owner': 'a', 'values.host': 'us-east.example.test' });
  });

  const selectors: Array<[string, unknown, string[]]> = [
    ['In', { matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east', 'ap-south'] }] }, ['ap-south', 'us-east']],
    ['NotIn', { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['us-east'] }] }, ['ap-south', 'eu-west']],
    ['Exists', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, ['ap-south', 'eu-west', 'us-east']],
    ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, []],
    ['empty selector', {}, ['ap-south', 'eu-west', 'us-east']],
  ];
  it.each(selectors)('clusters selector %s', async (_n, selector, want) => {
    expect(names(await generateParams([{ clusters: { selector } }], ctx()))).toEqual(want);
  });

  it('list (duplicates kept, as ArgoCD keeps them)', async () => {
    expect(await generateParams([{ list: { elements: [{ a: '1' }, { a: '2' }, { a: '1' }] } }], ctx())).toEqual([{ a: '1' }, { a: '2' }, { a: '1' }]);
  });

  it('git directories with include and exclude globs, skipping dot directories', async () => {
    const sets = await generateParams([{ git: { repoURL: 'file:///r', directories: [{ path: 'apps/*' }, { path: 'apps/legacy', exclude: true }] } }], ctx());
    expect(names(sets, 'path')).toEqual(['apps/api', 'apps/web']);
    expect(sets[0]).toMatchObject({ 'path.basename': 'api', 'path[0]': 'apps', 'path[1]': 'api' });
    const go = await generateParams([{ git: { repoURL: 'file:///r', directories: [{ path: 'apps/w*' }] } }], ctx(true));
    expect(go).toEqual([{ path: { path: 'apps/web', basename: 'web', basenameNormalized: 'web', segments: ['apps', 'web'] } }]);
  });

  it('git directories: a commit is listed once, a new commit is listed anew', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-gen-commit-'));
    try {
      await mkdir(join(dir, 'apps/one'), { recursive: true });
      const at = (sha: string): GeneratorContext => ({ clusters, mode: { goTemplate: false }, checkout: async () => ({ dir, sha }) });
      const gen = [{ git: { repoURL: 'file:///r', directories: [{ path: 'apps/*' }] } }];
      expect(names(await generateParams(gen, at('c1')), 'path')).toEqual(['apps/one']);
      // A commit's tree never changes: what is added under the same commit is not walked again.
      await mkdir(join(dir, 'apps/two'));
      expect(names(await generateParams(gen, at('c1')), 'path')).toEqual(['apps/one']);
      expect(names(await generateParams(gen, at('c2')), 'path')).toEqual(['apps/one', 'apps/two']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('git files become parameters', async () => {
    const sets = await generateParams([{ git: { repoURL: 'file:///r', files: [{ path: 'apps/**/config.*' }] } }], ctx());
    expect(sets.map((s) => [s.app, s.replicas, s.path])).toEqual([['api', '1', 'apps/api'], ['web', '2', 'apps/web']]);
  });

  it('matrix over a nested matrix, the later children using earlier parameters', async () => {
    const sets = await generateParams([{ matrix: { generators: [
      { clusters: { selector: { matchLabels: { env: 'production' } } } },
      { matrix: { generators: [
        { git: { repoURL: 'file:///r', directories: [{ path: 'apps/*' }, { path: 'apps/legacy', exclude: true }] } },
        { list: { elements: [{ target: '{{name}}/{{path.basename}}' }] } },
      ] } },
    ] } }], ctx());
    expect(names(sets, 'target')).toEqual(['eu-west/api', 'eu-west/web', 'us-east/api', 'us-east/web']);
  });

  it('merge of nested generators by key, any number of children', async () => {
    const sets = await generateParams([{ merge: { mergeKeys: ['name'], generators: [
      { clusters: {} },
      { list: { elements: [{ name: 'us-east', replicas: '5' }] } },
      { merge: { mergeKeys: ['name'], generators: [{ list: { elements: [{ name: 'ap-south', replicas: '1' }] } }, { list: { elements: [] } }] } },
    ] } }], ctx());
    expect(sets.map((s) => [s.name, s.replicas ?? '-'])).toEqual([['ap-south', '1'], ['eu-west', '-'], ['us-east', '5']]);
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['two kinds in one generator', { list: { elements: [] }, clusters: {} }, /spec\.generators\[0\]: expected exactly one of/],
    ['unknown kind', { scm: {} }, /expected exactly one of .* got scm/],
    ['matrix with one child', { matrix: { generators: [{ list: { elements: [] } }] } }, /spec\.generators\[0\]\.matrix\.generators: found less than two generators/],
    ['matrix with three children', { matrix: { generators: [{ list: { elements: [] } }, { list: { elements: [] } }, { list: { elements: [] } }] } }, /spec\.generators\[0\]\.matrix\.generators: found more than two generators/],
    ['list element not an object', { list: { elements: ['x'] } }, /spec\.generators\[0\]\.list\.elements\[0\]: expected an object/],
    ['git without directories or files', { git: { repoURL: 'file:///r' } }, /spec\.generators\[0\]\.git: needs directories or files/],
  ];
  it.each(invalid)('rejects %s naming the field', async (_n, gen, err) => {
    await expect(generateParams([gen], ctx())).rejects.toThrow(err);
  });
});
