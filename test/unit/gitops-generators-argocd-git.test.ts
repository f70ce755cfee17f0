// ArgoCD's table tests for the git generator (applicationset/generators/git_test.go), ported with
// their inputs and expected parameters: the repo server's answers (directory lists, file contents)
// are given to the same functions Meridian runs on its checkout.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryParams, fileParams, selectFiles } from '../../src/gitops/generators/git-params.js';
import { generateParams } from '../../src/gitops/generators/index.js';
import type { GeneratorContext } from '../../src/gitops/generators/types.js';
import type { Params } from '../../src/gitops/params.js';

const fast = { goTemplate: false };
const go = { goTemplate: true };
const opts = (prefix = '', values: Record<string, string> = {}) => ({ prefix, values });
/** ArgoCD's generateParamsForGitFiles after GetFiles: files in sorted order, each one's parameter sets. */
const filesParams = (files: Record<string, string>, mode: { goTemplate: boolean }, values: Record<string, string> = {}) =>
  Object.keys(files).sort().flatMap((f) => fileParams(f, files[f], opts('', values), mode, 'git'));

const dirs: Array<{ name: string; directories: unknown[]; prefix?: string; repoApps: string[]; values?: Record<string, string>; fast: Params[]; go?: Params[] }> = [
  {
    name: 'happy flow - created apps', directories: [{ path: '*' }], repoApps: ['app1', 'app2', 'app_3', 'p1/app4'],
    fast: [
      { path: 'app1', 'path.basename': 'app1', 'path.basenameNormalized': 'app1', 'path[0]': 'app1' },
      { path: 'app2', 'path.basename': 'app2', 'path.basenameNormalized': 'app2', 'path[0]': 'app2' },
      { path: 'app_3', 'path.basename': 'app_3', 'path.basenameNormalized': 'app-3', 'path[0]': 'app_3' },
    ],
    go: [
      { path: { path: 'app1', basename: 'app1', basenameNormalized: 'app1', segments: ['app1'] } },
      { path: { path: 'app2', basename: 'app2', basenameNormalized: 'app2', segments: ['app2'] } },
      { path: { path: 'app_3', basename: 'app_3', basenameNormalized: 'app-3', segments: ['app_3'] } },
    ],
  },
  {
    name: 'It prefixes path parameters with PathParamPrefix', directories: [{ path: '*' }], prefix: 'myRepo', repoApps: ['app1', 'app2', 'app_3', 'p1/app4'],
    fast: [
      { 'myRepo.path': 'app1', 'myRepo.path.basename': 'app1', 'myRepo.path.basenameNormalized': 'app1', 'myRepo.path[0]': 'app1' },
      { 'myRepo.path': 'app2', 'myRepo.path.basename': 'app2', 'myRepo.path.basenameNormalized': 'app2', 'myRepo.path[0]': 'app2' },
      { 'myRepo.path': 'app_3', 'myRepo.path.basename': 'app_3', 'myRepo.path.basenameNormalized': 'app-3', 'myRepo.path[0]': 'app_3' },
    ],
    go: [
      { myRepo: { path: { path: 'app1', basename: 'app1', basenameNormalized: 'app1', segments: ['app1'] } } },
      { myRepo: { path: { path: 'app2', basename: 'app2', basenameNormalized: 'app2', segments: ['app2'] } } },
      { myRepo: { path: { path: 'app_3', basename: 'app_3', basenameNormalized: 'app-3', segments: ['app_3'] } } },
    ],
  },
  {
    name: 'It filters application according to the paths', directories: [{ path: 'p1/*' }, { path: 'p1/*/*' }], repoApps: ['app1', 'p1/app2', 'p1/p2/app3', 'p1/p2/p3/app4'],
    fast: [
      { path: 'p1/app2', 'path.basename': 'app2', 'path[0]': 'p1', 'path[1]': 'app2', 'path.basenameNormalized': 'app2' },
      { path: 'p1/p2/app3', 'path.basename': 'app3', 'path[0]': 'p1', 'path[1]': 'p2', 'path[2]': 'app3', 'path.basenameNormalized': 'app3' },
    ],
    go: [
      { path: { path: 'p1/app2', basename: 'app2', basenameNormalized: 'app2', segments: ['p1', 'app2'] } },
      { path: { path: 'p1/p2/app3', basename: 'app3', basenameNormalized: 'app3', segments: ['p1', 'p2', 'app3'] } },
    ],
  },
  ...[
    ['It filters application according to the paths with Exclude', [{ path: 'p1/*', exclude: true }, { path: '*' }, { path: '*/*' }]],
    ['Expecting same exclude behavior with different order', [{ path: '*' }, { path: '*/*' }, { path: 'p1/*', exclude: true }]],
  ].map(([name, directories]) => ({
    name: name as string, directories: directories as unknown[], repoApps: ['app1', 'app2', 'p1/app2', 'p1/app3', 'p2/app3'],
    fast: [
      { path: 'app1', 'path.basename': 'app1', 'path[0]': 'app1', 'path.basenameNormalized': 'app1' },
      { path: 'app2', 'path.basename': 'app2', 'path[0]': 'app2', 'path.basenameNormalized': 'app2' },
      { path: 'p2/app3', 'path.basename': 'app3', 'path[0]': 'p2', 'path[1]': 'app3', 'path.basenameNormalized': 'app3' },
    ],
    go: [
      { path: { path: 'app1', basename: 'app1', basenameNormalized: 'app1', segments: ['app1'] } },
      { path: { path: 'app2', basename: 'app2', basenameNormalized: 'app2', segments: ['app2'] } },
      { path: { path: 'p2/app3', basename: 'app3', basenameNormalized: 'app3', segments: ['p2', 'app3'] } },
    ],
  })),
  {
    name: 'Value variable interpolation', directories: [{ path: '*' }, { path: '*/*' }], repoApps: ['app1', 'p1/app2'],
    values: { foo: 'bar', aaa: '{{ path[0] }}', 'no-op': '{{ this-does-not-exist }}' },
    fast: [
      { 'values.foo': 'bar', 'values.no-op': '{{ this-does-not-exist }}', 'values.aaa': 'app1', path: 'app1', 'path.basename': 'app1', 'path[0]': 'app1', 'path.basenameNormalized': 'app1' },
      { 'values.foo': 'bar', 'values.no-op': '{{ this-does-not-exist }}', 'values.aaa': 'p1', path: 'p1/app2', 'path.basename': 'app2', 'path[0]': 'p1', 'path[1]': 'app2', 'path.basenameNormalized': 'app2' },
    ],
  },
  { name: 'handles empty response from repo server', directories: [{ path: '*' }], repoApps: [], fast: [], go: [] },
];

