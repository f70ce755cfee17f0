import { createServer, type Server } from 'node:net';
import type { FleetCluster } from './layout.js';

/**
 * Holds a cluster's loopback ports (API server, etcd client and peer) from the moment the cluster
 * is queued until the component that owns each port is about to bind it. A fleet's ports may lie
 * in the kernel's ephemeral range (32768-60999 on Linux; the benchmarks use 40000 up): while a
 * cluster waits for its boot wave, an outgoing connection on loopback (the supervisor's keep-alive
 * connection to another cluster's API server, an API server's to its etcd) can be given one of them
 * as its local port, and the component then cannot bind it for as long as that connection lives.
 * Seen at 24 members: member-23's API server failed to bind 127.0.0.1:40230, held by the
 * supervisor's connection to member-19. The kernel never picks a bound port for a connection.
 */
export class PortHold {
  private readonly servers = new Map<number, Server>();

  private constructor(private readonly address: string) {}

  /** Holds each of the cluster's ports that is free now; a taken one is left to fail at its bind, as before. */
  static async forCluster(cluster: FleetCluster): Promise<PortHold> {
    const hold = new PortHold('127.0.0.1');
    await Promise.all([cluster.apiserverPort, cluster.etcdClientPort, cluster.etcdPeerPort].map((p) => hold.hold(p)));
    return hold;
  }

  /** The ports held now. */
  held(): number[] {
    return [...this.servers.keys()].sort((a, b) => a - b);
  }

  private hold(port: number): Promise<void> {
    // Anyone who connects before the component runs is cut off at once, as a refused connection would be.
    const server = createServer((socket) => socket.destroy());
    server.unref();
    return new Promise((resolve) => {
      server.once('error', () => resolve());
      server.listen(port, this.address, () => {
        this.servers.set(port, server);
        resolve();
      });
    });
  }

  /** Lets go of ports (those not held are ignored), for their component to bind them. */
  async release(ports: number[]): Promise<void> {
    await Promise.all(ports.map((port) => {
      const server = this.servers.get(port);
      if (!server) return undefined;
      this.servers.delete(port);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }));
  }

  /** Lets go of every port still held. */
  releaseAll(): Promise<void> {
    return this.release(this.held());
  }
}
