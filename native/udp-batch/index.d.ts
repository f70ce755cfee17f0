/** An open socket, owned by the addon; pass it back to the functions below. */
export type UdpBatchHandle = { readonly __udpBatch: unique symbol };

/** Datagrams per batch. */
export const BATCH: number;
/** Bytes per receive slot; a larger datagram is dropped (counted as truncated). */
export const SLOT: number;
/** Bytes per send slot; a larger reply must go through sendTo. */
export const SEND_SLOT: number;
/** int32 fields per slot in the meta array: len, port, family, textLen, addr x4, replyLen, reserved. */
export const META_STRIDE: number;
/** Bytes per slot in the text arena (the sender's address as text). */
export const TEXT_STRIDE: number;

/**
 * Binds a non-blocking UDP socket (SO_REUSEPORT if asked) and reads it on this thread's event loop: each
 * batch of `count` datagrams lands in `recv` (slot i at i * SLOT), described by `meta`; the
 * handler writes replies into `send` (slot i) and their lengths at meta[i * META_STRIDE + 8].
 */
export function open(family: 4 | 6, address: string, port: number, reusePort: boolean, recv: Buffer, send: Buffer, meta: Int32Array, text: Buffer, onBatch: (count: number) => void): UdpBatchHandle;
/** Stops reading and closes the socket; idempotent. */
export function close(handle: UdpBatchHandle): void;
/** The bound address and port. */
export function address(handle: UdpBatchHandle): [string, number];
/** Sends one datagram now; 0 or an errno. */
export function sendTo(handle: UdpBatchHandle, bytes: Buffer, address: string, port: number): number;
/** [datagrams, batches, truncated, sendErrors, sendDropped, replyErrors] since open. */
export function stats(handle: UdpBatchHandle): number[];
