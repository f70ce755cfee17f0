// ArgoCD's table tests for matrix and merge and for templating one child with another's parameters
// (applicationset/generators/{matrix,merge,generator_spec_processor}_test.go and
// applicationset/utils/utils_test.go TestRenderGeneratorParams_ValuesInterpolation), plus the
// documented examples of Generators-Matrix.md and Generators-Merge.md. ArgoCD's mocked child
// generators are list generators here, yielding the parameters the mocks returned.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpolateGenerator } from '../../src/gitops/generators/combine.js';
import { generateParams } from '../../src/gitops/generators/index.js';
import type { ClusterInfo, GeneratorContext } from '../../src/gitops/generators/types.js';
import type { Params } from '../../src/gitops/params.js';

const SECRET_TYPE = 'argocd.argoproj.io/secret-type';
let repo: string;
const files: Record<string, string> = {
  'some/path.json': 'test: content',
  'ste1/values.yaml': 'invalid: [',
  'test/stage.values.yaml': 'stageName: test\ncpuRequest: 100m\ndebugEnabled: true\n',
  'staging/stage.values.yaml': 'stageName: staging\n',
  'production/stage.values.yaml': 'stageName: production\nmemoryLimit: 512Mi\ndebugEnabled: false\n',
  'global.values.yaml': 'cpuRequest: 200m\nmemoryLimit: 256Mi\ndebugEnabled: true\n',
  'apps/app-one.json': '{ "appName": "app-one" }',
  'apps/app-two.json': '{ "appName": "app-two" }',
  'targets/app-one/east-cluster-one.json': '{ "region": "east", "clusterName": "cluster-one" }',
  'targets/app-one/east-cluster-two.json': '{ "region": "east", "clusterName": "cluster-two" }',
  'targets/app-two/east-cluster-one.json': '{ "region": "east", "clusterName": "cluster-one" }',
  'targets/app-two/west-cluster-three.json': '{ "region": "west", "clusterName": "cluster-three" }',
};
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'gitops-combine-'));
  for (const [f, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, f)), { recursive: true });
    await writeFile(join(repo, f), text);
  }
});
afterAll(async () => rm(repo, { recursive: true, force: true }));

const cluster = (name: string, env: string): ClusterInfo => ({ name, server: `https://${name}.example.com`, labels: { [SECRET_TYPE]: 'cluster', environment: env }, annotations: {} });
const ctx = (goTemplate: boolean, clusters: ClusterInfo[] = [], options?: string[]): GeneratorContext => ({
  clusters, mode: { goTemplate, options }, checkout: async () => ({ dir: repo, sha: 'combine' }),
});
const list = (...elements: unknown[]) => ({ list: { elements } });
const matrix = (...generators: unknown[]) => ({ matrix: { generators } });
const gitMock = [{ path: 'app1', 'path.basename': 'app1', 'path.basenameNormalized': 'app1' }, { path: 'app2', 'path.basename': 'app2', 'path.basenameNormalized': 'app2' }];
const goGitMock = gitMock.map((p) => ({ path: { path: p.path, basename: p.path, basenameNormalized: p.path } }));

