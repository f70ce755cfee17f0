import { parseCidr, type Network } from '../traffic/cidr.js';

export type { Network };

/** Parses a CIDR; the error names where the text came from (`Cluster us-east spec.podCIDRs[0]`). */
export function parseNetwork(text: string, where: string): Network {
  try {
    return parseCidr(text);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
}

function bits(net: Network): number {
  return net.family === 6 ? 128 : 32;
}

/** The first and last address of a network, as numbers. */
export function range(net: Network): [bigint, bigint] {
  const size = 1n << BigInt(bits(net) - net.prefix);
  return [net.base, net.base + size - 1n];
}

/** True when two networks share at least one address (different families never do). */
export function overlaps(a: Network, b: Network): boolean {
  if (a.family !== b.family) return false;
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

/** True when `inner` lies wholly inside `outer`. */
export function within(inner: Network, outer: Network): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  const [i0, i1] = range(inner);
  const [o0, o1] = range(outer);
  return i0 >= o0 && i1 <= o1;
}

/** Formats a network as canonical text (`10.1.0.0/16`). */
export function formatNetwork(family: 4 | 6, base: bigint, prefix: number): string {
  if (family === 4) return `${[24n, 16n, 8n, 0n].map((s) => Number((base >> s) & 255n)).join('.')}/${prefix}`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((base >> BigInt(112 - i * 16)) & 0xffffn));
  let best = [-1, 0];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best[1]) best = [i, j - i];
  }
  const hex = groups.map((g) => g.toString(16));
  if (best[1] < 2) return `${hex.join(':')}/${prefix}`;
  return `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0] + best[1]).join(':')}/${prefix}`;
}

/**
 * The first block of the given prefix length inside `supernet` that overlaps none of `taken`;
 * undefined when the supernet is full. Walks aligned blocks, skipping past each collision.
 */
export function firstFreeBlock(supernet: Network, prefix: number, taken: Network[]): Network | undefined {
  if (prefix < supernet.prefix || prefix > bits(supernet)) return undefined;
  const size = 1n << BigInt(bits(supernet) - prefix);
  const [, end] = range(supernet);
  let base = supernet.base;
  while (base + size - 1n <= end) {
    const candidate: Network = { family: supernet.family, base, prefix, text: formatNetwork(supernet.family, base, prefix) };
    const hit = taken.find((t) => overlaps(t, candidate));
    if (!hit) return candidate;
    const [, hitEnd] = range(hit);
    const next = hitEnd + 1n;
    base = ((next + size - 1n) / size) * size;
  }
  return undefined;
}
