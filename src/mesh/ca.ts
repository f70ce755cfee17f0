import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its private key, PEM. The key never leaves Secrets. */
export interface KeyPair {
  cert: string;
  key: string;
}

/** What to issue: subject, validity, CA or leaf, and for leaves the usages and SANs. */
export interface IssueRequest {
  /** Subject as openssl -subj text, e.g. `/O=Istio/CN=Intermediate CA/L=us-east`. */
  subject: string;
  days: number;
  ca: boolean;
  usage?: Array<'server' | 'client'>;
  dnsNames?: string[];
  uris?: string[];
}

const SAFE_SUBJECT = /^(\/[A-Za-z]+=[A-Za-z0-9 .:_-]+)+$/;

/**
 * Issues a certificate with the openssl CLI (EC P-256 keys): self-signed when `issuer` is absent.
 * Works in a private temp directory that is removed afterwards; subjects and SANs are checked
 * against a strict pattern first, so nothing unchecked reaches the command line or a config file.
 */
export async function issueCertificate(req: IssueRequest, issuer?: KeyPair): Promise<KeyPair> {
  if (!SAFE_SUBJECT.test(req.subject)) throw new Error(`certificate subject "${req.subject}" has characters outside [A-Za-z0-9 .:_-]`);
  for (const n of [...(req.dnsNames ?? []), ...(req.uris ?? [])]) if (!/^[A-Za-z0-9.*:/_-]+$/.test(n)) throw new Error(`certificate SAN "${n}" is not allowed`);
  const dir = await mkdtemp(join(tmpdir(), 'meridian-ca-'));
  try {
    const f = (n: string) => join(dir, n);
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('key.pem')]);
    await writeFile(f('ext.cnf'), extensions(req), { mode: 0o600 });
    await run('openssl', ['req', '-new', '-key', f('key.pem'), '-subj', req.subject, '-out', f('req.csr')]);
    const serial = `0x${randomBytes(12).toString('hex')}`;
    if (issuer) {
      await writeFile(f('issuer.crt'), issuer.cert, { mode: 0o600 });
      await writeFile(f('issuer.key'), issuer.key, { mode: 0o600 });
      await run('openssl', ['x509', '-req', '-in', f('req.csr'), '-CA', f('issuer.crt'), '-CAkey', f('issuer.key'), '-set_serial', serial, '-days', String(req.days), '-extfile', f('ext.cnf'), '-out', f('cert.pem')]);
    } else {
      await run('openssl', ['x509', '-req', '-in', f('req.csr'), '-signkey', f('key.pem'), '-set_serial', serial, '-days', String(req.days), '-extfile', f('ext.cnf'), '-out', f('cert.pem')]);
    }
    return { cert: await readFile(f('cert.pem'), 'utf8'), key: await readFile(f('key.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function extensions(req: IssueRequest): string {
  const lines = req.ca
    ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash']
    : ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${(req.usage ?? ['server']).map((u) => (u === 'server' ? 'serverAuth' : 'clientAuth')).join(',')}`];
  const sans = [...(req.dnsNames ?? []).map((d) => `DNS:${d}`), ...(req.uris ?? []).map((u) => `URI:${u}`)];
  if (sans.length) lines.push(`subjectAltName=${sans.join(',')}`);
  return lines.join('\n') + '\n';
}

/** What the doctor reads from a certificate. */
export interface CertSummary {
  subject: string;
  issuer: string;
  notAfter: string;
  daysLeft: number;
  ca: boolean;
  fingerprint: string;
}

/** Reads a PEM certificate (the first one of a bundle). */
export function summarize(pem: string, now = Date.now()): CertSummary {
  const c = new X509Certificate(pem);
  const notAfter = new Date(c.validTo);
  return { subject: c.subject.replace(/\n/g, ', '), issuer: c.issuer.replace(/\n/g, ', '), notAfter: notAfter.toISOString(), daysLeft: Math.floor((notAfter.getTime() - now) / 86_400_000), ca: c.ca, fingerprint: c.fingerprint256 };
}

/** True when `child` was signed by `parent`'s key and names it as issuer. */
export function signedBy(childPem: string, parentPem: string): boolean {
  const child = new X509Certificate(childPem);
  const parent = new X509Certificate(parentPem);
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** Splits a PEM bundle into its certificates. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** `openssl verify -CAfile root [-untrusted intermediate] cert`: resolves with openssl's output, rejects when it refuses. */
export async function opensslVerify(rootPem: string, certPem: string, intermediatePem?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-verify-'));
  try {
    await writeFile(join(dir, 'root.pem'), rootPem);
    await writeFile(join(dir, 'cert.pem'), certPem);
    const args = ['verify', '-CAfile', join(dir, 'root.pem')];
    if (intermediatePem) {
      await writeFile(join(dir, 'int.pem'), intermediatePem);
      args.push('-untrusted', join(dir, 'int.pem'));
    }
    const { stdout } = await run('openssl', [...args, join(dir, 'cert.pem')]);
    return stdout.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
