// ArgoCD's table tests for rendering an Application template (applicationset/utils/utils_test.go
// TestRenderTemplateParams, TestRenderTemplateParamsGoTemplate, TestRenderTemplateKeys,
// Test_Render_Replace_no_panic_on_missing_closing_brace), templatePatch's project rule
// (applicationset/controllers/template/patch.go) and generator templates (Template.md).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ApplicationSet } from '../../src/api/applicationset.js';
import { translateObject } from '../../src/api/translate.js';
import { generateApplications } from '../../src/gitops/controller/appsets.js';
import { fillTemplate, generateTemplatedParams } from '../../src/gitops/generators/index.js';
import type { GeneratorContext } from '../../src/gitops/generators/types.js';
import type { GitCache } from '../../src/gitops/git/cache.js';
import type { Params } from '../../src/gitops/params.js';
import { renderApplicationTemplate, renderString } from '../../src/gitops/template/index.js';
import type { KubeObject } from '../../src/kube/types.js';

// The string fields ArgoCD's test templates one at a time.
const FIELDS = ['spec.source.path', 'spec.source.repoURL', 'spec.source.targetRevision', 'spec.destination.server', 'spec.destination.namespace', 'spec.destination.name', 'spec.project'];
const templateWith = (field: string, value: string) => {
  const t: Record<string, unknown> = {
    metadata: { name: 'application-one', namespace: 'default', labels: { 'label-key': 'label-value', 'label-key2': 'label-value2' }, annotations: { 'annotation-key': 'annotation-value', 'annotation-key2': 'annotation-value2' } },
    spec: { source: { path: '', repoURL: '', targetRevision: '' }, destination: { server: '', namespace: '', name: '' }, project: '' },
  };
  const keys = field.split('.');
  const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, t);
  parent[keys[keys.length - 1]] = value;
  return t;
};
const read = (app: Record<string, unknown>, field: string) => field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], app);
const render = (field: string, value: string, params: Params, goTemplate: boolean, options?: string[]) => renderApplicationTemplate(templateWith(field, value), undefined, params, { goTemplate, options });

describe('fasttemplate (TestRenderTemplateParams)', () => {
  const cases: Array<[string, string, Params, string]> = [
    ['simple substitution', '{{one}}', { one: 'two' }, 'two'],
    ['simple substitution with whitespace', '{{ one }}', { one: 'two' }, 'two'],
    ['template characters but not in a template', '}} {{', { one: 'two' }, '}} {{'],
    ['nested template', '{{ }}', { one: '{{ }}' }, '{{ }}'],
    ['field with whitespace', '{{ }}', { ' ': 'two', '': 'three' }, '{{ }}'],
    ['template contains itself, containing itself', '{{one}}', { '{{one}}': '{{one}}' }, '{{one}}'],
    ['template contains itself, containing something else', '{{one}}', { '{{one}}': '{{two}}' }, '{{one}}'],
    ['templates are case sensitive', '{{ONE}}', { '{{one}}': 'two' }, '{{ONE}}'],
    ['multiple on a line', '{{one}}{{one}}', { one: 'two' }, 'twotwo'],
    ['multiple different on a line', '{{one}}{{three}}', { one: 'two', three: 'four' }, 'twofour'],
    ['multiple different on a line with quote', '{{one}} {{three}}', { one: '"hello" world', three: 'four' }, '"hello" world four'],
  ];
  it.each(cases)('%s', (_n, value, params, want) => {
    for (const field of FIELDS) {
      const app = render(field, value, params, false);
      expect([field, read(app, field)]).toEqual([field, want]);
      expect(app.metadata).toEqual(templateWith(field, value).metadata);
    }
  });
  it('only string parameters replace a tag (a number or a map from elementsYaml is left as written)', () => {
    expect(renderString('{{n}} {{m}} {{m.k}} {{s}}', { n: 1, m: { k: 'v' }, s: 'x' }, { goTemplate: false })).toBe('{{n}} {{m}} {{m.k}} x');
  });
  it('{{ without a closing }} is an error (Test_Render_Replace_no_panic_on_missing_closing_brace), unless no line has {{...}}', () => {
    expect(() => renderString('{{properly.closed}} {{improperly.closed}', {}, { goTemplate: false })).toThrow(/cannot find end tag="}}"/);
    expect(renderString('{{not closed', {}, { goTemplate: false })).toBe('{{not closed');
    expect(renderString('{{a\n}}', { a: 'x' }, { goTemplate: false })).toBe('{{a\n}}');
  });
});

