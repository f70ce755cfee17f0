import { describe, expect, it } from 'vitest';
import { resourceDiff } from '../../src/cli/commands/diff.js';
import { maskObject } from '../../src/gitops/mask.js';
import type { KubeObject } from '../../src/kube/types.js';

// Issue 9 item 8: `meridian diff` must not print Secret values, yet still say which keys change.
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data, ...extra } as KubeObject);
const VALUES = ['hunter2', 's3cret-new', 'bob'];
const leaks = (text: string) => VALUES.flatMap((v) => [v, b64(v)]).filter((v) => text.includes(v));

describe('Secret values in diffs', () => {
  it('masks data values on both sides and shows only the changed key as changed', () => {
    const live = secret({ user: b64('bob'), password: b64('hunter2') });
    const desired = secret({ user: b64('bob'), password: b64('s3cret-new') });
    const text = resourceDiff('us-east/v1/Secret/shop/db', live, desired);
    expect(leaks(text)).toEqual([]);
    const changed = text.split('\n').filter((l) => /^[-+] /.test(l));
    expect(changed.some((l) => l.startsWith('-') && l.includes('password'))).toBe(true);
    expect(changed.some((l) => l.startsWith('+') && l.includes('password'))).toBe(true);
    expect(changed.some((l) => l.includes('user'))).toBe(false);
  });

  it('an unchanged Secret has no diff; a new Secret and stringData are masked too', () => {
    const same = secret({ password: b64('hunter2') });
    expect(resourceDiff('x', same, secret({ password: b64('hunter2') }))).toBe('');
    const created = resourceDiff('x', undefined, secret({}, { stringData: { password: 's3cret-new', user: 'bob' } } as Partial<KubeObject>));
    expect(created).toContain('password');
    expect(leaks(created)).toEqual([]);
    const fromString = resourceDiff('x', secret({ password: b64('hunter2') }), secret({}, { data: undefined, stringData: { password: 'hunter2' } } as Partial<KubeObject>));
    expect(leaks(fromString)).toEqual([]);
  });

  it('leaves other kinds as they are', () => {
    const cm = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: v } } as KubeObject);
    expect(resourceDiff('x', cm('a'), cm('b'))).toMatch(/-\s+k: a[\s\S]*\+\s+k: b/);
  });

  it('maskObject hides every value of a Secret shown alone, last-applied annotation included', () => {
    const s = secret({ password: b64('hunter2') }, { metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"password":"${b64('hunter2')}"}}` } } });
    expect(leaks(JSON.stringify(maskObject(s)))).toEqual([]);
    expect(Object.keys((maskObject(s) as KubeObject & { data: object }).data)).toEqual(['password']);
  });
});
