import type { JoinRequest } from '../../clusters/join.js';
import { loadFleet } from '../../fleet/state.js';
import type { FleetCluster } from '../../fleet/layout.js';
import { parseKeyValues, parseList, resolveStateDir } from './common.js';

/** Flags of `meridian cluster join`. */
export interface JoinFlags {
  context: string;
  name?: string;
  region?: string;
  zone?: string;
  labels?: string;
  podCidr?: string;
  serviceCidr?: string;
  ingressAddress?: string;
  ingressPort?: string;
  privileges?: string;
  hubContext?: string;
  stateDir?: string;
  kubeconfig?: string;
}

/** Validated join request plus the contexts to use. */
export interface JoinOptions extends JoinRequest {
  context: string;
  hubContext: string;
}

const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$|^[0-9a-f:]+\/\d{1,3}$/i;

/**
 * Validates `cluster join` flags. For a cluster of the local fleet, CIDRs, region and ingress
 * address come from the fleet unless given.
 */
export function parseJoin(flags: JoinFlags, env: NodeJS.ProcessEnv = process.env): JoinOptions {
  const name = flags.name ?? flags.context;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`--name: "${name}" is not a valid cluster name (a DNS label)`);
  const privileges = flags.privileges ?? 'least';
  if (privileges !== 'least' && privileges !== 'cluster-admin') throw new Error(`--privileges: expected least or cluster-admin, got "${privileges}"`);
  const fleetCluster = loadFleet(resolveStateDir(flags.stateDir, env))?.clusters.find((c) => c.name === flags.context);
  return {
    context: flags.context, hubContext: flags.hubContext ?? 'hub', name,
    region: flags.region ?? fleetCluster?.region ?? name, zone: flags.zone,
    labels: parseKeyValues('--labels', flags.labels), privileges,
    ...networkOf(flags, fleetCluster),
  };
}

function networkOf(flags: JoinFlags, fleetCluster: FleetCluster | undefined): Pick<JoinRequest, 'podCIDRs' | 'serviceCIDRs' | 'ingressAddresses' | 'ingressPort'> {
  const fromFleet = <T>(value: T) => (fleetCluster ? value : undefined);
  const podCIDRs = flags.podCidr ? parseList(flags.podCidr) : fromFleet([fleetCluster?.podCidr ?? '']);
  const serviceCIDRs = flags.serviceCidr ? parseList(flags.serviceCidr) : fromFleet([fleetCluster?.serviceCidr ?? '']);
  for (const c of [...(podCIDRs ?? []), ...(serviceCIDRs ?? [])]) if (!CIDR.test(c)) throw new Error(`--pod-cidr/--service-cidr: "${c}" is not a CIDR`);
  const ingressPort = flags.ingressPort ? Number(flags.ingressPort) : fleetCluster?.ingressPort;
  if (ingressPort !== undefined && (!Number.isInteger(ingressPort) || ingressPort < 1 || ingressPort > 65535)) throw new Error(`--ingress-port: "${flags.ingressPort}" is not a port`);
  const ingressAddresses = flags.ingressAddress ? parseList(flags.ingressAddress) : fromFleet([fleetCluster?.ingressAddress ?? '']);
  return { podCIDRs, serviceCIDRs, ingressAddresses, ingressPort };
}
