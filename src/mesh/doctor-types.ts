/** How bad a finding is. */
export type Severity = 'ok' | 'warning' | 'error';

/** One result of `meridian doctor`: a check about one cluster (or `fleet`). */
export interface Finding {
  cluster: string;
  /** The Cluster condition type the finding feeds. */
  condition: DoctorCondition;
  check: string;
  severity: Severity;
  message: string;
}

/** The condition types the doctor owns on Cluster status; nobody else writes them. */
export const DOCTOR_CONDITIONS = ['CertificatesValid', 'MeshTrustConsistent', 'RemoteSecretsValid', 'NetworkUnique', 'VersionSkewSupported'] as const;
/** One of the doctor's condition types. */
export type DoctorCondition = (typeof DOCTOR_CONDITIONS)[number];

/** Days before expiry that turn a certificate finding into a warning. */
export const EXPIRY_WARNING_DAYS = 30;

/** Severity of a certificate's remaining lifetime. */
export function expirySeverity(daysLeft: number): Severity {
  if (daysLeft < 0) return 'error';
  return daysLeft < EXPIRY_WARNING_DAYS ? 'warning' : 'ok';
}