describe('git directories (TestGitGenerateParamsFromDirectories, ...GoTemplate)', () => {
  it.each(dirs)('goTemplate: false: $name', (c) => {
    expect(directoryParams(c.repoApps, c.directories, opts(c.prefix, c.values), fast, 'git')).toEqual(c.fast);
  });
  it.each(dirs.filter((c) => c.go))('goTemplate: true: $name', (c) => {
    expect(directoryParams(c.repoApps, c.directories, opts(c.prefix, c.values), go, 'git')).toEqual(c.go);
  });
  it('Generators-Git.md: `/d/[fg]` style exclusions use path.Match classes; a malformed pattern matches nothing', () => {
    const repo = ['d', 'd/e', 'd/f', 'd/g'];
    expect(directoryParams(repo, [{ path: 'd/*' }, { path: 'd/[fg]', exclude: true }], opts(), fast, 'git').map((p) => p.path)).toEqual(['d/e']);
    expect(directoryParams(repo, [{ path: 'd/*' }, { path: 'd/[', exclude: true }], opts(), fast, 'git').map((p) => p.path)).toEqual(['d/e', 'd/f', 'd/g']);
  });
});

const defaultContent = '\nfoo:\n  bar: baz\n';
const goPath = { path: 'path/dir', basename: 'dir', filename: 'file_name.yaml', basenameNormalized: 'dir', filenameNormalized: 'file-name.yaml', segments: ['path', 'dir'] };
const flatPath = { path: 'path/dir', 'path.basename': 'dir', 'path.filename': 'file_name.yaml', 'path.basenameNormalized': 'dir', 'path.filenameNormalized': 'file-name.yaml', 'path[0]': 'path', 'path[1]': 'dir' };

