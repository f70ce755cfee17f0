// Whether a listen address is reachable only from this machine: the line between "the local demo"
// and "exposed to a network", where authentication and rate limits become mandatory.

import net from 'node:net';

/** True for 127.0.0.0/8, ::1, their IPv4-mapped forms and "localhost"; false for 0.0.0.0, :: and the rest. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (a === 'localhost') return true;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)?.[1] ?? a;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  if (net.isIPv6(a)) return /^(0{0,4}:){1,7}0{0,3}1$/.test(a) || a === '::1';
  return false;
}
