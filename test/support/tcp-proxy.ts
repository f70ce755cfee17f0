import net from 'node:net';

/** A TCP proxy to a loopback port that a test can cut (a black hole: accepted, never answered) and heal. */
export interface Proxy { port: number; cut(): void; heal(): void; close(): void }

/** Starts a TCP proxy to 127.0.0.1:targetPort on a free port. */
export async function tcpProxy(targetPort: number): Promise<Proxy> {
  let partitioned = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (partitioned) return; // a black hole: accepted, never answered
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      partitioned = true;
      for (const s of sockets) s.destroy();
    },
    heal: () => { partitioned = false; },
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
