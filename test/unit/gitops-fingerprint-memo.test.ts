import { describe, expect, it } from 'vitest';
import { fingerprint, FingerprintMemo } from '../../src/gitops/sync/project.js';

// A sync pass computes each desired object's hash once and each (object, live copy) fingerprint once;
// the values are exactly fingerprint()'s, and a new live copy of an object is fingerprinted afresh.

describe('FingerprintMemo', () => {
  it('gives fingerprint() values, reuses them for the same live copy and recomputes for another', () => {
    const desired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { version: '1' } };
    const live1 = { ...desired, metadata: { ...desired.metadata, resourceVersion: '5' } };
    const live2 = { ...desired, data: { version: 'edited' } };
    const memo = new FingerprintMemo();
    expect(memo.desiredHash(desired)).toBe(fingerprint(desired, live1).split(':')[0]);
    expect(memo.of(desired, live1)).toBe(fingerprint(desired, live1));
    expect(memo.of(desired, live1)).toBe(fingerprint(desired, live1));
    expect(memo.of(desired, live2)).toBe(fingerprint(desired, live2));
    expect(memo.of(desired, live2)).not.toBe(memo.of(desired, live1));
  });
});