describe('git file parameters (Test_generateParamsFromGitFile)', () => {
  const cases: Array<[string, string, Record<string, string>, boolean, string, Params[]]> = [
    ['empty file returns path parameters', '', {}, false, '', [flatPath]],
    ['file parameters are added to params', defaultContent, {}, false, '', [{ 'foo.bar': 'baz', ...flatPath }]],
    ['path parameter are prefixed', defaultContent, {}, false, 'myRepo', [{
      'foo.bar': 'baz', 'myRepo.path': 'path/dir', 'myRepo.path.basename': 'dir', 'myRepo.path.filename': 'file_name.yaml', 'myRepo.path.basenameNormalized': 'dir',
      'myRepo.path.filenameNormalized': 'file-name.yaml', 'myRepo.path[0]': 'path', 'myRepo.path[1]': 'dir',
    }]],
    ['file parameters are added to params with go template', defaultContent, { somekey: '{{.path.basename}}' }, true, '', [{ values: { somekey: 'dir' }, foo: { bar: 'baz' }, path: goPath }]],
    ['path parameter are prefixed with go template', defaultContent, {}, true, 'myRepo', [{ foo: { bar: 'baz' }, myRepo: { path: goPath } }]],
    ['path parameter are prefixed with go template and values', defaultContent, { somekey: '{{.myRepo.path.basename}}' }, true, 'myRepo', [{ foo: { bar: 'baz' }, myRepo: { path: goPath }, values: { somekey: 'dir' } }]],
  ];
  it.each(cases)('%s', (_n, content, values, goTemplate, prefix, want) => {
    expect(fileParams('path/dir/file_name.yaml', content, opts(prefix, values), { goTemplate }, 'git')).toEqual(want);
  });
  it('invalid json/yaml file returns error', () => {
    expect(() => fileParams('path/dir/file_name.yaml', 'this is not json or yaml', opts(), fast, 'git')).toThrow(/git: file path\/dir\/file_name\.yaml: unable to parse file/);
  });
});

const production = '{\n "cluster": {"owner": "john.doe@example.com", "name": "production", "address": "https://kubernetes.default.svc"},\n "key1": "val1",\n "key2": {"key2_1": "val2_1", "key2_2": {"key2_2_1": "val2_2_1"}},\n "key3": 123\n}';
const stagingJson = '{"cluster": {"owner": "foo.bar@example.com", "name": "staging", "address": "https://kubernetes.default.svc"}}';
const prodPath = { path: 'cluster-config/production', 'path.basename': 'production', 'path[0]': 'cluster-config', 'path[1]': 'production', 'path.basenameNormalized': 'production', 'path.filename': 'config.json', 'path.filenameNormalized': 'config.json' };
const stagingPath = { ...prodPath, path: 'cluster-config/staging', 'path.basename': 'staging', 'path[1]': 'staging', 'path.basenameNormalized': 'staging' };
const prodParams = { 'cluster.owner': 'john.doe@example.com', 'cluster.name': 'production', 'cluster.address': 'https://kubernetes.default.svc', key1: 'val1', 'key2.key2_1': 'val2_1', 'key2.key2_2.key2_2_1': 'val2_2_1', key3: '123', ...prodPath };
const stagingParams = { 'cluster.owner': 'foo.bar@example.com', 'cluster.name': 'staging', 'cluster.address': 'https://kubernetes.default.svc', ...stagingPath };

