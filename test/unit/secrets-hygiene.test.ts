import { describe, expect, it } from 'vitest';
import { ALLOW_SECRETS_ANNOTATION, checkSecretsInGit } from '../../src/secrets/git-hygiene.js';

const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'web' }, data: { password: Buffer.from('hunter2-planted').toString('base64') } };
const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };

describe('secrets in Git', () => {
  it('refuses a Secret with data, naming it and its keys but never the value', () => {
    let message = '';
    try {
      checkSecretsInGit({ metadata: { name: 'web-us' } }, [config, secret]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/SecretInGit: .*Secret web\/db \(keys password\)/);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain(secret.data.password);
  });
  it('lets through empty Secrets, other kinds, and Applications that allow it explicitly', () => {
    expect(checkSecretsInGit({}, [config, { ...secret, data: {} }])).toHaveLength(2);
    expect(checkSecretsInGit({ metadata: { annotations: { [ALLOW_SECRETS_ANNOTATION]: 'true' } } }, [secret])).toHaveLength(1);
    expect(() => checkSecretsInGit({ metadata: { annotations: { [ALLOW_SECRETS_ANNOTATION]: 'yes' } } }, [{ ...secret, data: undefined, stringData: { k: 'v' } }])).toThrow(/SecretInGit/);
  });
});
