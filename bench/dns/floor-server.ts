// The floor under any DNS server written on Node's dgram: every datagram answered with itself, QR
// set, and nothing else (no parsing, no allocation of its own). It listens the way Meridian's DNS
// workers do: N cluster workers sharing one UDP socket from the primary (0: one process), started
// with the same loader. Measured beside Meridian and BIND, it shows how much of Meridian's cost per
// query is Node's receive and send path rather than Meridian's own work. Prints one JSON line
// ({"port":N,...}) once every worker listens and runs until SIGTERM.
//   node --import tsx bench/dns/floor-server.ts <port> [workers]

import cluster from 'node:cluster';
import dgram from 'node:dgram';

const QR = 0x80;

/** Binds 127.0.0.1:port (shared with the other workers inside a cluster worker) and echoes. */
function echo(port: number, listening: () => void): void {
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
  const ready = (): void => void process.stdout.write(`${JSON.stringify({ port, pid: process.pid, workers })}\n`);
  if (workers === 0) {
    echo(port, ready);
  } else {
    cluster.setupPrimary({ execArgv: process.execArgv });
    let listening = 0;
    for (let i = 0; i < workers; i++) cluster.fork({ FLOOR_PORT: String(port) }).on('message', () => { if (++listening === workers) ready(); });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  echo(Number(process.env.FLOOR_PORT), () => process.send?.('listening'));
}
