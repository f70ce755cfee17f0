// The UDP transport: one socket, every datagram dispatched as it arrives.

import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import type { Dispatch } from './dispatch.js';

/** A bound UDP listener. */
export interface UdpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Binds a UDP socket on address:port and dispatches every datagram; rejects if the bind fails. */
export function listenUdp(address: string, port: number, dispatch: Dispatch, onError: (err: Error) => void): Promise<UdpListener> {
  const socket = dgram.createSocket({ type: net.isIPv6(address) ? 'udp6' : 'udp4', lookup: literalLookup });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      socket.on('error', onError);
      const local = socket.address();
      socket.on('message', (msg, rinfo) => {
        const ctx = { clientAddress: rinfo.address, clientPort: rinfo.port, localAddress: local.address, localPort: local.port, transport: 'udp' as const };
        // No per-send callback: a failed send surfaces as the socket's 'error' event, and leaving the
        // callback out spares Node an extra tick per reply.
        dispatch(msg, ctx, (bytes) => socket.send(bytes, rinfo.port, rinfo.address));
      });
      resolve({ port: local.port, close: () => new Promise((done) => socket.close(() => done())) });
    });
  });
}

/**
 * Replies go to the address a query came from, always an IP literal: answer dgram's lookup at once
 * instead of through dns.lookup, which defers every send by a tick. Names still go to dns.lookup.
 */
function literalLookup(hostname: string, options: dns.LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = net.isIP(hostname);
  if (family !== 0) return callback(null, hostname, family);
  dns.lookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}
