// ArgoCD's own table tests for the clusters and list generators, values and the post selector
// (applicationset/generators/{cluster,list,value_interpolation,generator_spec_processor}_test.go),
// ported with their inputs and expected parameters. Where Meridian differs on purpose the case says
// so: it has no implicit `in-cluster` (it deploys to registered members only) and its clusters
// belong to no project (`project` is always '').
import { describe, expect, it } from 'vitest';
import { generateParams } from '../../src/gitops/generators/index.js';
import type { ClusterInfo, GeneratorContext } from '../../src/gitops/generators/types.js';
import { appendTemplatedValues } from '../../src/gitops/generators/values.js';
import type { Params } from '../../src/gitops/params.js';

const SECRET_TYPE = 'argocd.argoproj.io/secret-type';
const staging: ClusterInfo = {
  name: 'staging-01', server: 'https://staging-01.example.com',
  labels: { [SECRET_TYPE]: 'cluster', environment: 'staging', org: 'foo' }, annotations: { 'foo.argoproj.io': 'staging' },
};
const production: ClusterInfo = {
  name: 'production_01/west', server: 'https://production-01.example.com',
  labels: { [SECRET_TYPE]: 'cluster', environment: 'production', org: 'bar' }, annotations: { 'foo.argoproj.io': 'production' },
};
const longUrl: ClusterInfo = {
  name: 'some-really-long-server-url', server: 'https://some-really-long-url-that-will-exceed-63-characters.com',
  labels: { [SECRET_TYPE]: 'cluster', environment: 'production', org: 'bar' }, annotations: { 'foo.argoproj.io': 'production' },
};

const ctx = (goTemplate: boolean, clusters = [staging, production]): GeneratorContext => ({
  clusters, mode: { goTemplate }, checkout: async () => { throw new Error('no git here'); },
});
const byName = (sets: Params[]) => [...sets].sort((a, b) => String(a.name).localeCompare(String(b.name)));

const flatProduction = {
  name: 'production_01/west', nameNormalized: 'production-01-west', server: 'https://production-01.example.com', project: '',
  'metadata.labels.environment': 'production', 'metadata.labels.org': 'bar', [`metadata.labels.${SECRET_TYPE}`]: 'cluster', 'metadata.annotations.foo.argoproj.io': 'production',
};
const flatStaging = {
  name: 'staging-01', nameNormalized: 'staging-01', server: 'https://staging-01.example.com', project: '',
  'metadata.labels.environment': 'staging', 'metadata.labels.org': 'foo', [`metadata.labels.${SECRET_TYPE}`]: 'cluster', 'metadata.annotations.foo.argoproj.io': 'staging',
};
const goProduction = {
  name: 'production_01/west', nameNormalized: 'production-01-west', server: 'https://production-01.example.com', project: '',
  metadata: { labels: { [SECRET_TYPE]: 'cluster', environment: 'production', org: 'bar' }, annotations: { 'foo.argoproj.io': 'production' } },
};
const goStaging = {
  name: 'staging-01', nameNormalized: 'staging-01', server: 'https://staging-01.example.com', project: '',
  metadata: { labels: { [SECRET_TYPE]: 'cluster', environment: 'staging', org: 'foo' }, annotations: { 'foo.argoproj.io': 'staging' } },
};
const goLongUrl = {
  name: 'some-really-long-server-url', nameNormalized: 'some-really-long-server-url', server: 'https://some-really-long-url-that-will-exceed-63-characters.com', project: '',
  metadata: { labels: { [SECRET_TYPE]: 'cluster', environment: 'production', org: 'bar' }, annotations: { 'foo.argoproj.io': 'production' } },
};

