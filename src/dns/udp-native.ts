// The UDP transport on the batched I/O addon (native/udp-batch, docs/adr/0019-dns-native-udp-io.md):
// the kernel hands over up to 64 datagrams per recvmmsg, one JavaScript call dispatches them all,
// and the replies leave together with sendmmsg. Same dispatch, same replies as the dgram transport
// (src/dns/udp.ts); only the path between the socket and dispatch differs.

import { createRequire } from 'node:module';
import net from 'node:net';
import type * as UdpBatch from '@meridian/udp-batch';
import type { Dispatch, SendReply } from './dispatch.js';
import type { QueryContext } from './types.js';
import type { UdpListener } from './udp.js';

/** How UDP datagrams reach the handler: the batched addon, or Node's dgram. */
export type UdpIo = 'native' | 'node';

type Binding = typeof UdpBatch;

let loaded: { binding?: Binding; error?: string } | undefined;

/** The addon, or why it could not be loaded (not built, another platform); loaded once. */
export function udpBatchAddon(): { binding?: Binding; error?: string } {
  if (!loaded) {
    try {
      loaded = { binding: createRequire(import.meta.url)('@meridian/udp-batch') as Binding };
    } catch (err) {
      loaded = { error: (err as Error).message.split('\n')[0] };
    }
  }
  return loaded;
}

/** Field offsets in one slot of the meta array (native/udp-batch/src/udp_batch.c, M_*). */
const M_LEN = 0;
const M_PORT = 1;
const M_FAMILY = 2;
const M_TEXTLEN = 3;
const M_ADDR = 4;
const M_REPLY = 8;

/**
 * Binds address:port on the addon and dispatches every datagram. `reusePort` lets several
 * processes (the DNS workers) each own a socket on the same port, the kernel spreading clients over
 * them; without it the bind is exclusive, as dgram's. Throws if the bind fails.
 */
export function listenUdpNative(binding: Binding, address: string, port: number, reusePort: boolean, dispatch: Dispatch, onError: (err: Error) => void): UdpListener {
  const { BATCH, SLOT, SEND_SLOT, META_STRIDE, TEXT_STRIDE } = binding;
  const recv = Buffer.allocUnsafeSlow(BATCH * SLOT);
  const send = Buffer.allocUnsafeSlow(BATCH * SEND_SLOT);
  const meta = new Int32Array(BATCH * META_STRIDE);
  const text = Buffer.allocUnsafeSlow(BATCH * TEXT_STRIDE);
  // The slot being dispatched: a reply for its context while the batch runs goes into its send slot.
  let current = -1;
  let currentCtx: QueryContext | undefined;
  let localAddress = address;
  let localPort = port;
  const reply: SendReply = (bytes, ctx) => {
    if (ctx === currentCtx && bytes.length > 0 && bytes.length <= SEND_SLOT && meta[current * META_STRIDE + M_REPLY] === 0) {
      send.set(bytes, current * SEND_SLOT); // TypedArray set: one memcpy, no intermediate view
      meta[current * META_STRIDE + M_REPLY] = bytes.length;
      return;
    }
    // A late reply (forwarded) or one larger than a send slot goes out on its own.
    const errno = binding.sendTo(handle, bytes, ctx.clientAddress, ctx.clientPort);
    if (errno !== 0) onError(new Error(`send to ${ctx.clientAddress}:${ctx.clientPort} failed (errno ${errno})`));
  };
  // Most datagrams come from the client that sent the last one: its address text is kept.
  let lastFamily = 0;
  let lastA0 = 0;
  let lastA1 = 0;
  let lastA2 = 0;
  let lastA3 = 0;
  let lastText = '';
  const onBatch = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      const length = meta[m + M_LEN]!;
      if (length < 0) continue; // larger than a slot (MSG_TRUNC): dropped by the addon
      const family = meta[m + M_FAMILY]!;
      if (family !== lastFamily || meta[m + M_ADDR] !== lastA0 || meta[m + M_ADDR + 1] !== lastA1 || meta[m + M_ADDR + 2] !== lastA2 || meta[m + M_ADDR + 3] !== lastA3) {
        lastFamily = family;
        lastA0 = meta[m + M_ADDR]!;
        lastA1 = meta[m + M_ADDR + 1]!;
        lastA2 = meta[m + M_ADDR + 2]!;
        lastA3 = meta[m + M_ADDR + 3]!;
        lastText = text.toString('latin1', i * TEXT_STRIDE, i * TEXT_STRIDE + Math.min(meta[m + M_TEXTLEN]!, TEXT_STRIDE));
      }
      // A copy: dispatch may keep the query (a forwarded query, a reply built from it) past this batch.
      const query = Buffer.allocUnsafe(length);
      const from = i * SLOT;
      // A loop for the usual few dozen bytes: Buffer.copy would build a view of the arena per query.
      if (length <= 128) for (let k = 0; k < length; k++) query[k] = recv[from + k]!;
      else recv.copy(query, 0, from, from + length);
      const ctx: QueryContext = { clientAddress: lastText, clientPort: meta[m + M_PORT]!, localAddress, localPort, transport: 'udp' };
      current = i;
      currentCtx = ctx;
      try {
        dispatch(query, ctx, reply);
      } catch (err) {
        onError(err as Error);
      }
    }
    current = -1;
    currentCtx = undefined;
  };
  const family = net.isIPv6(address) ? 6 : 4;
  const handle = binding.open(family, address, port, reusePort, recv, send, meta, text, onBatch);
  [localAddress, localPort] = binding.address(handle);
  return {
    port: localPort,
    io: 'native',
    close: () => {
      binding.close(handle);
      return Promise.resolve();
    },
  };
}