describe('matrix (TestMatrixGenerate)', () => {
  it('happy flow - generate params (the second child reads the first)', async () => {
    expect(await generateParams([matrix(list(...gitMock), list({ cluster: 'Cluster', url: 'Url', templated: 'test-{{path.basenameNormalized}}' }))], ctx(false))).toEqual([
      { path: 'app1', 'path.basename': 'app1', 'path.basenameNormalized': 'app1', cluster: 'Cluster', url: 'Url', templated: 'test-app1' },
      { path: 'app2', 'path.basename': 'app2', 'path.basenameNormalized': 'app2', cluster: 'Cluster', url: 'Url', templated: 'test-app2' },
    ]);
  });
  it.each([false, true])('happy flow - generate params from two lists (goTemplate: %s)', async (goTemplate) => {
    expect(await generateParams([matrix(list({ a: '1' }, { a: '2' }), list({ b: '1' }, { b: '2' }))], ctx(goTemplate))).toEqual([{ a: '1', b: '1' }, { a: '1', b: '2' }, { a: '2', b: '1' }, { a: '2', b: '2' }]);
  });
  it('goTemplate: happy flow - generate params', async () => {
    expect(await generateParams([matrix(list(...goGitMock), list({ cluster: 'Cluster', url: 'Url' }))], ctx(true))).toEqual(goGitMock.map((p) => ({ ...p, cluster: 'Cluster', url: 'Url' })));
  });
  it('goTemplate: parameter override: first list elements take precedence', async () => {
    const first = { booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true' };
    expect(await generateParams([matrix(list(first), list({ booleanFalse: true, booleanTrue: false, stringFalse: 'true', stringTrue: 'false' }))], ctx(true))).toEqual([first]);
  });
  it('goTemplate: false: the same key with two values is an error (CombineStringMaps)', async () => {
    await expect(generateParams([matrix(list({ a: '1' }), list({ a: '2' }))], ctx(false))).rejects.toThrow(/spec\.generators\[0\]\.matrix: found duplicate key a with different value, a: 1 ,b: 2/);
    expect(await generateParams([matrix(list({ a: '1' }), list({ a: '1' }))], ctx(false))).toEqual([{ a: '1' }]);
  });
  const errors: Array<[string, unknown[], RegExp]> = [
    ['returns error if there is less than two base generators', [list({ a: '1' })], /found less than two generators, Matrix support only two/],
    ['returns error if there is more than two base generators', [list({ a: '1' }), list({ a: '1' }), list({ a: '1' })], /found more than two generators, Matrix support only two/],
    ['returns error if there is more than one inner generator in the first base generator', [{ ...list({ a: '1' }), clusters: {} }, list({ b: '1' })], /matrix\.generators\[0\]: expected exactly one of .* got list, clusters/],
    ['returns error if there is more than one inner generator in the second base generator', [list({ a: '1' }), { ...list({ a: '1' }), clusters: {} }], /matrix\.generators\[1\]: expected exactly one of .* got list, clusters/],
  ];
  it.each(errors)('%s', async (_n, generators, err) => {
    for (const goTemplate of [false, true]) await expect(generateParams([matrix(...generators)], ctx(goTemplate))).rejects.toThrow(err);
  });
});

describe('matrix: one child templated with the other (TestInterpolatedMatrixGenerate, TestMatrixGenerateListElementsYaml, ...)', () => {
  const clusters = [cluster('dev-01', 'dev'), cluster('prod-01', 'prod')];
  const fileMock = ['dev', 'prod'].map((env) => ({ path: `examples/git-generator-files-discovery/cluster-config/${env}/config.json`, 'path.basename': env, 'path.basenameNormalized': env }));
  it('goTemplate: false: a cluster selector from {{path.basename}}', async () => {
    const sets = await generateParams([matrix(list(...fileMock), { clusters: { selector: { matchLabels: { environment: '{{path.basename}}' } } } })], ctx(false, clusters));
    expect(sets).toEqual(['dev', 'prod'].map((env, i) => ({
      ...fileMock[i], name: `${env}-01`, nameNormalized: `${env}-01`, server: `https://${env}-01.example.com`, 'metadata.labels.environment': env, [`metadata.labels.${SECRET_TYPE}`]: 'cluster', project: '',
    })));
  });
  it('goTemplate: true: a cluster selector from {{.path.basename}}', async () => {
    const goFiles = fileMock.map((p) => ({ path: { path: p.path, basename: p['path.basename'], basenameNormalized: p['path.basenameNormalized'] } }));
    const sets = await generateParams([matrix(list(...goFiles), { clusters: { selector: { matchLabels: { environment: '{{.path.basename}}' } } } })], ctx(true, clusters));
    expect(sets).toEqual(['dev', 'prod'].map((env, i) => ({
      ...goFiles[i], name: `${env}-01`, nameNormalized: `${env}-01`, server: `https://${env}-01.example.com`, project: '', metadata: { labels: { environment: env, [SECRET_TYPE]: 'cluster' } },
    })));
  });
  it('elementsYaml from the first child (TestMatrixGenerateListElementsYaml)', async () => {
    const first = { foo: { bar: [{ chart: 'a', version: '1' }, { chart: 'b', version: '2' }] }, path: { basename: 'dir', basenameNormalized: 'dir', filename: 'file_name.yaml', filenameNormalized: 'file-name.yaml', path: 'path/dir', segments: ['path', 'dir'] } };
    const sets = await generateParams([matrix(list(first), { list: { elements: [], elementsYaml: '{{ .foo.bar | toJson }}' } })], ctx(true));
    expect(sets).toEqual([{ chart: 'a', version: '1', ...first }, { chart: 'b', version: '2', ...first }]);
  });
  it('list x git files: the git child is a files generator (TestGitGenerator_GenerateParams_list_x_git_matrix_generator)', async () => {
    expect(await generateParams([matrix(list({ some: 'value' }), { git: { repoURL: 'https://git.example.com', files: [{ path: 'some/path.json' }] } })], ctx(false))).toEqual([{
      path: 'some', 'path.basename': 'some', 'path.basenameNormalized': 'some', 'path.filename': 'path.json', 'path.filenameNormalized': 'path.json', 'path[0]': 'some', some: 'value', test: 'content',
    }]);
  });
  it("a file's error names the file and the templated repository (..._error_includes_repo)", async () => {
    await expect(generateParams([matrix(list({ url: 'https://git.example.com/repo-a.git' }), { git: { repoURL: '{{url}}', revision: 'HEAD', files: [{ path: 'ste1/values.yaml' }] } })], ctx(false)))
      .rejects.toThrow(/ste1\/values\.yaml.*https:\/\/git\.example\.com\/repo-a\.git/);
  });
  it('git values read the git child\'s own parameters (..._go_templates_values)', async () => {
    expect(await generateParams([matrix(list({ some: 'value' }), { git: { repoURL: 'https://git.example.com', files: [{ path: 'some/path.json' }], values: { foo: '{{.path.basename}}' } } })], ctx(true))).toEqual([{
      path: { basename: 'some', basenameNormalized: 'some', filename: 'path.json', filenameNormalized: 'path.json', path: 'some', segments: ['some'] }, some: 'value', test: 'content', values: { foo: 'some' },
    }]);
  });
  it('cluster values read the first child with missingkey=error (TestInterpolatedMatrixGenerateGoTemplate_ClusterValuesFromFirstGenerator)', async () => {
    const sets = await generateParams([matrix(list({ path: { path: 'guestbook', basename: 'guestbook', basenameNormalized: 'guestbook' } }),
      { clusters: { selector: { matchLabels: { environment: '{{.path.basename}}' } }, values: { env: '{{.path.basename}}', name: '{{.name}}' } } })], ctx(true, [cluster('guestbook-cluster', 'guestbook')], ['missingkey=error']));
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ path: { path: 'guestbook', basename: 'guestbook', basenameNormalized: 'guestbook' }, values: { env: 'guestbook', name: 'guestbook-cluster' }, name: 'guestbook-cluster', server: 'https://guestbook-cluster.example.com' });
  });
});