const lolValues = { lol1: 'lol', lol2: '{{values.lol1}}{{values.lol1}}', lol3: '{{values.lol2}}{{values.lol2}}{{values.lol2}}', foo: 'bar', bar: '{{ metadata.annotations.foo.argoproj.io }}', bat: '{{ metadata.labels.environment }}', aaa: '{{ server }}', 'no-op': '{{ this-does-not-exist }}' };
const lolExpected = (c: typeof flatStaging, env: string) => ({
  ...c, 'values.lol1': 'lol', 'values.lol2': '{{values.lol1}}{{values.lol1}}', 'values.lol3': '{{values.lol2}}{{values.lol2}}{{values.lol2}}',
  'values.foo': 'bar', 'values.bar': env, 'values.no-op': '{{ this-does-not-exist }}', 'values.bat': env, 'values.aaa': c.server,
});
const goLolValues = { lol1: 'lol', lol2: '{{ .values.lol1 }}{{ .values.lol1 }}', lol3: '{{ .values.lol2 }}{{ .values.lol2 }}{{ .values.lol2 }}', foo: 'bar', bar: '{{ if not (empty .metadata) }}{{index .metadata.annotations "foo.argoproj.io" }}{{ end }}', bat: '{{ if not (empty .metadata) }}{{.metadata.labels.environment}}{{ end }}', aaa: '{{ .server }}', 'no-op': '{{ .thisDoesNotExist }}' };
const goLolExpected = (c: typeof goStaging, env: string) => ({
  ...c, values: { lol1: 'lol', lol2: '<no value><no value>', lol3: '<no value><no value><no value>', foo: 'bar', bar: env, bat: env, aaa: c.server, 'no-op': '<no value>' },
});
const inProdOrStaging = { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'staging'] }] };

describe('clusters generator (cluster_test.go TestGenerateParams, goTemplate: false)', () => {
  const cases: Array<[string, Record<string, unknown>, Params[]]> = [
    // ArgoCD also yields in-cluster here; Meridian has none. ArgoCD's production secret has project prod-project.
    ['no label selector', { selector: {}, values: lolValues }, [lolExpected(flatProduction, 'production'), lolExpected(flatStaging, 'staging')]],
    ['secret type label selector', { selector: { matchLabels: { [SECRET_TYPE]: 'cluster' } } }, [flatProduction, flatStaging]],
    ['production-only', { selector: { matchLabels: { environment: 'production' } }, values: { foo: 'bar' } }, [{ ...flatProduction, 'values.foo': 'bar' }]],
    ['production or staging', { selector: inProdOrStaging, values: { foo: 'bar' } }, [{ ...flatProduction, 'values.foo': 'bar' }, { ...flatStaging, 'values.foo': 'bar' }]],
    ['production or staging with match labels', { selector: { ...inProdOrStaging, matchLabels: { org: 'foo' } }, values: { name: 'baz' } }, [{ ...flatStaging, 'values.name': 'baz' }]],
    ['flat mode without selectors', { selector: {}, values: lolValues, flatList: true }, [{ clusters: [lolExpected(flatProduction, 'production'), lolExpected(flatStaging, 'staging')] }]],
    ['production or staging with flat mode', { selector: inProdOrStaging, flatList: true, values: { foo: 'bar' } }, [{ clusters: [{ ...flatProduction, 'values.foo': 'bar' }, { ...flatStaging, 'values.foo': 'bar' }] }]],
  ];
  it.each(cases)('%s', async (_name, clusters, want) => {
    expect(await generateParams([{ clusters }], ctx(false))).toEqual(want);
  });
});

