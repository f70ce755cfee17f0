// The UDP transport: one socket, every datagram dispatched as it arrives.

import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import type { Dispatch } from './dispatch.js';
import type { QueryContext } from './types.js';
import type { UdpIo } from './udp-native.js';

/** A bound UDP listener. */
export interface UdpListener {
  readonly port: number;
  /** Which I/O path reads its datagrams. */
  readonly io: UdpIo;
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
      const { address: localAddress, port: localPort } = socket.address();
      // No per-send callback: a failed send surfaces as the socket's 'error' event, and leaving the
      // callback out spares Node an extra tick per reply. One function for every reply (no closure
      // per datagram): the query's context says where it goes.
      const reply = (bytes: Buffer, ctx: QueryContext): void => socket.send(bytes, ctx.clientPort, ctx.clientAddress);
      socket.on('message', (msg, rinfo) => {
        dispatch(msg, { clientAddress: rinfo.address, clientPort: rinfo.port, localAddress, localPort, transport: 'udp' }, reply);
      });
      resolve({ port: localPort, io: 'node', close: () => new Promise((done) => socket.close(() => done())) });
    });
  });
}

/** The IP literal literalLookup saw last, and its family. */
let lastLiteral = '';
let lastFamily = 0;

/**
 * Replies go to the address a query came from, always an IP literal: answer dgram's lookup at once
 * instead of through dns.lookup, which defers every send by a tick. Names still go to dns.lookup.
 */
function literalLookup(hostname: string, options: dns.LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  // Most replies go to the client that asked last (a resolver, a load generator): skip the parse.
  if (hostname === lastLiteral) return callback(null, hostname, lastFamily);
  const family = net.isIP(hostname);
  if (family !== 0) {
    lastLiteral = hostname;
    lastFamily = family;
    return callback(null, hostname, family);
  }
  dns.lookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}
