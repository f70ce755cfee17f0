import { parseEndpoint, type DnsEndpoint } from '../../traffic/dnsclient.js';

/** Raw flags of `meridian drill outage`. */
export interface DrillFlags {
  hostname?: string;
  dns?: string;
  ingressOnly?: boolean;
  json?: boolean;
  stateDir?: string;
  kubeconfig?: string;
  context?: string;
  timeout?: string;
}

/** Validated options of `meridian drill outage`. */
export interface DrillCommandOptions {
  hostname?: string;
  dns: DnsEndpoint;
  mode: 'cluster' | 'ingress';
  json: boolean;
  stateDir?: string;
  kubeconfig?: string;
  hubContext: string;
  timeoutMs: number;
}

/** Parses and checks the flags; errors name the flag. */
export function parseDrillFlags(flags: DrillFlags): DrillCommandOptions {
  const timeout = Number(flags.timeout ?? 180);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout: expected seconds > 0, got "${flags.timeout}"`);
  let dns: DnsEndpoint;
  try {
    dns = parseEndpoint(flags.dns ?? '127.0.0.1:5353');
  } catch (err) {
    throw new Error(`--dns: ${(err as Error).message}`, { cause: err });
  }
  return {
    hostname: flags.hostname?.toLowerCase().replace(/\.$/, ''), dns, mode: flags.ingressOnly ? 'ingress' : 'cluster', json: flags.json ?? false,
    stateDir: flags.stateDir, kubeconfig: flags.kubeconfig, hubContext: flags.context ?? 'hub', timeoutMs: timeout * 1000,
  };
}
