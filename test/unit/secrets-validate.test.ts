import { describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/controller/terminal.js';
import { withoutValues } from '../../src/secrets/es-report.js';
import type { ExternalSecretSpec } from '../../src/secrets/provider-kubernetes.js';
import { DEFAULT_REFRESH_MS, validateExternalSecret } from '../../src/secrets/validate.js';

const good: ExternalSecretSpec = { refreshInterval: '15s', secretStoreRef: { name: 'regional', kind: 'SecretStore' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'db', property: 'password' } }], dataFrom: [{ extract: { key: 'db-extra' } }] };
const spec = (patch: Record<string, unknown>) => ({ ...good, ...patch }) as ExternalSecretSpec;

describe('ExternalSecret spec checks', () => {
  it('returns the refresh interval of a good spec (ESO\'s 1h default when none)', () => {
    expect(validateExternalSecret('web/db', good)).toBe(15_000);
    expect(validateExternalSecret('web/db', spec({ refreshInterval: undefined }))).toBe(DEFAULT_REFRESH_MS);
    expect(validateExternalSecret('web/db', spec({ refreshInterval: '0' }))).toBe(0);
  });

  it.each([
    [{ refreshInterval: 'soon' }, 'spec.refreshInterval: "soon" is not a duration'],
    [{ refreshInterval: '1d' }, 'spec.refreshInterval: "1d" is not a duration'],
    [{ secretStoreRef: undefined }, 'spec.secretStoreRef.name: required'],
    [{ secretStoreRef: { name: 'x', kind: 'Vault' } }, 'spec.secretStoreRef.kind: "Vault" is not one of SecretStore, ClusterSecretStore'],
    [{ target: { name: '../etc' } }, 'spec.target.name: "../etc" is not a valid Secret name'],
    [{ target: { creationPolicy: 'Always' } }, 'spec.target.creationPolicy: "Always" is not one of Owner, Orphan, Merge, None'],
    [{ target: { deletionPolicy: 'Purge' } }, 'spec.target.deletionPolicy: "Purge" is not one of Retain, Delete, Merge'],
    [{ data: [{ secretKey: 'a/b', remoteRef: { key: 'db' } }] }, 'spec.data[0].secretKey: "a/b" is not a valid Secret key'],
    [{ data: [{ secretKey: 'a', remoteRef: { key: '../../namespaces/kube-system/secrets/x' } }] }, 'spec.data[0].remoteRef.key: "../../namespaces/kube-system/secrets/x" is not a valid Secret name'],
    [{ data: [{ secretKey: 'a', remoteRef: { key: 'db', property: 'p q' } }] }, 'spec.data[0].remoteRef.property: "p q" is not a valid Secret key'],
    [{ dataFrom: [{ find: { name: {} } }] }, 'spec.dataFrom[0]: only extract is supported'],
    [{ dataFrom: [{ extract: { key: 'UPPER' } }] }, 'spec.dataFrom[0].extract.key: "UPPER" is not a valid Secret name'],
  ])('%j is a terminal error naming the object and field', (patch, message) => {
    let thrown: unknown;
    try {
      validateExternalSecret('web/db', spec(patch));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TerminalError);
    expect((thrown as Error).message).toContain(`ExternalSecret web/db: ${message}`);
  });

  it('removes values and their base64 from a message, leaving very short ones', () => {
    const v = 'hunter2-secret';
    const msg = `422: Secret "db" is invalid: data: ${v} / ${Buffer.from(v).toString('base64')} / ok`;
    expect(withoutValues(msg, [v, 'ok'])).toBe('422: Secret "db" is invalid: data: [redacted] / [redacted] / ok');
  });
});