describe('templating a child with parameters (TestInterpolateGenerator*, TestRenderGeneratorParams_ValuesInterpolation)', () => {
  it('goTemplate: false', () => {
    const clusters = { clusters: { selector: { matchLabels: { [SECRET_TYPE]: 'cluster', 'path-basename': '{{path.basename}}', 'path-zero': '{{path[0]}}', 'path-full': '{{path}}' } } } };
    const git = { path: 'p1/p2/app3', 'path.basename': 'app3', 'path[0]': 'p1', 'path[1]': 'p2', 'path.basenameNormalized': 'app3' };
    expect(interpolateGenerator(clusters, git, { goTemplate: false }, 'g')).toEqual({ clusters: { selector: { matchLabels: { [SECRET_TYPE]: 'cluster', 'path-basename': 'app3', 'path-zero': 'p1', 'path-full': 'p1/p2/app3' } } } });
    expect(interpolateGenerator({ git: { files: [{ path: '{{name}}' }, { path: '{{server}}' }] } }, { name: 'production_01/west', server: 'https://production-01.example.com' }, { goTemplate: false }, 'g'))
      .toEqual({ git: { files: [{ path: 'production_01/west' }, { path: 'https://production-01.example.com' }] } });
  });
  it('goTemplate: true', () => {
    const clusters = { clusters: { selector: { matchLabels: { [SECRET_TYPE]: 'cluster', 'path-basename': '{{base .path.path}}', 'path-zero': '{{index .path.segments 0}}', 'path-full': '{{.path.path}}', 'kubernetes.io/environment': '{{default "foo" .my_label}}' } } } };
    expect(interpolateGenerator(clusters, { path: { path: 'p1/p2/app3', segments: ['p1', 'p2', 'app3'] } }, { goTemplate: true }, 'g'))
      .toEqual({ clusters: { selector: { matchLabels: { [SECRET_TYPE]: 'cluster', 'path-basename': 'app3', 'path-zero': 'p1', 'path-full': 'p1/p2/app3', 'kubernetes.io/environment': 'foo' } } } });
  });
  it('an empty parameter set leaves the child as written; a template error is an error (TestInterpolateGeneratorError)', () => {
    const child = { git: { repoURL: '{{.x}}' } };
    expect(interpolateGenerator(child, {}, { goTemplate: true }, 'g')).toBe(child);
    const bad = { git: { repoURL: 'foo', files: [{ path: 'path/{{ index .rmap (default .override .test) }}' }], revision: 'main', values: { git_test: '{{ toPrettyJson . }}', selection: '{{ default .override .test }}', resolved: '{{ index .rmap (default .override .test) }}' } } };
    expect(() => interpolateGenerator(bad, { name: 'in-cluster', override: 'foo' }, { goTemplate: true, options: [] }, 'g'))
      .toThrow('g.git.files[0].path: template: base:1:8: executing "base" at <index .rmap (default .override .test)>: error calling index: index of untyped nil');
  });
  const cases: Array<[string, Params, unknown, boolean, string[] | undefined, Record<string, string>]> = [
    ['GoTemplate: cross-generator key is resolved', { path: { basename: 'guestbook' } }, { clusters: { values: { env: '{{.path.basename}}' } } }, true, ['missingkey=error'], { env: 'guestbook' }],
    ['GoTemplate: self-referential key is deferred (kept as template)', { some: 'value' }, { git: { repoURL: 'https://git.example.com', values: { basename: '{{.path.basename}}' } } }, true, ['missingkey=error'], { basename: '{{.path.basename}}' }],
    ['GoTemplate: mixed — cross-generator resolves, self-referential defers', { path: { basename: 'guestbook' } }, { clusters: { values: { env: '{{.path.basename}}', clusterName: '{{.name}}' } } }, true, ['missingkey=error'], { env: 'guestbook', clusterName: '{{.name}}' }],
    ['GoTemplate: cross-generator resolves even without missingkey=error in user options', { path: { basename: 'guestbook' } }, { clusters: { values: { env: '{{.path.basename}}', clusterName: '{{.name}}' } } }, true, [], { env: 'guestbook', clusterName: '{{.name}}' }],
    ['GoTemplate: literal values (no template) pass through unchanged', { path: { basename: 'guestbook' } }, { clusters: { values: { static: 'some-hardcoded-value' } } }, true, [], { static: 'some-hardcoded-value' }],
    ['No GoTemplate: cross-generator key is resolved', { 'path.basename': 'guestbook' }, { clusters: { values: { env: '{{path.basename}}' } } }, false, undefined, { env: 'guestbook' }],
    ['No GoTemplate: self-referential key is kept as template', { some: 'value' }, { clusters: { values: { clusterName: '{{name}}' } } }, false, undefined, { clusterName: '{{name}}' }],
    ['Generator with values set (TestInterpolateGeneratorValuesHandling)', { name: 'in-cluster', server: 'https://kubernetes.default.svc' }, { git: { repoURL: 'https://somewhere.com/per-cluster/{{.name}}.git', values: { appname: '{{ .path.basenameNormalized }}' } } }, true, [], { appname: '{{ .path.basenameNormalized }}' }],
  ];
  it.each(cases)('%s', (_n, params, child, goTemplate, options, want) => {
    const out = interpolateGenerator(child, params, { goTemplate, options }, 'g') as Record<string, { values: unknown; repoURL?: string }>;
    expect(Object.values(out)[0].values).toEqual(want);
    if (Object.values(out)[0].repoURL?.includes('per-cluster')) expect(Object.values(out)[0].repoURL).toBe('https://somewhere.com/per-cluster/in-cluster.git');
  });
  it.each([
    ['GoTemplate: malformed template syntax in Values surfaces an error', '{{.path.basename', /g\.clusters\.values\.bad: failed to pre-resolve Values key "bad": template: base:1: unclosed action/],
    ['GoTemplate: sprig must* function error in Values surfaces an error', '{{mustFromJson "not-valid-json"}}', /failed to pre-resolve Values key "bad": .*error calling mustFromJson/],
  ])('%s', (_n, bad, err) => {
    expect(() => interpolateGenerator({ clusters: { values: { bad } } }, { path: { basename: 'guestbook' } }, { goTemplate: true, options: ['missingkey=error'] }, 'g')).toThrow(err);
  });
  it('the post selector of the child is applied as written, not templated', () => {
    const child = { list: { elements: [{ a: '{{x}}' }] }, selector: { matchLabels: { a: '{{x}}' } } };
    expect(interpolateGenerator(child, { x: 'y' }, { goTemplate: false }, 'g')).toEqual({ list: { elements: [{ a: 'y' }] }, selector: { matchLabels: { a: '{{x}}' } } });
  });
});