describe('git files (TestGitGenerateParamsFromFiles, ...GoTemplate)', () => {
  const files = { 'cluster-config/production/config.json': production, 'cluster-config/staging/config.json': stagingJson };
  it('happy flow: create params from git files', () => {
    expect(filesParams(files, fast)).toEqual([prodParams, stagingParams]);
  });
  it('Value variable interpolation', () => {
    expect(filesParams(files, fast, { aaa: '{{ cluster.owner }}', 'no-op': '{{ this-does-not-exist }}' })).toEqual([
      { ...prodParams, 'values.aaa': 'john.doe@example.com', 'values.no-op': '{{ this-does-not-exist }}' },
      { ...stagingParams, 'values.aaa': 'foo.bar@example.com', 'values.no-op': '{{ this-does-not-exist }}' },
    ]);
  });
  it('test invalid JSON file returns error', () => {
    expect(() => filesParams({ 'cluster-config/production/config.json': 'invalid json file' }, fast)).toThrow(/file cluster-config\/production\/config\.json: unable to parse file/);
  });
  const arrayWant = [
    { 'cluster.owner': 'john.doe@example.com', 'cluster.name': 'production', 'cluster.address': 'https://kubernetes.default.svc', 'cluster.inner.one': 'two', ...prodPath },
    { 'cluster.owner': 'john.doe@example.com', 'cluster.name': 'staging', 'cluster.address': 'https://kubernetes.default.svc', ...prodPath },
  ];
  it('test JSON array', () => {
    const json = '[{"cluster": {"owner": "john.doe@example.com", "name": "production", "address": "https://kubernetes.default.svc", "inner": {"one": "two"}}},\n {"cluster": {"owner": "john.doe@example.com", "name": "staging", "address": "https://kubernetes.default.svc"}}]';
    expect(filesParams({ 'cluster-config/production/config.json': json }, fast)).toEqual(arrayWant);
  });
  it('Test YAML flow and test YAML array', () => {
    const yaml = (n: string, o: string) => `\ncluster:\n  owner: ${o}\n  name: ${n}\n  address: https://kubernetes.default.svc\n`;
    const got = filesParams({ 'cluster-config/production/config.yaml': `${yaml('production', 'john.doe@example.com')}key1: val1\nkey2:\n  key2_1: val2_1\n  key2_2:\n    key2_2_1: val2_2_1\n`, 'cluster-config/staging/config.yaml': yaml('staging', 'foo.bar@example.com') }, fast);
    const yml = (p: Params) => ({ ...p, 'path.filename': 'config.yaml', 'path.filenameNormalized': 'config.yaml' });
    expect(got).toEqual([yml({ ...prodParams, key3: undefined }), yml(stagingParams)].map((p) => JSON.parse(JSON.stringify(p)) as Params));
    const list = '\n- cluster:\n    owner: john.doe@example.com\n    name: production\n    address: https://kubernetes.default.svc\n    inner:\n      one: two\n- cluster:\n    owner: john.doe@example.com\n    name: staging\n    address: https://kubernetes.default.svc';
    expect(filesParams({ 'cluster-config/production/config.yaml': list }, fast)).toEqual(arrayWant.map(yml));
  });
  it('test empty YAML array', () => {
    expect(filesParams({ 'cluster-config/production/config.yaml': '[]' }, fast)).toEqual([]);
  });
  it('goTemplate: happy flow keeps nesting and numbers (float64)', () => {
    expect(filesParams(files, go)).toEqual([
      { cluster: { owner: 'john.doe@example.com', name: 'production', address: 'https://kubernetes.default.svc' }, key1: 'val1', key2: { key2_1: 'val2_1', key2_2: { key2_2_1: 'val2_2_1' } }, key3: 123, path: { path: 'cluster-config/production', basename: 'production', filename: 'config.json', basenameNormalized: 'production', filenameNormalized: 'config.json', segments: ['cluster-config', 'production'] } },
      { cluster: { owner: 'foo.bar@example.com', name: 'staging', address: 'https://kubernetes.default.svc' }, path: { path: 'cluster-config/staging', basename: 'staging', filename: 'config.json', basenameNormalized: 'staging', filenameNormalized: 'config.json', segments: ['cluster-config', 'staging'] } },
    ]);
  });
  it('as sigs.k8s.io/yaml reads a file: YAML 1.1, the first document only, numbers printed as Go prints a float64, lists as .0', () => {
    const [p] = filesParams({ 'a/c.yaml': 'big: 1000000\nsmall: 0.00001\nflag: yes\nwhen: 2001-12-14\nnone: null\nlist: [x, {k: z}]\nempty: {}\n---\nignored: true\n' }, fast);
    expect(p).toMatchObject({ big: '1e+06', small: '1e-05', flag: 'true', when: '2001-12-14', none: '<nil>', 'list.0': 'x', 'list.1.k': 'z' });
    expect(Object.keys(p)).not.toContain('ignored');
    expect(Object.keys(p)).not.toContain('empty');
  });
  it('a file at the root of the repository has path "." (path.Dir)', () => {
    expect(filesParams({ 'config.json': '{}' }, fast)).toEqual([{ path: '.', 'path.basename': '.', 'path.basenameNormalized': '', 'path.filename': 'config.json', 'path.filenameNormalized': 'config.json', 'path[0]': '.' }]);
  });
});

