// Name compression (RFC 1035 section 4.1.4), the one encoding feature dns-packet lacks. dns-packet
// writes records with every name in full; this pass rewrites them with pointers to earlier
// occurrences, in owner names and in the RDATA names RFC 3597 allows (NS, CNAME, PTR, SOA), and to
// the question name before them, as BIND does. SRV targets stay uncompressed (RFC 2782) but later
// names may point into them. Forty A records of one name shrink from 1440 to 660 bytes, so they
// fit a 1232-byte UDP reply as they do from BIND. A reply is never longer than BIND 9.18's, and
// shorter where BIND looks up only two suffixes of a name (its lib/dns/compress.c).

/** Largest offset a compression pointer can hold. */
const MAX_POINTER = 0x3fff;

/** RR types whose RDATA is one name, and SOA whose RDATA starts with two. */
const TYPE_NS = 2, TYPE_CNAME = 5, TYPE_SOA = 6, TYPE_PTR = 12, TYPE_SRV = 33;

/**
 * A suffix of the question name that records may point to: its wire form (latin1, labels with
 * their length bytes, no root byte) and its offset in the message.
 */
export interface QuestionSuffix {
  key: string;
  offset: number;
}

/**
 * Rewrites `count` consecutive uncompressed RRs from `input` with compression. `base` is the
 * offset in the final message where the output will start (pointers are absolute); `question` is
 * the part of the question name they may point to (see questionSuffix). Names in records are
 * compared case-insensitively (RFC 1035), the question's bytes exactly, as BIND does by default:
 * a record never takes on the case the client asked in.
 */
export function compressRecords(input: Buffer, count: number, base: number, question?: QuestionSuffix): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  const seen = new Map<string, number>();
  if (question) {
    for (let i = 0; i < question.key.length; i += question.key.charCodeAt(i) + 1) seen.set(question.key.slice(i), question.offset + i);
  }
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
    if (type === TYPE_SRV && rdlength > 6) rememberName(out, rdataStart + 6, base, seen);
    out.writeUInt16BE(outOff - rdataStart, rdlengthAt);
  }
  return out.subarray(0, outOff);
}

/** Suffix keys (see QuestionSuffix) by their length in bytes, so a question is matched without building strings. */
export type SuffixIndex = ReadonlyMap<number, readonly string[]>;

/** Every suffix key compressRecords can meet in `count` uncompressed RRs: what a question may share with them. */
export function nameSuffixes(input: Buffer, count: number): SuffixIndex {
  const index = new Map<number, string[]>();
  const add = (at: number): number => {
    const end = nameEnd(input, at);
    for (let p = at; p < end; p += input[p]! + 1) {
      const key = input.toString('latin1', p, end).toLowerCase();
      const keys = index.get(key.length) ?? [];
      if (!keys.includes(key)) index.set(key.length, [...keys, key]);
    }
    return end + 1;
  };
  let off = 0;
  for (let i = 0; i < count; i++) {
    off = add(off);
    const type = input.readUInt16BE(off);
    const rdataStart = off + 10;
    const rdataEnd = rdataStart + input.readUInt16BE(off + 8);
    if (type === TYPE_NS || type === TYPE_CNAME || type === TYPE_PTR || type === TYPE_SOA) {
      const next = add(rdataStart);
      if (type === TYPE_SOA) add(next);
    }
    if (type === TYPE_SRV && rdataEnd > rdataStart + 6) add(rdataStart + 6);
    off = rdataEnd;
  }
  return index;
}

/**
 * The longest suffix of the question name (the message's first name, at offset 12, ending with its
 * root byte at `nameEnd`) that is in `suffixes`, compared byte for byte, as its key; it starts at
 * nameEnd - key.length. Undefined when none is. On the query path, so it allocates nothing.
 */
export function questionSuffix(message: Buffer, nameEnd: number, suffixes: SuffixIndex): string | undefined {
  for (let i = 12; i < nameEnd; i += message[i]! + 1) {
    const keys = suffixes.get(nameEnd - i);
    if (!keys) continue;
    for (const key of keys) if (sameBytes(message, i, key)) return key;
  }
  return undefined;
}

function sameBytes(buf: Buffer, at: number, key: string): boolean {
  for (let j = 0; j < key.length; j++) if (buf[at + j] !== key.charCodeAt(j)) return false;
  return true;
}

/** Offset of the root byte ending the uncompressed name at `at`. */
function nameEnd(buf: Buffer, at: number): number {
  let p = at;
  while (buf[p]! !== 0) p += buf[p]! + 1;
  return p;
}

/** Makes an uncompressed name already written at out[at] a target for later pointers. */
function rememberName(out: Buffer, at: number, base: number, seen: Map<string, number>): void {
  const end = nameEnd(out, at);
  for (let p = at; p < end && base + p <= MAX_POINTER; p += out[p]! + 1) {
    const suffix = out.toString('latin1', p, end).toLowerCase();
    if (!seen.has(suffix)) seen.set(suffix, base + p);
  }
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
