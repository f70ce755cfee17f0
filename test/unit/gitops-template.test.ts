import { describe, expect, it } from 'vitest';
import { renderApplicationTemplate, renderGoTemplate, renderString } from '../../src/gitops/template/index.js';

const executeTemplate = (tpl: string, data: unknown, missingKey?: string) => renderGoTemplate(tpl, data, missingKey ? [`missingkey=${missingKey}`] : undefined);

const params = {
  name: 'us-east', server: 'https://127.0.0.1:6443',
  metadata: { labels: { region: 'us-east', env: 'production', 'topology.kubernetes.io/region': 'us-east' }, annotations: {} },
  values: { replicas: 3, tier: '' }, list: ['a', 'b'],
};

describe('go templates', () => {
  const cases: Array<[string, string, string]> = [
    ['field', '{{.name}}', 'us-east'],
    ['nested field', '{{ .metadata.labels.region }}', 'us-east'],
    ['index with a dotted key', '{{index .metadata.labels "topology.kubernetes.io/region"}}', 'us-east'],
    ['pipe to upper', '{{ .name | upper }}', 'US-EAST'],
    ['default on empty', '{{ .values.tier | default "web" }}', 'web'],
    ['default keeps a value', '{{ default "x" .name }}', 'us-east'],
    ['replace', '{{ replace "-" "_" .name }}', 'us_east'],
    ['lower of a literal', '{{ lower "ABC" }}', 'abc'],
    ['parenthesised', '{{ upper (replace "-" "." .name) }}', 'US.EAST'],
    ['if/else', '{{ if eq .name "us-east" }}primary{{ else }}secondary{{ end }}', 'primary'],
    ['else if', '{{ if eq .name "x" }}1{{ else if eq .name "us-east" }}2{{ else }}3{{ end }}', '2'],
    ['range', '{{ range .list }}[{{ . }}]{{ end }}', '[a][b]'],
    ['trim markers', 'a  {{- .name -}}  b', 'aus-eastb'],
    ['toYaml', '{{ toYaml .values }}', 'replicas: 3\ntier: ""'],
    ['printf', '{{ printf "%s-%d" .name 7 }}', 'us-east-7'],
    ['root variable in range', '{{ range .list }}{{ $.name }}{{ end }}', 'us-eastus-east'],
    ['comment dropped', 'x{{/* note */}}y', 'xy'],
    ['missing key prints <no value> by default', '{{ .nope }}', '<no value>'],
  ];
  it.each(cases)('%s', (_name, tpl, want) => {
    expect(executeTemplate(tpl, params)).toBe(want);
  });

  it('missingkey=error fails naming the key', () => {
    expect(() => executeTemplate('{{ .metadata.labels.zone }}', params, 'error')).toThrow(/no entry for key "zone"/);
  });

  const errors: Array<[string, string, RegExp]> = [
    ['unknown function', '{{ exec "rm" }}', /function "exec" not defined/],
    ['prototype members are not functions', '{{ constructor }}', /function "constructor" not defined/],
    ['prototype members are not fields', '{{ .name.constructor }}', /can't evaluate field constructor/],
    ['unclosed block', '{{ if .name }}x', /template: base:1: unexpected EOF/],
    ['stray end', '{{ end }}', /unexpected/],
    ['unterminated string', '{{ "abc }}', /template: base:1: unterminated quoted string/],
  ];
  it.each(errors)('rejects %s', (_name, tpl, err) => {
    expect(() => executeTemplate(tpl, params, 'error')).toThrow(err);
  });
});

describe('application templates', () => {
  it('replaces {{key}} from flat params and leaves unknown keys as written', () => {
    // goTemplate: false parameters are flat, as ArgoCD's generators make them.
    const flat = { name: 'us-east', 'metadata.labels.region': 'us-east', 'metadata.labels.topology.kubernetes.io/region': 'us-east' };
    expect(renderString('web-{{name}}-{{ metadata.labels.region }}-{{nope}}', flat, { goTemplate: false })).toBe('web-us-east-us-east-{{nope}}');
    expect(renderString('{{metadata.labels.topology.kubernetes.io/region}}', flat, { goTemplate: false })).toBe('us-east');
  });

  it('templates non-string fields through templatePatch', () => {
    const app = renderApplicationTemplate(
      { metadata: { name: '{{.name}}-web' }, spec: { destination: { name: '{{.name}}' } } },
      'spec:\n  replicas: {{ .values.replicas }}\n  syncPolicy:\n    automated:\n      prune: {{ eq .name "us-east" }}\n',
      params, { goTemplate: true, options: ['missingkey=error'] },
    );
    expect(app).toEqual({ metadata: { name: 'us-east-web' }, spec: { destination: { name: 'us-east' }, replicas: 3, syncPolicy: { automated: { prune: true } } } });
  });

  it('names the template field that failed', () => {
    expect(() => renderApplicationTemplate({ spec: { source: { path: '{{ .missing }}' } } }, undefined, params, { goTemplate: true, options: ['missingkey=error'] }))
      .toThrow(/spec\.template\.spec\.source\.path: template: base:1:3: executing "base" at <\.missing>: map has no entry for key "missing"/);
  });
});
