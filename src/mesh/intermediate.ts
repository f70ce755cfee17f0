import { issueCertificate, signedBy, summarize, type KeyPair } from './ca.js';

/** Days before expiry at which a run issues a fresh intermediate even without --rotate. */
export const RENEW_BEFORE_DAYS = 30;

/**
 * The intermediate CA a cluster should hold: its current one when it chains to `root` and is not
 * close to expiry (so re-running is a no-op), else a new one signed by `root`. `rotate` always
 * issues a new one; the root stays, so workloads keep trusting each other during the roll.
 */
export async function intermediateFor(cluster: string, root: KeyPair, current: KeyPair | undefined, options: { rotate?: boolean; days?: number; organization: string }): Promise<{ pair: KeyPair; issued: boolean }> {
  if (current && !options.rotate) {
    try {
      if (signedBy(current.cert, root.cert) && summarize(current.cert).daysLeft > RENEW_BEFORE_DAYS) return { pair: current, issued: false };
    } catch {
      // An unreadable certificate is replaced below.
    }
  }
  const pair = await issueCertificate({ subject: `/O=${options.organization}/CN=Intermediate CA/L=${cluster}`, days: options.days ?? 365, ca: true }, root);
  return { pair, issued: true };
}