describe('goTemplate (TestRenderTemplateParamsGoTemplate)', () => {
  const cases: Array<[string, string, Params, string, string[]?]> = [
    ['simple substitution', '{{ .one }}', { one: 'two' }, 'two'],
    ['template contains itself, containing itself', '{{ .one }}', { one: '{{one}}' }, '{{one}}'],
    ['template contains itself, containing something else', '{{ .one }}', { one: '{{two}}' }, '{{two}}'],
    ['multiple on a line', '{{.one}}{{.one}}', { one: 'two' }, 'twotwo'],
    ['multiple different on a line', '{{.one}}{{.three}}', { one: 'two', three: 'four' }, 'twofour'],
    ['multiple different on a line with quote', '{{.one}} {{.three}}', { one: '"hello" world', three: 'four' }, '"hello" world four'],
    ['depth', '{{ .image.version }}', { replicas: 3, image: { name: 'busybox', version: 'latest' } }, 'latest'],
    ['multiple depth', '{{ .image.name }}:{{ .image.version }}', { replicas: 3, image: { name: 'busybox', version: 'latest' } }, 'busybox:latest'],
    ['if ok', '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}', { replicas: 3, hpa: { enabled: true, minReplicas: 1, maxReplicas: 5 } }, '5'],
    ['if not ok', '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}', { replicas: 3, hpa: { enabled: false, minReplicas: 1, maxReplicas: 5 } }, '3'],
    ['loop', '{{ range .volumes }}[{{ .name }}]{{ end }}', { replicas: 3, volumes: [{ name: 'volume-one', emptyDir: {} }, { name: 'volume-two', emptyDir: {} }] }, '[volume-one][volume-two]'],
    ['Index', '{{ index .admin "admin-ca" }}, {{ index .admin "admin-jks" }}', { admin: { 'admin-ca': 'value admin ca', 'admin-jks': 'value admin jks' } }, 'value admin ca, value admin jks'],
    ['Index with quotes and backslashes', '{{ index .admin "admin-ca" }}, \\\\ "Hello world", {{ index .admin "admin-jks" }}', { admin: { 'admin-ca': 'value "admin" ca with \\', 'admin-jks': 'value admin jks' } }, 'value "admin" ca with \\, \\\\ "Hello world", value admin jks'],
    ['quote', '{{.quote}}', { quote: '"' }, '"'],
    ['Test No Data (an empty parameter set leaves the template as written)', '{{.data}}', {}, '{{.data}}'],
    ['lookup missing value with missingkey=default', '--> {{.doesnotexist}} <--', { unused: 'this is not used' }, '--> <no value> <--'],
    ['toYaml', '{{ toYaml . | indent 2 }}', { foo: { bar: { bool: true, number: 2, str: 'Hello world' } } }, '  foo:\n    bar:\n      bool: true\n      number: 2\n      str: Hello world'],
    ['fromYaml', '{{ get (fromYaml .value) "hello" }}', { value: 'hello: world' }, 'world'],
    ['fromYamlArray', '{{ fromYamlArray .value | last }}', { value: '- hello world\n- bonjour tout le monde' }, 'bonjour tout le monde'],
  ];
  it.each(cases)('%s', (_n, value, params, want) => {
    for (const field of FIELDS) expect([field, read(render(field, value, params, true), field)]).toEqual([field, want]);
  });
  const errors: Array<[string, string, Params, string, string[]?]> = [
    ['Test Parse Error', '{{functiondoesnotexist}}', { data: 'a data string' }, 'template: base:1: function "functiondoesnotexist" not defined'],
    ['Test template error', '{{.data.test}}', { data: 'a data string' }, 'template: base:1:7: executing "base" at <.data.test>: can\'t evaluate field test in type interface {}'],
    ['lookup missing value with missingkey=error', '--> {{.doesnotexist}} <--', { unused: 'this is not used' }, 'template: base:1:6: executing "base" at <.doesnotexist>: map has no entry for key "doesnotexist"', ['missingkey=error']],
    ['fromYaml error', '{{ get (fromYaml .value) "hello" }}', { value: 'non\n compliant\n yaml' }, 'template: base:1:8: executing "base" at <fromYaml .value>: error calling fromYaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['fromYamlArray error', '{{ fromYamlArray .value | last }}', { value: 'non\n compliant\n yaml' }, 'template: base:1:3: executing "base" at <fromYamlArray .value>: error calling fromYamlArray: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}'],
  ];
  it.each(errors)('%s', (_n, value, params, message, options) => {
    expect(() => render('spec.source.path', value, params, true, options)).toThrow(`spec.template.spec.source.path: ${message}`);
  });
});