describe('merge (TestMergeGenerate, TestParamSetsAreUniqueByMergeKeys)', () => {
  const merge = (mergeKeys: string[], ...generators: unknown[]) => ({ merge: { mergeKeys, generators } });
  const cases: Array<[string, unknown, Params[]]> = [
    ['happy flow - generate paramSets', merge(['b'], list({ a: '1_1', b: 'same', c: '1_3' }), list({ a: '2_1', b: 'same' }), list({ a: '3_1', b: 'different', c: '3_3' })), [{ a: '2_1', b: 'same', c: '1_3' }]],
    ['merge keys absent - do not merge', merge(['b'], list({ a: 'a' }), list({ a: 'a' })), [{ a: 'a' }]],
    ['merge key present in first set, absent in second - do not merge', merge(['b'], list({ a: 'a' }), list({ b: 'b' })), [{ a: 'a' }]],
    ['merge nested matrix with some lists', merge(['a', 'b'], matrix(list({ a: '1' }, { a: '2' }), list({ b: '1' }, { b: '2' })), list({ a: '1', b: '1', c: 'added' })),
      [{ a: '1', b: '1', c: 'added' }, { a: '1', b: '2' }, { a: '2', b: '1' }, { a: '2', b: '2' }]],
    ['merge nested merge with some lists', merge(['a', 'b'], merge(['a'], list({ a: '1', b: '1' }, { a: '2', b: '2' }), list({ a: '1', b: '3', c: 'added' }, { a: '3', b: '2' })), list({ a: '1', b: '3', d: 'added' })),
      [{ a: '1', b: '3', c: 'added', d: 'added' }, { a: '2', b: '2' }]],
    ['simple key, duplicated key name, unique paramSets', merge(['key', 'key'], list({ key: 'a' }, { key: 'b' }), list({ key: 'b', x: 'y' })), [{ key: 'a' }, { key: 'b', x: 'y' }]],
  ];
  it.each(cases)('%s', async (_n, gen, want) => {
    expect(await generateParams([gen], ctx(false))).toEqual(want);
  });
  const errors: Array<[string, unknown, RegExp]> = [
    ['no generators', merge(['b']), /merge\.generators: found less than two generators, Merge requires two or more/],
    ['one generator', merge(['b'], list({ a: '1_1', b: 'same', c: '1_3' })), /merge\.generators: found less than two generators, Merge requires two or more/],
    ['no merge keys', merge([], list({ a: '1' }), list({ a: '1' })), /merge\.mergeKeys: no merge keys were specified, Merge requires at least one/],
    ['simple key, non-unique paramSets', merge(['key'], list({ key: 'a' }, { key: 'b' }, { key: 'b' }), list()), /merge\.generators\[0\]: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique\. Duplicate key was \{"key":"b"\}/],
    ['compound key, duplicate key names, non-unique paramSets', merge(['key1', 'key1', 'key2'], list({ key1: 'a', key2: 'a' }), list({ key1: 'a', key2: 'a' }, { key1: 'a', key2: 'a' }, { key1: 'b', key2: 'a' })), /merge\.generators\[1\]: .*Duplicate key was \{"key1":"a","key2":"a"\}/],
  ];
  it.each(errors)('%s', async (_n, gen, err) => {
    await expect(generateParams([gen], ctx(false))).rejects.toThrow(err);
  });
  it('simple key object, unique paramSets: merge keys compare whole values (goTemplate)', async () => {
    expect(await generateParams([merge(['key'], list({ key: { hello: 'world' } }, { key: 'b' }), list({ key: { hello: 'world' }, x: 1 }))], ctx(true))).toEqual([{ key: { hello: 'world' }, x: 1 }, { key: 'b' }]);
  });
  it('goTemplate: overrides merge deeply; a merge key names a top-level key only (Generators-Merge.md restriction)', async () => {
    const base = list({ server: 's1', values: { kafka: 'true', redis: 'false' } }, { server: 's2', values: { kafka: 'true', redis: 'false' } });
    expect(await generateParams([merge(['server'], base, list({ server: 's1', values: { kafka: 'false' } }))], ctx(true))).toEqual([{ server: 's1', values: { kafka: 'false', redis: 'false' } }, { server: 's2', values: { kafka: 'true', redis: 'false' } }]);
    await expect(generateParams([merge(['values.kafka'], base, list())], ctx(true))).rejects.toThrow(/Duplicate key was \{"values\.kafka":null\}/);
  });
});

