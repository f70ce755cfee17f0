// The floor under any DNS server on a given UDP I/O path: every datagram answered with itself, QR
// set, and nothing else (no parsing, no allocation of its own). With `node` it listens the way the
// dgram DNS workers do (N cluster workers sharing one UDP socket from the primary); with `native`
// each worker owns an SO_REUSEPORT socket on the port, read in batches by the addon
// (src/dns/udp-native.ts), as the native DNS workers do. 0 workers: one process. Measured beside
// Meridian and BIND, it shows how much of Meridian's cost per query is the I/O path rather than
// Meridian's own work. Prints one JSON line ({"port":N,...}) once every worker listens and runs
// until SIGTERM.
//   node --import tsx bench/dns/floor-server.ts <port> [workers] [native|node]

import cluster from 'node:cluster';
import dgram from 'node:dgram';
import { listenUdpNative, udpBatchAddon } from '../../src/dns/udp-native.js';

const QR = 0x80;
const io = process.argv[4] === 'node' ? 'node' : 'native';

/** Binds 127.0.0.1:port (shared with the other workers inside a cluster worker) and echoes. */
function echo(port: number, shared: boolean, listening: () => void): void {
  if (io === 'native') {
    const { binding, error } = udpBatchAddon();
    if (!binding) throw new Error(`floor: the UDP I/O addon did not load: ${error}`);
    listenUdpNative(binding, '127.0.0.1', port, shared, (msg, ctx, send) => {
      if (msg.length < 12) return;
      msg[2] = msg[2]! | QR;
      send(msg, ctx);
    }, () => undefined);
    return listening();
  }
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    msg[2] = msg[2]! | QR;
    socket.send(msg, rinfo.port, rinfo.address);
  });
  socket.on('error', () => undefined);
  socket.bind(port, '127.0.0.1', listening);
}

if (cluster.isPrimary) {
  const port = Number(process.argv[2]);
  const workers = Number(process.argv[3] ?? 0);
  const ready = (): void => void process.stdout.write(`${JSON.stringify({ port, pid: process.pid, workers, udpIo: io })}\n`);
  if (workers === 0) {
    echo(port, false, ready);
  } else {
    cluster.setupPrimary({ execArgv: process.execArgv, args: process.argv.slice(2) });
    let listening = 0;
    for (let i = 0; i < workers; i++) cluster.fork({ FLOOR_PORT: String(port) }).on('message', () => { if (++listening === workers) ready(); });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  echo(Number(process.env.FLOOR_PORT), true, () => process.send?.('listening'));
}