describe('clusters generator (cluster_test.go TestGenerateParamsGoTemplate)', () => {
  const cases: Array<[string, Record<string, unknown>, Params[]]> = [
    ['no label selector', { selector: {}, values: goLolValues }, [goLolExpected(goProduction, 'production'), goLolExpected(goStaging, 'staging')]],
    ['secret type label selector', { selector: { matchLabels: { [SECRET_TYPE]: 'cluster' } } }, [goProduction, goStaging]],
    ['production-only', { selector: { matchLabels: { environment: 'production' } }, values: { foo: 'bar' } }, [{ ...goProduction, values: { foo: 'bar' } }]],
    ['production or staging', { selector: inProdOrStaging, values: { foo: 'bar' } }, [{ ...goProduction, values: { foo: 'bar' } }, { ...goStaging, values: { foo: 'bar' } }]],
    ['production or staging with match labels', { selector: { ...inProdOrStaging, matchLabels: { org: 'foo' } }, values: { name: 'baz' } }, [{ ...goStaging, values: { name: 'baz' } }]],
    ['Clusters with flat list mode and no selector', { selector: {}, flatList: true, values: goLolValues }, [{ clusters: [goLolExpected(goProduction, 'production'), goLolExpected(goStaging, 'staging')] }]],
    ['production or staging with flat mode', { selector: inProdOrStaging, flatList: true, values: { foo: 'bar' } }, [{ clusters: [{ ...goProduction, values: { foo: 'bar' } }, { ...goStaging, values: { foo: 'bar' } }] }]],
  ];
  it.each(cases)('%s', async (_name, clusters, want) => {
    expect(await generateParams([{ clusters }], ctx(true))).toEqual(want);
  });

  it('a cluster without labels or annotations has an empty metadata map (ArgoCD omits each empty map)', async () => {
    const bare = { name: 'bare', server: 'https://bare.example.com', labels: {}, annotations: {} };
    expect(await generateParams([{ clusters: {} }], ctx(true, [bare]))).toEqual([{ name: 'bare', nameNormalized: 'bare', server: 'https://bare.example.com', project: '', metadata: {} }]);
  });

  it('flatList with no matching cluster still yields one parameter set, as ArgoCD', async () => {
    expect(await generateParams([{ clusters: { selector: { matchLabels: { environment: 'none' } }, flatList: true } }], ctx(true))).toEqual([{ clusters: [] }]);
  });
});

describe('nameNormalized is ArgoCD SanitizeName (TestSanitizeClusterName)', () => {
  it.each([['cluster-name', 'cluster-name'], ['-.--CLUSTER/name  -./.-', 'cluster-name'], ['production_01/west', 'production-01-west'], ['a__b', 'a--b']])('%s -> %s', async (name, want) => {
    const [p] = await generateParams([{ clusters: {} }], ctx(false, [{ name, server: 's', labels: {}, annotations: {} }]));
    expect(p.nameNormalized).toBe(want);
  });
});

describe('clusters selector is checked as LabelSelectorAsSelector checks it', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['In without values', { matchExpressions: [{ key: 'env', operator: 'In', values: [] }] }, /selector\.matchExpressions\[0\]\.values: for 'in', 'notin' operators, values set can't be empty/],
    ['Exists with values', { matchExpressions: [{ key: 'env', operator: 'Exists', values: ['x'] }] }, /values set must be empty for exists and does not exist/],
    ['unknown operator', { matchExpressions: [{ key: 'env', operator: 'Gt', values: ['1'] }] }, /"Gt" is not a valid label selector operator/],
    ['a value that is no label value (an uninterpolated template)', { matchLabels: { environment: '{{.path.basename}}' } }, /a valid label must be an empty string/],
    ['a key that is no qualified name', { matchLabels: { 'a/b/c': 'x' } }, /Invalid value: "a\/b\/c"/],
  ];
  it.each(invalid)('%s', async (_n, selector, err) => {
    await expect(generateParams([{ clusters: { selector } }], ctx(false))).rejects.toThrow(err);
  });
});

