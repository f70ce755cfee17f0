import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate request: subject and, for servers, the subject alternative names. */
export interface CertRequest {
  /** File stem inside the PKI directory: `<name>.crt` and `<name>.key`. */
  name: string;
  commonName: string;
  organization?: string;
  /** `server`, `client` or both. */
  usage: Array<'server' | 'client'>;
  ips?: string[];
  dnsNames?: string[];
}

const DAYS = '3650';

/**
 * Issues a cluster's certificates with the openssl CLI: a CA, then EC P-256 keys signed by it.
 * EC keys are generated in milliseconds, so a fresh fleet's PKI costs well under a second.
 * Files that already exist are kept, which makes a warm start reuse the same identities.
 */
export class ClusterPki {
  constructor(readonly dir: string, readonly clusterName: string) {}

  /** Path of `<name>.crt`. */
  cert(name: string): string {
    return join(this.dir, `${name}.crt`);
  }

  /** Path of `<name>.key`. */
  key(name: string): string {
    return join(this.dir, `${name}.key`);
  }

  /** Creates the CA (once). */
  async ensureCa(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (existsSync(this.cert('ca')) && existsSync(this.key('ca'))) return;
    await genKey(this.key('ca'));
    await run('openssl', ['req', '-x509', '-new', '-key', this.key('ca'), '-days', DAYS, '-subj', `/CN=meridian-${this.clusterName}-ca`, '-out', this.cert('ca')]);
  }

  /** Issues a certificate signed by the cluster CA (once). */
  async ensureCert(req: CertRequest): Promise<void> {
    if (existsSync(this.cert(req.name)) && existsSync(this.key(req.name))) return;
    await genKey(this.key(req.name));
    const csr = join(this.dir, `${req.name}.csr`);
    const ext = join(this.dir, `${req.name}.ext`);
    const subj = `/CN=${req.commonName}${req.organization ? `/O=${req.organization}` : ''}`;
    await run('openssl', ['req', '-new', '-key', this.key(req.name), '-subj', subj, '-out', csr]);
    await writeFile(ext, extensions(req));
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', this.cert('ca'), '-CAkey', this.key('ca'), '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', DAYS, '-extfile', ext, '-out', this.cert(req.name)]);
    await rm(csr);
    await rm(ext);
  }

  /** Creates the service-account signing key pair (once). */
  async ensureServiceAccountKey(): Promise<void> {
    if (existsSync(this.key('sa')) && existsSync(join(this.dir, 'sa.pub'))) return;
    await genKey(this.key('sa'));
    await run('openssl', ['pkey', '-in', this.key('sa'), '-pubout', '-out', join(this.dir, 'sa.pub')]);
  }
}

async function genKey(path: string): Promise<void> {
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

function extensions(req: CertRequest): string {
  const usages = req.usage.map((u) => (u === 'server' ? 'serverAuth' : 'clientAuth')).join(',');
  const sans = [...(req.ips ?? []).map((ip) => `IP:${ip}`), ...(req.dnsNames ?? []).map((d) => `DNS:${d}`)];
  const lines = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${usages}`];
  if (sans.length) lines.push(`subjectAltName=${sans.join(',')}`);
  return lines.join('\n') + '\n';
}
