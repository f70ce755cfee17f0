// The TCP transport (RFC 7766): 2-byte length framing, several queries per connection (replies
// may come out of order when forwarded), an idle timeout, a cap on connections, and backpressure:
// a client that does not read its replies stops being read.

import net from 'node:net';
import type { Dispatch } from './dispatch.js';
import type { QueryContext } from './types.js';

/** TCP limits. */
export interface TcpOptions {
  /** Close a connection after this long without a query; default 10 s. */
  idleTimeoutMs: number;
  /** Connections open at once; further ones are closed at once. Default 1000. */
  maxConnections: number;
  /** In a cluster worker, share the primary's listening socket (false) rather than bind one's own. */
  exclusive?: boolean;
}

/** A listening TCP server. */
export interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on address:port; `onRefused` is told about connections over the cap. */
export function listenTcp(address: string, port: number, dispatch: Dispatch, options: TcpOptions, onRefused: () => void): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    if (sockets.size >= options.maxConnections) {
      onRefused();
      conn.destroy();
      return;
    }
    sockets.add(conn);
    conn.on('close', () => sockets.delete(conn));
    serveConnection(conn, dispatch, options);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: address, exclusive: options.exclusive ?? true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      const bound = server.address() as net.AddressInfo;
      const close = (): Promise<void> => new Promise((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      });
      resolve({ port: bound.port, close });
    });
  });
}

function serveConnection(conn: net.Socket, dispatch: Dispatch, options: TcpOptions): void {
  conn.setNoDelay(true);
  conn.setTimeout(options.idleTimeoutMs, () => conn.destroy());
  conn.on('error', () => undefined); // resets are the client's business
  const ctx: QueryContext = { clientAddress: conn.remoteAddress ?? '', clientPort: conn.remotePort ?? 0, localAddress: conn.localAddress ?? '', localPort: conn.localPort ?? 0, transport: 'tcp' };
  let pending: Buffer = Buffer.alloc(0);
  const send = (bytes: Buffer): void => {
    if (conn.destroyed) return;
    const framed = Buffer.allocUnsafe(bytes.length + 2);
    framed.writeUInt16BE(bytes.length, 0);
    bytes.copy(framed, 2);
    if (!conn.write(framed) && !conn.isPaused()) {
      conn.pause();
      conn.once('drain', () => conn.resume());
    }
  };
  conn.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 2) {
      const length = pending.readUInt16BE(offset);
      if (pending.length - offset - 2 < length) break;
      dispatch(pending.subarray(offset + 2, offset + 2 + length), ctx, send);
      offset += 2 + length;
    }
    pending = offset === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(offset));
  });
}