describe('list generator (list_test.go)', () => {
  const elements = [{ cluster: 'cluster', url: 'url' }, { cluster: 'cluster', url: 'url', values: { foo: 'bar' } }];
  it('goTemplate: false flattens values to values.<key>', async () => {
    expect(await generateParams([{ list: { elements } }], ctx(false))).toEqual([{ cluster: 'cluster', url: 'url' }, { cluster: 'cluster', url: 'url', 'values.foo': 'bar' }]);
  });
  it('goTemplate: true keeps each element as written', async () => {
    expect(await generateParams([{ list: { elements } }], ctx(true))).toEqual(elements);
  });
  it('goTemplate: false takes string values only, as ArgoCD ("error parsing value as string")', async () => {
    await expect(generateParams([{ list: { elements: [{ replicas: 3 }] } }], ctx(false))).rejects.toThrow(/spec\.generators\[0\]\.list\.elements\[0\]\.replicas: expected a string/);
    await expect(generateParams([{ list: { elements: [{ values: { n: 1 } }] } }], ctx(false))).rejects.toThrow(/elements\[0\]\.values\.n: expected a string/);
    expect(await generateParams([{ list: { elements: [{ replicas: 3, nested: { a: [1] } }] } }], ctx(true))).toEqual([{ replicas: 3, nested: { a: [1] } }]);
  });
  it('elementsYaml is appended after elements, as written in both modes', async () => {
    const list = { elements: [{ a: 'x' }], elementsYaml: '- chart: podinfo\n  version: "6.3.2"\n  replicas: 2\n- {chart: other}\n' };
    expect(await generateParams([{ list }], ctx(true))).toEqual([{ a: 'x' }, { chart: 'podinfo', version: '6.3.2', replicas: 2 }, { chart: 'other' }]);
    expect(await generateParams([{ list }], ctx(false))).toEqual([{ a: 'x' }, { chart: 'podinfo', version: '6.3.2', replicas: 2 }, { chart: 'other' }]);
    await expect(generateParams([{ list: { elementsYaml: 'a: b' } }], ctx(true))).rejects.toThrow(/list\.elementsYaml: error unmarshaling decoded ElementsYaml/);
  });
});

describe('values (value_interpolation_test.go)', () => {
  const fast: Array<[string, Record<string, string>, Params, Params]> = [
    ['Simple interpolation', { hello: '{{ world }}' }, { world: 'world!' }, { world: 'world!', 'values.hello': 'world!' }],
    ['Non-existent', { 'non-existent': '{{ non-existent }}' }, {}, { 'values.non-existent': '{{ non-existent }}' }],
    ['Billion laughs', { lol1: 'lol', lol2: '{{values.lol1}}{{values.lol1}}', lol3: '{{values.lol2}}{{values.lol2}}{{values.lol2}}' }, {}, { 'values.lol1': 'lol', 'values.lol2': '{{values.lol1}}{{values.lol1}}', 'values.lol3': '{{values.lol2}}{{values.lol2}}{{values.lol2}}' }],
  ];
  it.each(fast)('goTemplate: false: %s', (_n, values, params, want) => {
    appendTemplatedValues(values, params, { goTemplate: false }, 'test');
    expect(params).toEqual(want);
  });
  const go: Array<[string, Record<string, string>, Params, Params]> = [
    ['Simple interpolation', { hello: '{{ .world }}' }, { world: 'world!' }, { world: 'world!', values: { hello: 'world!' } }],
    ['Non-existent to default', { non_existent: '{{ default "bar" .non_existent }}' }, {}, { values: { non_existent: 'bar' } }],
    ['Billion laughs', { lol1: 'lol', lol2: '{{.values.lol1}}{{.values.lol1}}', lol3: '{{.values.lol2}}{{.values.lol2}}{{.values.lol2}}' }, {}, { values: { lol1: 'lol', lol2: '<no value><no value>', lol3: '<no value><no value><no value>' } }],
  ];
  it.each(go)('goTemplate: true: %s', (_n, values, params, want) => {
    appendTemplatedValues(values, params, { goTemplate: true }, 'test');
    expect(params).toEqual(want);
  });
  it('values must be strings (ArgoCD map[string]string)', async () => {
    await expect(generateParams([{ clusters: { values: { n: 1 } } }], ctx(false))).rejects.toThrow(/clusters\.values\.n: expected a string/);
  });
});

