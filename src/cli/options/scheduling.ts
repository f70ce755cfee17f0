/** Raw flags of `meridian peer` / `meridian unpeer`. */
export interface PeerFlags {
  kubeconfig?: string;
  context?: string;
  from?: string;
  to?: string;
  share?: string;
  wait?: string;
}

/** Validated options of `meridian peer` / `meridian unpeer`. */
export interface PeerOptions {
  kubeconfig?: string;
  context: string;
  from: string;
  to: string;
  sharePercent?: number;
  /** How long to wait for the virtual node to turn Ready (peer) or the Peering to go (unpeer); 0: do not wait. */
  waitMs: number;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function clusterName(flag: string, value: string | undefined): string {
  if (!value) throw new Error(`${flag}: a member cluster name is required`);
  if (!NAME.test(value)) throw new Error(`${flag}: "${value}" is not a cluster name (lower-case DNS label)`);
  return value;
}

/** Validates the flags of `meridian peer` / `unpeer`; errors name the flag. */
export function parsePeerFlags(flags: PeerFlags): PeerOptions {
  const from = clusterName('--from', flags.from);
  const to = clusterName('--to', flags.to);
  if (from === to) throw new Error(`--from and --to: a cluster cannot peer with itself ("${from}")`);
  let sharePercent: number | undefined;
  if (flags.share !== undefined) {
    sharePercent = Number(flags.share.replace(/%$/, ''));
    if (!Number.isInteger(sharePercent) || sharePercent < 1 || sharePercent > 100) throw new Error(`--share: expected a whole percentage from 1 to 100, got "${flags.share}"`);
  }
  const wait = Number(flags.wait ?? '60');
  if (!Number.isFinite(wait) || wait < 0) throw new Error(`--wait: expected seconds, got "${flags.wait}"`);
  return { kubeconfig: flags.kubeconfig, context: flags.context ?? 'hub', from, to, sharePercent, waitMs: wait * 1000 };
}

/** Raw flags of `meridian nodes`. */
export interface NodesFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  json?: boolean;
  timeout?: string;
}

/** Validated options of `meridian nodes`. */
export interface NodesOptions {
  kubeconfig?: string;
  context: string;
  cluster?: string;
  json: boolean;
  timeoutMs: number;
}

/** Validates the flags of `meridian nodes`. */
export function parseNodesFlags(flags: NodesFlags): NodesOptions {
  const timeout = Number(flags.timeout ?? '10');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout: expected a positive number of seconds, got "${flags.timeout}"`);
  return { kubeconfig: flags.kubeconfig, context: flags.context ?? 'hub', cluster: flags.cluster === undefined ? undefined : clusterName('--cluster', flags.cluster), json: flags.json ?? false, timeoutMs: timeout * 1000 };
}
