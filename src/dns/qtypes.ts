// Question types by number (names for the common ones, RFC 3597's TYPEnnn for the rest, and the
// meta types the server treats specially) and question classes.

const NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA',
  33: 'SRV', 35: 'NAPTR', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY',
  50: 'NSEC3', 52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 257: 'CAA',
};

/** The mnemonic of a question type ("A", "SRV", "TYPE65280"). */
export function qtypeName(qtype: number): string {
  return NAMES[qtype] ?? `TYPE${qtype}`;
}

/** How the server treats a question type before asking a zone. */
export type QtypeClass = 'data' | 'formerr' | 'notimp';

/**
 * OPT, TSIG and TKEY never appear as a question in a valid query, nor does a meta type we do not
 * know (128 to 248, RFC 6895 section 3.1): FORMERR, as from BIND. Zone transfers and the obsolete
 * MAILA/MAILB are not offered (NOTIMP). Everything else, type 0 included (reserved but no meta
 * type: NODATA, as BIND answers), is asked of the zone.
 */
export function classifyQtype(qtype: number): QtypeClass {
  if (qtype === 41 || (qtype >= 128 && qtype <= 250)) return 'formerr';
  if (qtype >= 251 && qtype <= 254) return 'notimp';
  return 'data';
}

/** Bounded label values for metrics: the common types by name, everything else "other". */
export function qtypeMetricLabel(qtype: number): string {
  return NAMES[qtype] ?? 'other';
}

/**
 * What a question's class gets before any zone is asked, as BIND 9.18 answers it: IN goes on; CH
 * and HS are REFUSED (we serve no zone in them); NONE and ANY are FORMERR (in a question they only
 * serve TKEY negotiation; NOTIFY and UPDATE must name a data class, RFC 2136 section 2.3); class 0,
 * or no question at all, is FORMERR; any other class is NOTIMP. Undefined means "answer it".
 */
export function qclassRcode(qclass: number): 'FORMERR' | 'NOTIMP' | 'REFUSED' | undefined {
  switch (qclass) {
    case 1: return undefined;
    case 3: case 4: return 'REFUSED';
    case 0: case 254: case 255: return 'FORMERR';
    default: return 'NOTIMP';
  }
}
