import type { FleetShapeOptions } from '../../fleet/layout.js';
import { parseKeyValues, parseList, resolveKubeconfig, resolveStateDir } from './common.js';

/** Flags of `meridian fleet up`. */
export interface FleetUpFlags {
  stateDir?: string;
  clusters?: string;
  nodes?: string;
  portBase?: string;
  ingressNet?: string;
  ingressPort?: string;
  mergeKubeconfig?: boolean;
  kubeconfig?: string;
  timeout?: string;
  podCidrs?: string;
  serviceCidrs?: string;
  supervisors?: string;
  tuning?: string;
}

/** Validated options of `meridian fleet up`. */
export interface FleetUpOptions {
  stateDir: string;
  shape: FleetShapeOptions;
  /** True when the user asked for a particular shape (otherwise a recorded fleet is reused). */
  shapeGiven: boolean;
  mergeKubeconfig?: string;
  /** --timeout; undefined: fleet up's default for the fleet it brings up (a recorded one may be larger than the flags say). */
  timeoutMs?: number;
}

function int(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag}: expected an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

/** Validates `fleet up` flags: `--clusters 10` or `--clusters us-east,eu-west`, `--nodes 3`. */
export function parseFleetUp(flags: FleetUpFlags, env: NodeJS.ProcessEnv = process.env): FleetUpOptions {
  const stateDir = resolveStateDir(flags.stateDir, env);
  let members: string[] | number | undefined;
  if (flags.clusters !== undefined) {
    members = /^\d+$/.test(flags.clusters) ? int('--clusters', flags.clusters, 1, 50) : parseList(flags.clusters);
    if (Array.isArray(members)) {
      const bad = members.find((m) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(m) || m === 'hub');
      if (bad) throw new Error(`--clusters: "${bad}" is not a valid member name (DNS label, not "hub")`);
    }
  }
  const shape: FleetShapeOptions = {
    stateDir, members,
    nodes: int('--nodes', flags.nodes, 1, 100),
    portBase: int('--port-base', flags.portBase, 1024, 64000),
    ingressNet: int('--ingress-net', flags.ingressNet, 1, 254),
    ingressPort: int('--ingress-port', flags.ingressPort, 1, 65535),
    cidrs: chosenCidrs(flags),
    supervisors: oneOf('--supervisors', flags.supervisors, ['shared', 'per-cluster'] as const),
    tuning: oneOf('--tuning', flags.tuning, ['small', 'stock'] as const),
  };
  const shapeGiven = [flags.clusters, flags.nodes, flags.portBase, flags.ingressNet, flags.ingressPort, flags.podCidrs, flags.serviceCidrs, flags.supervisors, flags.tuning].some((v) => v !== undefined);
  const timeoutS = int('--timeout', flags.timeout, 10, 3600);
  return {
    stateDir, shape, shapeGiven,
    mergeKubeconfig: flags.mergeKubeconfig === false ? undefined : resolveKubeconfig(flags.kubeconfig, env),
    timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
  };
}

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${flag}: expected one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** `--pod-cidrs us-east=10.244.0.0/16,eu-west=10.244.0.0/16` (overlaps allowed on purpose) and `--service-cidrs`. */
function chosenCidrs(flags: FleetUpFlags): FleetShapeOptions['cidrs'] {
  if (flags.podCidrs === undefined && flags.serviceCidrs === undefined) return undefined;
  const out: NonNullable<FleetShapeOptions['cidrs']> = Object.create(null) as NonNullable<FleetShapeOptions['cidrs']>;
  for (const [name, pod] of Object.entries(parseKeyValues('--pod-cidrs', flags.podCidrs))) out[name] = { ...out[name], pod };
  for (const [name, service] of Object.entries(parseKeyValues('--service-cidrs', flags.serviceCidrs))) out[name] = { ...out[name], service };
  return out;
}
