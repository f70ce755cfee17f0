// Name compression (RFC 1035 section 4.1.4), the one encoding feature dns-packet lacks. dns-packet
// writes records with every name in full; this pass rewrites them with pointers to earlier
// occurrences, in owner names and in the RDATA names RFC 3597 allows (NS, CNAME, PTR, SOA).
// SRV targets stay uncompressed (RFC 2782). Forty A records of one name shrink from 1440 to 660
// bytes, so they fit a 1232-byte UDP reply as they do from BIND.

/** Largest offset a compression pointer can hold. */
const MAX_POINTER = 0x3fff;

/** RR types whose RDATA is one name, and SOA whose RDATA starts with two. */
const TYPE_NS = 2, TYPE_CNAME = 5, TYPE_SOA = 6, TYPE_PTR = 12;

/**
 * Rewrites `count` consecutive uncompressed RRs from `input` with compression. `base` is the
 * offset in the final message where the output will start (pointers are absolute); names are
 * compared case-insensitively, as RFC 1035 requires.
 */
export function compressRecords(input: Buffer, count: number, base: number): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  const seen = new Map<string, number>();
  let inOff = 0;
  let outOff = 0;
  const copyName = (): void => {
    const [consumed, written] = writeName(input, inOff, out, outOff, base, seen);
    inOff += consumed;
    outOff += written;
  };
  for (let i = 0; i < count; i++) {
    copyName();
    const type = input.readUInt16BE(inOff);
    const rdlength = input.readUInt16BE(inOff + 8);
    input.copy(out, outOff, inOff, inOff + 8);
    const rdlengthAt = outOff + 8;
    inOff += 10;
    outOff += 10;
    const rdataEnd = inOff + rdlength;
    const rdataStart = outOff;
    if (type === TYPE_NS || type === TYPE_CNAME || type === TYPE_PTR || type === TYPE_SOA) {
      copyName();
      if (type === TYPE_SOA) copyName();
    }
    outOff += input.copy(out, outOff, inOff, rdataEnd);
    inOff = rdataEnd;
    out.writeUInt16BE(outOff - rdataStart, rdlengthAt);
  }
  return out.subarray(0, outOff);
}

/** Writes the uncompressed name at input[inOff] with pointers; returns [bytes read, bytes written]. */
function writeName(input: Buffer, inOff: number, out: Buffer, outOff: number, base: number, seen: Map<string, number>): [number, number] {
  const labels: Array<[number, number]> = [];
  let p = inOff;
  while (input[p]! !== 0) {
    labels.push([p, input[p]!]);
    p += 1 + input[p]!;
  }
  const consumed = p + 1 - inOff;
  let o = outOff;
  for (let i = 0; i < labels.length; i++) {
    const suffix = input.toString('latin1', labels[i]![0], p).toLowerCase();
    const target = seen.get(suffix);
    if (target !== undefined) {
      out.writeUInt16BE(0xc000 | target, o);
      return [consumed, o + 2 - outOff];
    }
    if (base + o <= MAX_POINTER) seen.set(suffix, base + o);
    const [start, len] = labels[i]!;
    o += input.copy(out, o, start, start + 1 + len);
  }
  out[o] = 0;
  return [consumed, o + 1 - outOff];
}
