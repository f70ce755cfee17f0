// A snapshot as a master file (RFC 1035 section 5) that BIND, Knot or PowerDNS can load: used to
// hand the same data to an external server, and by the benchmark against BIND.

import type { ZoneSnapshot } from './snapshot.js';
import type { DnsRecord } from './types.js';

/** Renders every record of the snapshot with absolute names, SOA first. */
export function renderZoneFile(snapshot: ZoneSnapshot): string {
  const lines = [`$ORIGIN ${snapshot.origin}.`, recordLine(snapshot.soa)];
  for (const record of snapshot.records()) {
    if (record.type !== 'SOA') lines.push(recordLine(record));
  }
  return `${lines.join('\n')}\n`;
}

/** One record in presentation format: `name. ttl IN TYPE data`. */
export function recordLine(r: DnsRecord): string {
  return `${r.name}. ${r.ttl} IN ${r.type} ${rdataText(r)}`;
}

function rdataText(r: DnsRecord): string {
  switch (r.type) {
    case 'A': case 'AAAA': return r.data;
    case 'NS': case 'PTR': case 'CNAME': return `${r.data}.`;
    case 'SRV': return `${r.data.priority} ${r.data.weight} ${r.data.port} ${r.data.target}.`;
    case 'TXT': return r.data.map(quoteText).join(' ');
    case 'SOA': {
      const d = r.data;
      return `${d.mname}. ${d.rname}. ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    }
  }
}

/** A TXT character-string in quotes, with quote, backslash and non-printable bytes escaped. */
function quoteText(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s)) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}