describe('nesting: combination generators nest once (Generators-Matrix.md, Generators-Merge.md restrictions)', () => {
  const leaf = list({ a: '1' });
  it('two levels work', async () => {
    expect(await generateParams([matrix(matrix(leaf, list({ b: '2' })), list({ c: '3' }))], ctx(false))).toEqual([{ a: '1', b: '2', c: '3' }]);
    expect(await generateParams([{ merge: { mergeKeys: ['a'], generators: [{ merge: { mergeKeys: ['a'], generators: [leaf, leaf] } }, leaf] } }], ctx(false))).toEqual([{ a: '1' }]);
  });
  it.each([
    ['matrix in matrix in matrix', matrix(matrix(matrix(leaf, leaf), leaf), leaf), /spec\.generators\[0\]\.matrix\.generators\[0\]\.matrix\.generators\[0\]\.matrix: combination generators \(matrix, merge\) can only be nested once/],
    ['merge in merge in merge', { merge: { mergeKeys: ['a'], generators: [{ merge: { mergeKeys: ['a'], generators: [{ merge: { mergeKeys: ['a'], generators: [leaf, leaf] } }, leaf] } }, leaf] } }, /generators\[0\]\.merge\.generators\[0\]\.merge: combination generators \(matrix, merge\) can only be nested once/],
  ])('a third level is an error: %s', async (_n, gen, err) => {
    await expect(generateParams([gen], ctx(false))).rejects.toThrow(err);
  });
});

