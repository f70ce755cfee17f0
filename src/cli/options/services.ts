/** Raw flags of `meridian services`. */
export interface ServicesFlags {
  kubeconfig?: string;
  context?: string;
  timeout?: string;
  json?: boolean;
}

/** Validated options of `meridian services`. */
export interface ServicesOptions {
  kubeconfig?: string;
  context: string;
  timeoutMs: number;
  json: boolean;
}

/** Validates the flags of `meridian services`; errors name the flag. */
export function parseServicesFlags(flags: ServicesFlags): ServicesOptions {
  const timeout = Number(flags.timeout ?? '10');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout: expected a positive number of seconds, got "${flags.timeout}"`);
  return { kubeconfig: flags.kubeconfig, context: flags.context ?? 'hub', timeoutMs: timeout * 1000, json: flags.json ?? false };
}
