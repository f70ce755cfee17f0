import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterParams } from '../../src/gitops/generators/clusters.js';
import { renderApplicationTemplate, renderGoTemplate, renderString, type TemplateMode } from '../../src/gitops/template/index.js';

const legacy: TemplateMode = { goTemplate: false };
const go: TemplateMode = { goTemplate: true, options: ['missingkey=error'] };
const members = ['ap-south', 'eu-west', 'us-east'].map((region) => ({ name: region, server: `https://127.0.0.1:64${region.length}`, labels: { env: 'production', region }, annotations: {} }));
// Parameters as the clusters generator builds them for each mode (flat for {{name}}, nested for goTemplate).
const clusters = members.map((c) => clusterParams(c, legacy));
const goClusters = members.map((c) => clusterParams(c, go));

/** What the seed renders for one region, as the engine before the rewrite rendered it. */
const seedApp = (region: string) => ({
  metadata: { name: `web-app-${region}`, labels: { region } },
  spec: {
    source: { repoURL: 'file:///tmp/meridian-fleet-repo', targetRevision: 'main', path: `web-app/overlays/${region}` },
    destination: { name: region, namespace: 'web' },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
});

describe('the seed ApplicationSet renders the same Applications as before', () => {
  const seed = parse(readFileSync(new URL('../../examples/fleet-repo/appsets/web-app.yaml', import.meta.url), 'utf8')) as { spec: { template: unknown } };

  it('as written ({{name}} replacement)', () => {
    for (const p of clusters) expect(renderApplicationTemplate(seed.spec.template, undefined, p, legacy)).toEqual(seedApp(p.name as string));
  });

  it('translated to goTemplate as ArgoCD documents it ({{.name}}, {{index .metadata.labels "region"}})', () => {
    const text = JSON.stringify(seed.spec.template).replaceAll('{{name}}', '{{.name}}').replaceAll('{{metadata.labels.region}}', '{{ index .metadata.labels \\"region\\" }}');
    for (const p of goClusters) expect(renderApplicationTemplate(JSON.parse(text), undefined, p, go)).toEqual(seedApp(p.name as string));
  });
});

describe("ArgoCD's documented goTemplate examples (docs/operator-manual/applicationset)", () => {
  it('GoTemplate.md: basic substitution with missingkey=error renders one Application per list element', () => {
    const template = { metadata: { name: '{{.cluster}}-guestbook' }, spec: { project: 'my-project', source: { repoURL: 'https://github.com/infra-team/cluster-deployments.git', targetRevision: 'HEAD', path: 'guestbook/{{.cluster}}' }, destination: { server: '{{.url}}', namespace: 'guestbook' } } };
    const elements = [{ cluster: 'engineering-dev', url: 'https://1.2.3.4' }, { cluster: 'engineering-prod', url: 'https://2.4.6.8' }, { cluster: 'finance-preprod', url: 'https://9.8.7.6' }];
    const apps = elements.map((e) => renderApplicationTemplate(template, undefined, e, go));
    expect(apps.map((a) => (a.metadata as { name: string }).name)).toEqual(['engineering-dev-guestbook', 'engineering-prod-guestbook', 'finance-preprod-guestbook']);
    expect(apps[1]).toEqual({ metadata: { name: 'engineering-prod-guestbook' }, spec: { project: 'my-project', source: { repoURL: 'https://github.com/infra-team/cluster-deployments.git', targetRevision: 'HEAD', path: 'guestbook/engineering-prod' }, destination: { server: 'https://2.4.6.8', namespace: 'guestbook' } } });
  });

  it('GoTemplate.md: fallbacks for unset parameters with dig', () => {
    const name = (e: Record<string, unknown>) => renderString('{{.cluster}}{{dig "nameSuffix" "" .}}', e, go);
    expect(name({ cluster: 'engineering-dev', url: 'https://kubernetes.default.svc' })).toBe('engineering-dev');
    expect(name({ cluster: 'engineering-prod', url: 'https://kubernetes.default.svc', nameSuffix: '-my-name-suffix' })).toBe('engineering-prod-my-name-suffix');
  });

  it('GoTemplate.md: slugify with its optional size and smart-truncate arguments', () => {
    const p = { name: 'app', branch: 'feature/JIRA-123_Add a Really Long Branch Name' };
    expect(renderString('hellos3-{{.name}}-{{ cat .branch | slugify 23 }}', p, go)).toBe('hellos3-app-feature-jira-123-add-a');
    expect(renderString('{{ cat .branch | slugify }}', p, go)).toBe('feature-jira-123-add-a-really-long-branch-name');
    expect(renderString('{{ cat .branch | slugify 50 false }}', p, go)).toBe('feature-jira-123-add-a-really-long-branch-name');
  });

  it('Template.md: templatePatch sets non-string fields from parameters', () => {
    const patch = 'spec:\n  source:\n    helm:\n      valueFiles:\n      {{- range $f := .valueFiles }}\n        - {{ $f }}\n      {{- end }}\n{{- if .autoSync }}\n  syncPolicy:\n    automated:\n      prune: {{ .prune }}\n{{- end }}\n';
    const app = renderApplicationTemplate({ metadata: { name: '{{.cluster}}-guestbook' }, spec: { project: 'default' } }, patch, { cluster: 'dev', autoSync: true, prune: true, valueFiles: ['values.yaml', 'values-dev.yaml'] }, go);
    expect(app).toEqual({ metadata: { name: 'dev-guestbook' }, spec: { project: 'default', source: { helm: { valueFiles: ['values.yaml', 'values-dev.yaml'] } }, syncPolicy: { automated: { prune: true } } } });
  });
});

describe('prototype keys in parameters, templates and templatePatch (issue 9)', () => {
  const params = JSON.parse('{"m":{"__proto__":"x","a":"b"},"k":"__proto__"}') as Record<string, unknown>;

  it('a parameter named __proto__ is an ordinary map key, as in Go', () => {
    expect(renderGoTemplate('{{ index .m "__proto__" }}|{{ .m.__proto__ }}', params)).toBe('x|x');
    expect(renderGoTemplate('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', params)).toBe('__proto__=x;a=b;');
  });

  it('Object.prototype members are not map entries (Go: a missing key)', () => {
    expect(renderGoTemplate('{{ index .m "constructor" }}|{{ index .m "toString" }}', params)).toBe('<no value>|<no value>');
    expect(() => renderGoTemplate('{{ .m.constructor }}', params, ['missingkey=error'])).toThrow('template: base:1:5: executing "base" at <.m.constructor>: map has no entry for key "constructor"');
  });

  it('Sprig dict functions treat __proto__ as data and never touch Object.prototype', () => {
    expect(renderGoTemplate('{{ $d := dict "__proto__" (dict "polluted" 1) }}{{ $_ := set $d "constructor" "c" }}{{ toJson $d }}|{{ toJson (merge (dict) $d) }}', params)).toBe('{"__proto__":{"polluted":1},"constructor":"c"}|{"__proto__":{"polluted":1},"constructor":"c"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['__proto__:\n  polluted: yes\n', 'spec.templatePatch: key "__proto__" is not allowed'],
    ['metadata:\n  __proto__:\n    polluted: yes\n', 'spec.templatePatch.metadata: key "__proto__" is not allowed'],
    ['metadata:\n  labels:\n    __proto__:\n      polluted: yes\n', 'spec.templatePatch.metadata.labels: key "__proto__" is not allowed'],
    ['constructor:\n  prototype:\n    polluted: yes\n', 'spec.templatePatch: key "constructor" is not allowed'],
  ])('a templatePatch with prototype keys fails clearly: %j', (patch, message) => {
    expect(() => renderApplicationTemplate({ metadata: { name: 'a', labels: { x: '1' } }, spec: {} }, patch, {}, go)).toThrow(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a template key that renders to __proto__ fails clearly instead of replacing the object prototype', () => {
    expect(() => renderApplicationTemplate({ metadata: { name: 'a', '{{ .k }}': { polluted: 'yes' } } }, undefined, params, go)).toThrow('spec.template.metadata: key "__proto__" is not allowed');
  });
});

describe('regular expressions from Git cannot stall the process', () => {
  it('a catastrophically backtracking pattern fails clearly instead of hanging (Go RE2 is linear, JavaScript backtracks)', () => {
    expect(() => renderGoTemplate(`{{ regexMatch "(a+)+$" "${'a'.repeat(40)}!" }}`, {})).toThrow(/error calling regexMatch: regexp evaluation took longer than 250ms/);
    expect(renderGoTemplate('{{ regexMatch "^[a-z]+(-[a-z0-9]+)*$" "us-east-1" }}', {})).toBe('true');
  });
});
