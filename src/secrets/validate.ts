import { TerminalError } from '../controller/terminal.js';
import { parseGoDuration } from './duration.js';
import type { ExternalSecretSpec } from './provider-kubernetes.js';

/** ESO's default refreshInterval (1h). */
export const DEFAULT_REFRESH_MS = 3_600_000;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Secret data key, as the API server allows it. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const CREATION = ['Owner', 'Orphan', 'Merge', 'None'];
const DELETION = ['Retain', 'Delete', 'Merge'];
const STORE_KINDS = ['SecretStore', 'ClusterSecretStore'];

/** Quotes user input for a message: JSON string, at most 80 characters (spec fields, never Secret values). */
const shown = (v: unknown) => JSON.stringify(String(v).slice(0, 80));

type Bad = (field: string, why: string) => TerminalError;

function checkName(bad: Bad, field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) throw bad(field, `${shown(value)} is not a valid Secret name (lowercase DNS subdomain)`);
}

function checkRefresh(where: string, spec: ExternalSecretSpec): number {
  if (spec.refreshInterval === undefined) return DEFAULT_REFRESH_MS;
  try {
    return parseGoDuration(String(spec.refreshInterval).slice(0, 80), `ExternalSecret ${where}: spec.refreshInterval`);
  } catch (err) {
    throw new TerminalError((err as Error).message, { cause: err });
  }
}

function checkStoreAndTarget(bad: Bad, spec: ExternalSecretSpec): void {
  const ref = spec.secretStoreRef;
  if (!ref?.name || typeof ref.name !== 'string') throw bad('secretStoreRef.name', 'required');
  if (ref.kind !== undefined && !STORE_KINDS.includes(ref.kind)) throw bad('secretStoreRef.kind', `${shown(ref.kind)} is not one of ${STORE_KINDS.join(', ')}`);
  const target = spec.target ?? {};
  if (target.name !== undefined) checkName(bad, 'target.name', target.name);
  if (target.creationPolicy !== undefined && !CREATION.includes(target.creationPolicy)) throw bad('target.creationPolicy', `${shown(target.creationPolicy)} is not one of ${CREATION.join(', ')}`);
  if (target.deletionPolicy !== undefined && !DELETION.includes(target.deletionPolicy)) throw bad('target.deletionPolicy', `${shown(target.deletionPolicy)} is not one of ${DELETION.join(', ')}`);
}

function checkKeys(bad: Bad, spec: ExternalSecretSpec): void {
  const isKey = (v: unknown) => typeof v === 'string' && SECRET_KEY.test(v);
  for (const [i, d] of (spec.data ?? []).entries()) {
    if (!isKey(d?.secretKey)) throw bad(`data[${i}].secretKey`, `${shown(d?.secretKey)} is not a valid Secret key`);
    checkName(bad, `data[${i}].remoteRef.key`, d.remoteRef?.key);
    if (d.remoteRef.property !== undefined && !isKey(d.remoteRef.property)) throw bad(`data[${i}].remoteRef.property`, `${shown(d.remoteRef.property)} is not a valid Secret key`);
  }
  for (const [i, from] of (spec.dataFrom ?? []).entries()) {
    if (!from?.extract) throw bad(`dataFrom[${i}]`, 'only extract is supported by the Kubernetes provider here');
    checkName(bad, `dataFrom[${i}].extract.key`, from.extract.key);
  }
}

/**
 * Checks the fields of an ExternalSecret that Meridian's Kubernetes provider uses and returns its
 * refresh interval in ms. Bad input is a TerminalError naming the object and the field (retrying
 * cannot fix it; a new generation is looked at again). Remote keys become API paths, so they must be
 * Secret names. Messages quote spec fields only; no value ever reaches them.
 */
export function validateExternalSecret(where: string, spec: ExternalSecretSpec | undefined): number {
  const bad: Bad = (field, why) => new TerminalError(`ExternalSecret ${where}: spec.${field}: ${why}`);
  if (!spec || typeof spec !== 'object') throw new TerminalError(`ExternalSecret ${where}: spec: missing`);
  const refreshMs = checkRefresh(where, spec);
  checkStoreAndTarget(bad, spec);
  checkKeys(bad, spec);
  return refreshMs;
}