describe('post selector (generator_spec_processor_test.go TestMatchValues, TestTransForm)', () => {
  const element = { cluster: 'cluster', url: 'url', values: { foo: 'bar' } };
  const fast: Array<[string, unknown, Params[]]> = [
    ['no filter', {}, [{ cluster: 'cluster', url: 'url', 'values.foo': 'bar' }]],
    ['nil', undefined, [{ cluster: 'cluster', url: 'url', 'values.foo': 'bar' }]],
    ['values.foo should be foo but is ignore element', { matchLabels: { 'values.foo': 'foo' } }, []],
    ['values.foo should be bar', { matchLabels: { 'values.foo': 'bar' } }, [{ cluster: 'cluster', url: 'url', 'values.foo': 'bar' }]],
  ];
  it.each(fast)('goTemplate: false: %s', async (_n, selector, want) => {
    expect(await generateParams([{ list: { elements: [element] }, selector }], ctx(false))).toEqual(want);
  });
  const go: Array<[string, unknown, Params[]]> = [
    ['no filter', {}, [element]],
    ['nil', undefined, [element]],
    ['values.foo should be foo but is ignore element', { matchLabels: { 'values.foo': 'foo' } }, []],
    ['values.foo should be bar', { matchLabels: { 'values.foo': 'bar' } }, [element]],
  ];
  it.each(go)('goTemplate: true: %s', async (_n, selector, want) => {
    expect(await generateParams([{ list: { elements: [element] }, selector }], ctx(true))).toEqual(want);
  });
  it('goTemplate: true: values.0 should be bar (lists flatten to .0)', async () => {
    const e = { cluster: 'cluster', url: 'url', values: ['bar'] };
    expect(await generateParams([{ list: { elements: [e] }, selector: { matchLabels: { 'values.0': 'bar' } } }], ctx(true))).toEqual([e]);
  });

  const three = [staging, production, longUrl];
  it.each([
    ['server filter', 'https://production-01.example.com', 'production_01/west'],
    ['server filter with long url', 'https://some-really-long-url-that-will-exceed-63-characters.com', 'some-really-long-server-url'],
  ])('goTemplate: false: %s (values are not checked as label values)', async (_n, server, name) => {
    const sets = await generateParams([{ clusters: { selector: {} }, selector: { matchLabels: { server } } }], ctx(false, three));
    expect(sets.map((s) => s.name)).toEqual([name]);
  });

  const goCases: Array<[string, unknown, Record<string, string> | undefined, Params[]]> = [
    ['server filter', { matchLabels: { server: 'https://production-01.example.com' } }, undefined, [goProduction]],
    ['label MatchLabels', { matchLabels: { 'metadata.labels.environment': 'staging' } }, undefined, [goStaging]],
    // ArgoCD also keeps in-cluster here (NotIn passes for an absent key); Meridian has none.
    ['label NotIn matchExpression', { matchExpressions: [{ key: 'metadata.labels.environment', operator: 'NotIn', values: ['staging'] }] }, undefined, [goProduction, goLongUrl]],
    ['slash key in label', { matchLabels: { [`metadata.labels.${SECRET_TYPE}`]: 'cluster' } }, undefined, [goProduction, goLongUrl, goStaging]],
    ['values filter', { matchLabels: { 'values.env': 'staging' } }, { env: '{{.metadata.labels.environment}}' }, [{ ...goStaging, values: { env: 'staging' } }]],
  ];
  it.each(goCases)('goTemplate: true: %s', async (_n, selector, values, want) => {
    expect(byName(await generateParams([{ clusters: { selector: {}, ...(values ? { values } : {}) }, selector }], ctx(true, three)))).toEqual(want);
  });

  it.each([
    ['In without values', { matchExpressions: [{ key: 'env', operator: 'In' }] }, /spec\.generators\[0\]\.selector\.matchExpressions\[0\]\.values: for 'in', 'notin' operators, values set can't be empty/],
    ['a key that is no qualified name', { matchLabels: { 'path[0]': 'x' } }, /spec\.generators\[0\]\.selector: .*Invalid value: "path\[0\]"/],
  ])('an invalid post selector is an error: %s', async (_n, selector, err) => {
    await expect(generateParams([{ list: { elements: [element] }, selector }], ctx(false))).rejects.toThrow(err);
  });
});
