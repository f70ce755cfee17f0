// What `meridian serve` demands before it listens beyond this machine: HTTPS with a bearer token
// for a non-loopback HTTP address (the API shows the fleet and the dashboard can sync it), and
// response-rate limiting with minimal ANY for a non-loopback DNS address (an open authoritative
// server is an amplifier). Loopback stays as simple as the local demo needs.

import { readFileSync } from 'node:fs';
import { rrlOptions, type RrlOptions } from '../dns/rrl.js';
import { isLoopbackAddress } from '../util/loopback.js';
import type { HttpSecurity } from './http.js';

/** HTTP exposure flags, as files (a token on the command line would show in `ps`). */
export interface HttpExposureOptions {
  httpTlsCertFile?: string;
  httpTlsKeyFile?: string;
  httpTokenFile?: string;
}

/** Refuses a non-loopback HTTP address without TLS and a token, and half a TLS pair anywhere. */
export function checkHttpExposure(address: string, o: HttpExposureOptions): void {
  if (Boolean(o.httpTlsCertFile) !== Boolean(o.httpTlsKeyFile)) throw new Error('--http-tls-cert and --http-tls-key must be given together');
  if (isLoopbackAddress(address)) return;
  const missing = [!o.httpTlsCertFile && '--http-tls-cert and --http-tls-key', !o.httpTokenFile && '--http-token-file'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`--http-address ${address} is not a loopback address: serving the API beyond this machine requires ${missing.join(' and ')} (or use 127.0.0.1 behind your own proxy)`);
  }
}

/** Reads the TLS pair and the token; errors name the file, never its content. */
export function loadHttpSecurity(o: HttpExposureOptions): HttpSecurity {
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
  };
  const security: HttpSecurity = {};
  if (o.httpTlsCertFile && o.httpTlsKeyFile) security.tls = { cert: read('--http-tls-cert', o.httpTlsCertFile), key: read('--http-tls-key', o.httpTlsKeyFile) };
  if (o.httpTokenFile) {
    const token = read('--http-token-file', o.httpTokenFile).toString('utf8').trim();
    if (!/^[\x21-\x7e]{16,}$/.test(token)) throw new Error(`--http-token-file ${o.httpTokenFile}: the token must be at least 16 printable characters without spaces`);
    security.token = token;
  }
  return security;
}

/** DNS rate-limit flags as commander gives them. */
export interface DnsRrlFlags {
  dnsRrl?: boolean;
  dnsRrlRate?: string;
  dnsRrlWindow?: string;
  dnsRrlSlip?: string;
  dnsRrlIpv4Prefix?: string;
  dnsRrlIpv6Prefix?: string;
}

/**
 * RRL settings for the DNS listeners: undefined leaves the default (on for a non-loopback address),
 * false switches it off (`--no-dns-rrl`), an object tunes it. Values are checked by rrlOptions.
 */
export function parseDnsRrl(flags: DnsRrlFlags): Partial<RrlOptions> | false | undefined {
  if (flags.dnsRrl === false) return false;
  const num = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${flag}: expected a number, got "${v}"`);
    return n;
  };
  const tuned: Partial<RrlOptions> = Object.fromEntries(Object.entries({
    responsesPerSecond: num('--dns-rrl-rate', flags.dnsRrlRate),
    windowSeconds: num('--dns-rrl-window', flags.dnsRrlWindow),
    slip: num('--dns-rrl-slip', flags.dnsRrlSlip),
    ipv4PrefixLength: num('--dns-rrl-ipv4-prefix', flags.dnsRrlIpv4Prefix),
    ipv6PrefixLength: num('--dns-rrl-ipv6-prefix', flags.dnsRrlIpv6Prefix),
  }).filter(([, v]) => v !== undefined));
  if (Object.keys(tuned).length === 0 && flags.dnsRrl !== true) return undefined;
  rrlOptions(tuned); // refuse bad values now, naming the field, rather than when DNS starts
  return tuned;
}
