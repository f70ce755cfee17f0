import { buildCrd, type CrdSpec } from './schema.js';
import { ClusterCrd } from './cluster.js';
import { GlobalServiceCrd } from './globalservice.js';
import { ApplicationCrd } from './application.js';
import { SecretStorePlanCrd } from './secretstoreplan.js';
import { ApplicationSetCrd } from './applicationset.js';
import { PeeringCrd } from './peering.js';

/**
 * Every CRD `meridian install` puts on the hub. Each capability adds its CRDs here, one line each.
 */
export const HUB_CRDS: CrdSpec[] = [
  ClusterCrd,
  GlobalServiceCrd,
  ApplicationSetCrd,
  ApplicationCrd,
  SecretStorePlanCrd,
  PeeringCrd,
];

/** The CustomResourceDefinition objects for the hub. */
export function hubCrdObjects(): Array<Record<string, unknown>> {
  return HUB_CRDS.map(buildCrd);
}
