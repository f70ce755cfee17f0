import type { KubeObject } from '../kube/types.js';

/** A core v1 Secret as Meridian reads it. */
export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** Base64-encodes every value (for `data`). */
export function encodeData(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

/** One decoded value of a Secret, or undefined. */
export function secretValue(secret: SecretObject | undefined, key: string): string | undefined {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}
