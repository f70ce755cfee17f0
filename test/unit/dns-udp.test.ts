import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatch } from '../../src/dns/dispatch.js';
import type { QueryContext } from '../../src/dns/types.js';
import { listenUdp, type UdpListener } from '../../src/dns/udp.js';
import { waitFor } from '../../src/util/wait.js';

/** Answers every datagram with its own bytes followed by the asker as the listener saw it. */
const echoAsker: Dispatch = (query, ctx, send) => send(Buffer.concat([query, Buffer.from(` ${ctx.clientAddress}:${ctx.clientPort} ${ctx.transport}`)]), ctx);

describe('UDP listener', () => {
  let listener: UdpListener;
  const clients: dgram.Socket[] = [];
  beforeAll(async () => {
    listener = await listenUdp('127.0.0.1', 0, echoAsker, () => undefined);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await listener.close();
  });

  /** A client bound on `address` that records every datagram it receives. */
  async function client(address: string): Promise<{ socket: dgram.Socket; port: number; got: string[] }> {
    const socket = dgram.createSocket('udp4');
    clients.push(socket);
    const got: string[] = [];
    socket.on('message', (msg) => got.push(msg.toString()));
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return { socket, port: socket.address().port, got };
  }

  it('sends each reply to the address and port its query came from, however the askers interleave', async () => {
    // Two ports on one address and a second address: one reply function serves every datagram.
    const askers = [await client('127.0.0.1'), await client('127.0.0.1'), await client('127.0.0.2')];
    for (let i = 0; i < 30; i++) {
      const a = askers[i % askers.length]!;
      a.socket.send(`q${i}`, listener.port, '127.0.0.1');
    }
    const expected = askers.map((a, n) => Array.from({ length: 10 }, (_, k) => `q${k * 3 + n} ${a.socket.address().address}:${a.port} udp`));
    await waitFor(() => askers.every((a) => a.got.length >= 10), { timeoutMs: 10_000, intervalMs: 10, what: 'every reply', onTimeout: () => JSON.stringify(askers.map((a) => a.got)) });
    expect(askers.map((a) => [...a.got].sort())).toEqual(expected.map((e) => [...e].sort()));
  });

  it('hands the dispatcher the listener address and port as the local end', async () => {
    const seen: QueryContext[] = [];
    const recording = await listenUdp('127.0.0.1', 0, (query, ctx, send) => { seen.push(ctx); send(query, ctx); }, () => undefined);
    try {
      const asker = await client('127.0.0.1');
      asker.socket.send('x', recording.port, '127.0.0.1');
      await waitFor(() => asker.got.length === 1, { timeoutMs: 10_000, intervalMs: 10, what: 'the reply' });
      expect(seen).toEqual([{ clientAddress: '127.0.0.1', clientPort: asker.port, localAddress: '127.0.0.1', localPort: recording.port, transport: 'udp' }]);
    } finally {
      await recording.close();
    }
  });
});
