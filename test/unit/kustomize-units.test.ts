// Table tests for the pure pieces of the Kustomize renderer whose exact behaviour kustomize fixes:
// the generator hash suffix, strategic merge, scalar styles and key order of the output, and the
// scalar typing on input. Expected values were produced with kubectl kustomize (v5.5.0).
import { describe, expect, it } from 'vitest';
import { nameHash } from '../../src/gitops/kustomize/hash.js';
import { schemaFor } from '../../src/gitops/kustomize/merge-schema.js';
import { strategicMerge } from '../../src/gitops/kustomize/smp.js';
import { compareKeys, emitDocument } from '../../src/gitops/kustomize/yaml-emit.js';
import { parseYamlDocuments } from '../../src/gitops/kustomize/yaml-parse.js';
import { formatNumber } from '../../src/gitops/kustomize/yaml-resolve.js';
import { splitImage, updateImage } from '../../src/gitops/kustomize/images.js';
import type { Obj } from '../../src/gitops/kustomize/values.js';

describe('generator hash suffix', () => {
  it.each([
    ['ConfigMap a=b', { kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } }, '4h2mbtbbt6'],
    ['the name does not count', { kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: 'b' } }, '4h2mbtbbt6'],
    ['ConfigMap without data', { kind: 'ConfigMap', metadata: { name: 'other' } }, '6ct58987ht'],
  ] as Array<[string, Obj, string]>)('%s', (_label, obj, hash) => {
    expect(nameHash(obj)).toBe(hash);
  });

  it('changes with the data and the Secret type', () => {
    const a = nameHash({ kind: 'Secret', type: 'Opaque', data: { k: 'dg==' } });
    expect(nameHash({ kind: 'Secret', type: 'kubernetes.io/tls', data: { k: 'dg==' } })).not.toBe(a);
    expect(nameHash({ kind: 'Secret', type: 'Opaque', data: { k: 'dw==' } })).not.toBe(a);
    expect(a).toMatch(/^[a-z0-9]{10}$/);
  });
});

const deployment = (containers: Obj[]): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
  spec: { template: { spec: { containers } } },
});

function merged(dest: Obj, patch: Obj): Obj | undefined {
  return strategicMerge(structuredClone(dest), patch, schemaFor(String(dest.apiVersion), String(dest.kind)));
}

function containersOf(o: Obj | undefined): unknown {
  return (((o?.spec as Obj).template as Obj).spec as Obj).containers;
}

describe('strategic merge', () => {
  const base = deployment([{ name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'side', image: 's:1' }]);
  it.each([
    ['merges containers and env by name, patch items first',
      deployment([{ name: 'app', env: [{ name: 'C', value: '3' }, { name: 'B', value: '9' }] }]),
      [{ name: 'app', image: 'a:1', env: [{ name: 'C', value: '3' }, { name: 'B', value: '9' }, { name: 'A', value: '1' }] }, { name: 'side', image: 's:1' }]],
    ['$patch: delete removes a list item',
      deployment([{ name: 'side', $patch: 'delete' }]),
      [{ name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }]],
    ['$patch: replace on a list replaces it',
      deployment([{ $patch: 'replace' }, { name: 'only', image: 'o:1' }]),
      [{ name: 'only', image: 'o:1' }]],
    ['null deletes a field',
      deployment([{ name: 'app', env: null }]),
      [{ name: 'app', image: 'a:1' }, { name: 'side', image: 's:1' }]],
  ] as Array<[string, Obj, unknown]>)('%s', (_label, patch, containers) => {
    expect(containersOf(merged(base, patch))).toEqual(containers);
  });

  it('replaces lists of kinds without a schema (custom resources)', () => {
    const cr: Obj = { apiVersion: 'example.com/v1', kind: 'Thing', spec: { items: [{ name: 'a', v: 1 }, { name: 'b' }] } };
    expect(merged(cr, { spec: { items: [{ name: 'a', v: 2 }] } })?.spec).toEqual({ items: [{ name: 'a', v: 2 }] });
  });

  it('deletes the whole object with a top-level $patch: delete', () => {
    expect(merged(base, { $patch: 'delete' })).toBeUndefined();
  });
});

describe('output scalars (go-yaml v2 style)', () => {
  it.each([
    ['plain', 'hello world', 'v: hello world\n'],
    ['YAML 1.1 booleans are quoted', 'yes', 'v: "yes"\n'],
    ['numbers as strings are quoted', '0644', 'v: "0644"\n'],
    ['sexagesimal is quoted', '1:30', 'v: "1:30"\n'],
    ['indicator characters are single-quoted', '*', "v: '*'\n"],
    ['tabs force double quotes', 'a\tb', 'v: "a\\tb"\n'],
    ['multi-line strings are literal blocks', 'a\nb\n', 'v: |\n  a\n  b\n'],
    ['no final newline strips', 'a\nb', 'v: |-\n  a\n  b\n'],
    ['empty string', '', 'v: ""\n'],
  ])('%s', (_label, value, out) => {
    expect(emitDocument({ v: value })).toBe(out);
  });

  it.each([
    [1, '1'], [1.5, '1.5'], [1e9, '1000000000'], [12345678.5, '1.23456785e+07'], [1e-7, '1e-07'],
  ])('number %s prints as %s', (n, text) => {
    expect(formatNumber(n)).toBe(text);
  });

  it('folds long plain strings after 80 columns', () => {
    const long = 'word '.repeat(30).trim();
    const lines = emitDocument({ key: long }).split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[1].startsWith('  word')).toBe(true);
  });

  it('sorts keys with digit runs compared as numbers', () => {
    expect(['ZONE_10', 'ZONE_2', 'apiVersion', 'aggregationRule', 'data'].sort(compareKeys)).toEqual(['ZONE_2', 'ZONE_10', 'aggregationRule', 'apiVersion', 'data']);
  });
});

describe('input scalars', () => {
  it('types plain scalars as kustomize reads them', () => {
    const [doc] = parseYamlDocuments('a: 0x1F\nb: 0440\nc: yes\nd: 1.0\ne: 2024-11-24\nf: ~\ng: "8080"\nh: <<\n', 'x.yaml') as Obj[];
    expect(doc).toEqual({ a: 31, b: 288, c: 'yes', d: 1, e: '2024-11-24T00:00:00Z', f: null, g: '8080', h: '<<' });
  });

  it('expands anchors and << merges', () => {
    const [doc] = parseYamlDocuments('base: &b {x: 1, y: 2}\nover: {<<: *b, y: 3}\n', 'x.yaml') as Obj[];
    expect(doc.over).toEqual({ x: 1, y: 3 });
  });
});

describe('images', () => {
  it.each([
    ['nginx:1.0', { name: 'nginx', newTag: '2.0' }, 'nginx:2.0'],
    ['registry:5000/app:1', { name: 'registry:5000/app', newName: 'r2/app' }, 'r2/app:1'],
    ['app@sha256:abc', { name: 'app', newTag: 'v1' }, 'app:v1'],
    ['nginx-extra:1', { name: 'nginx', newTag: '2' }, undefined],
  ])('%s with %o', (image, spec, out) => {
    expect(updateImage(image, spec)).toBe(out);
  });

  it('splits registry ports from tags', () => {
    expect(splitImage('host:5000/a/b:1.2@sha256:x')).toEqual({ name: 'host:5000/a/b', tag: '1.2', digest: 'sha256:x' });
  });
});