describe('git files exclude with the default ("old") globbing (TestGitGeneratorParamsFromFilesWithExcludeOptionWithOldGlobbing)', () => {
  const cases: Array<[string, Record<string, string>, unknown[], string[]]> = [
    ['filter files according to multiple file-paths with exclude', { 'p1/config.json': '{}', 'p1/app2/config.json': '{}', 'p1/app3/config.json': '{}' },
      [{ path: '**/config.json' }, { path: 'p1/app2/config.json', exclude: true }, { path: 'p1/app3/config.json', exclude: true }], ['p1/config.json']],
    ['docs example test case to filter files according to multiple file-paths with exclude', { 'cluster-config/engineering/prod/config.json': '{}', 'cluster-config/engineering/dev/config.json': '{}' },
      [{ path: 'cluster-config/**/config.json' }, { path: 'cluster-config/*/dev/config.json', exclude: true }], ['cluster-config/engineering/prod/config.json']],
    ['testcase to verify new globbing pattern without any exclude (old globbing: * crosses /)', { 'some-path/values.yaml': '', 'some-path/staging/values.yaml': '' },
      [{ path: 'some-path/*.yaml' }], ['some-path/staging/values.yaml', 'some-path/values.yaml']],
    ['test to verify the solution for Git File Generator Problem (old globbing excludes them all)', { 'cluster-charts/cluster1/mychart/values.yaml': '', 'cluster-charts/cluster1/myotherchart/values.yaml': '', 'cluster-charts/cluster1/mychart/charts/mysubchart/values.yaml': '', 'cluster-charts/cluster2/values.yaml': '' },
      [{ path: 'cluster-charts/*/*/values.yaml' }, { path: 'cluster-charts/*/values.yaml', exclude: true }], []],
  ];
  it.each(cases)('%s', (_n, tree, entries, want) => {
    expect(selectFiles(Object.keys(tree).sort(), entries, 'git')).toEqual(want);
  });
});

describe('the git generator on a checkout', () => {
  let dir: string;
  const at = (sha: string): GeneratorContext => ({ clusters: [], mode: { goTemplate: false }, checkout: async () => ({ dir, sha }) });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('directories skip dot directories, files include dot files; directories win over files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gitops-gen-argocd-'));
    for (const f of ['apps/web/config.json', '.github/config.json', 'apps/.hidden/config.json']) {
      await mkdir(dirname(join(dir, f)), { recursive: true });
      await writeFile(join(dir, f), '{"name": "x"}');
    }
    expect((await generateParams([{ git: { repoURL: 'file:///r', directories: [{ path: '*' }, { path: '*/*' }] } }], at('d1'))).map((p) => p.path)).toEqual(['apps', 'apps/web']);
    expect((await generateParams([{ git: { repoURL: 'file:///r', files: [{ path: '**/config.json' }] } }], at('d1'))).map((p) => p.path)).toEqual(['.github', 'apps/.hidden', 'apps/web']);
    expect((await generateParams([{ git: { repoURL: 'file:///r', directories: [{ path: 'apps' }], files: [{ path: '**/config.json' }] } }], at('d1'))).map((p) => p.path)).toEqual(['apps']);
  });
});