describe('the documented examples', () => {
  it('Generators-Matrix.md: overriding parameters from one child generator in another (goTemplate, the first child wins)', async () => {
    const sets = await generateParams([matrix({ git: { repoURL: 'https://github.com/example/values.git', revision: 'HEAD', files: [{ path: '**/stage.values.yaml' }] } },
      { git: { repoURL: 'https://github.com/example/values.git', revision: 'HEAD', files: [{ path: 'global.values.yaml' }] } })], ctx(true));
    const picked = sets.map((s) => ({ stageName: s.stageName, cpuRequest: s.cpuRequest, memoryLimit: s.memoryLimit, debugEnabled: s.debugEnabled }));
    expect(picked).toEqual([
      { stageName: 'production', cpuRequest: '200m', memoryLimit: '512Mi', debugEnabled: false },
      { stageName: 'staging', cpuRequest: '200m', memoryLimit: '256Mi', debugEnabled: true },
      { stageName: 'test', cpuRequest: '100m', memoryLimit: '256Mi', debugEnabled: true },
    ]);
  });
  it('Generators-Matrix.md: two git generators using pathParamPrefix', async () => {
    const sets = await generateParams([matrix({ git: { repoURL: 'r', revision: 'HEAD', files: [{ path: 'apps/*.json' }], pathParamPrefix: 'app' } },
      { git: { repoURL: 'r', revision: 'HEAD', files: [{ path: 'targets/{{.appName}}/*.json' }], pathParamPrefix: 'target' } })], ctx(true));
    const pick = (s: Params) => { const app = s.app as { path: Params }; const target = s.target as { path: Params }; return [s.appName, app.path.path, app.path.filename, s.region, s.clusterName, target.path.path, target.path.filename]; };
    expect(sets.map(pick)).toEqual([
      ['app-one', 'apps', 'app-one.json', 'east', 'cluster-one', 'targets/app-one', 'east-cluster-one.json'],
      ['app-one', 'apps', 'app-one.json', 'east', 'cluster-two', 'targets/app-one', 'east-cluster-two.json'],
      ['app-two', 'apps', 'app-two.json', 'east', 'cluster-one', 'targets/app-two', 'east-cluster-one.json'],
      ['app-two', 'apps', 'app-two.json', 'west', 'cluster-three', 'targets/app-two', 'west-cluster-three.json'],
    ]);
  });
  it('Generators-Matrix.md: two git generators without pathParamPrefix fail with goTemplate: false', async () => {
    await expect(generateParams([matrix({ git: { repoURL: 'r', files: [{ path: 'apps/*.json' }] } }, { git: { repoURL: 'r', files: [{ path: 'targets/{{appName}}/*.json' }] } })], ctx(false)))
      .rejects.toThrow(/found duplicate key path with different value, a: apps ,b: targets\/app-one/);
  });
  it('Generators-Merge.md: base cluster generator + override cluster generator + list generator', async () => {
    const clusters: ClusterInfo[] = [
      { name: 'staging', server: 'https://1.2.3.4', labels: { 'use-kafka': 'false' }, annotations: {} },
      { name: 'production', server: 'https://2.4.6.8', labels: {}, annotations: {} },
    ];
    const sets = await generateParams([{ merge: { mergeKeys: ['server'], generators: [
      { clusters: { values: { kafka: 'true', redis: 'false' } } },
      { clusters: { selector: { matchLabels: { 'use-kafka': 'false' } }, values: { kafka: 'false' } } },
      { list: { elements: [{ server: 'https://2.4.6.8', 'values.redis': 'true' }] } },
    ] } }], ctx(false, clusters));
    expect(sets.map((s) => [s.name, s.server, s['values.kafka'], s['values.redis']])).toEqual([['production', 'https://2.4.6.8', 'true', 'true'], ['staging', 'https://1.2.3.4', 'false', 'false']]);
  });
});