describe('template keys and templatePatch', () => {
  it.each([[false, 'annotation-{{key}}', 'annotation-{{value}}'], [true, 'annotation-{{ .key }}', 'annotation-{{ .value }}']])('keys are templated as well as values (TestRenderTemplateKeys, goTemplate: %s)', (goTemplate, key, value) => {
    const app = renderApplicationTemplate({ metadata: { annotations: { [key]: value } } }, undefined, { key: 'some-key', value: 'some-value' }, { goTemplate });
    expect(app.metadata).toEqual({ annotations: { 'annotation-some-key': 'annotation-some-value' } });
  });
  it('a templatePatch may not change spec.project (patch.go keeps the template\'s)', () => {
    const template = { metadata: { name: '{{.name}}' }, spec: { project: 'default', source: { path: 'a' } } };
    const app = renderApplicationTemplate(template, 'spec:\n  project: admin\n  source:\n    path: "{{ .name }}"\n', { name: 'x' }, { goTemplate: true });
    expect(app).toEqual({ metadata: { name: 'x' }, spec: { project: 'default', source: { path: 'x' } } });
    expect(renderApplicationTemplate({ spec: { source: { path: 'a' } } }, 'spec:\n  project: admin\n', { name: 'x' }, { goTemplate: true })).toEqual({ spec: { source: { path: 'a' } } });
  });
});

describe('generator templates (Template.md "Generator templates")', () => {
  it('a field the generator template sets wins; the others come from the ApplicationSet template (mergo.Merge)', () => {
    const spec = { metadata: { name: '{{cluster}}-guestbook', labels: { a: '1' } }, spec: { project: 'default', source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: 'default' }, destination: { name: '{{cluster}}', namespace: 'guestbook' }, syncPolicy: { automated: { prune: true } } } };
    const own = { metadata: { labels: { b: '2' } }, spec: { project: '', source: { path: 'override/{{cluster}}' }, destination: {}, syncPolicy: { automated: { prune: false } } } };
    expect(fillTemplate(own, spec)).toEqual({
      metadata: { name: '{{cluster}}-guestbook', labels: { a: '1', b: '2' } },
      // mergo fills empty fields: '' and false take the ApplicationSet's values.
      spec: { project: 'default', source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: 'override/{{cluster}}' }, destination: { name: '{{cluster}}', namespace: 'guestbook' }, syncPolicy: { automated: { prune: true } } },
    });
  });
  it('each top-level generator keeps its own template', async () => {
    const ctx: GeneratorContext = { clusters: [], mode: { goTemplate: false }, checkout: async () => { throw new Error('no git'); } };
    const sets = await generateTemplatedParams([{ list: { elements: [{ a: '1' }], template: { spec: { source: { path: 'x' } } } } }, { list: { elements: [{ a: '2' }] } }], ctx, { spec: { source: { path: 'base' } } });
    expect(sets).toEqual([{ params: [{ a: '1' }], template: { spec: { source: { path: 'x' } } } }, { params: [{ a: '2' }], template: { spec: { source: { path: 'base' } } } }]);
  });
  it("the Template.md example, applied as an ArgoCD ApplicationSet, renders the generator template's path", async () => {
    const argo = parse(`
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: guestbook, namespace: argocd }
spec:
  goTemplate: true
  generators:
  - list:
      elements:
        - cluster: engineering-dev
          url: https://kubernetes.default.svc
      template:
        metadata: {}
        spec:
          project: "default"
          source:
            targetRevision: HEAD
            repoURL: https://github.com/argoproj/argo-cd.git
            path: 'applicationset/examples/template-override/{{ .cluster }}-override'
          destination: {}
  template:
    metadata:
      name: '{{ .cluster }}-guestbook'
    spec:
      project: "default"
      source:
        repoURL: https://github.com/argoproj/argo-cd.git
        targetRevision: HEAD
        path: applicationset/examples/template-override/default
      destination:
        name: '{{ .cluster }}'
        namespace: guestbook
`) as KubeObject;
    const [set] = translateObject(argo) as ApplicationSet[];
    const [app] = await generateApplications(set, [], {} as GitCache);
    expect(app.metadata?.name).toBe('engineering-dev-guestbook');
    expect(app.spec).toEqual({
      project: 'default', source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: 'applicationset/examples/template-override/engineering-dev-override' },
      destination: { name: 'engineering-dev', namespace: 'guestbook' },
    });
  });
});
