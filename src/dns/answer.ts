// The authoritative answer logic over one snapshot (RFC 1034 section 4.3.2, without wildcards or
// delegations): data, CNAME chains inside the zone, NODATA and NXDOMAIN with the SOA.

import type { ZoneSnapshot } from './snapshot.js';
import type { DnsRecord, RecordType, ZoneAnswer } from './types.js';

/**
 * CNAMEs followed inside the zone in one answer: BIND's 11 restarts, so an answer holds 12 CNAMEs
 * at most. A longer chain, or a loop (RFC 1034 section 3.6.2: an error), is SERVFAIL with the chain
 * so far, as from BIND.
 */
const MAX_CNAME_CHAIN = 11;

/** Answers qname/qtype from a snapshot. qname must be normalized and at or below its origin. */
export function answerFromSnapshot(snapshot: ZoneSnapshot, qname: string, qtype: string): ZoneAnswer {
  if (!snapshot.exists(qname)) return nxdomain(snapshot);
  const answers: DnsRecord[] = [];
  const chainEnd = followChain(snapshot, qname, qtype, answers);
  if (chainEnd === 'nxdomain') return { rcode: 'NXDOMAIN', answers, authority: [snapshot.negativeSoa] };
  if (chainEnd === 'servfail') return { rcode: 'SERVFAIL', answers, authority: [] };
  if (answers.length === 0) return nodata(snapshot);
  const last = answers[answers.length - 1]!;
  if (last.type === 'CNAME' && qtype !== 'CNAME' && qtype !== 'ANY') {
    // The chain ended without data of the type asked: NODATA for an in-zone target (SOA beside it).
    return { rcode: 'NOERROR', answers, authority: snapshot.exists(last.data) ? [snapshot.negativeSoa] : [] };
  }
  const additionals = additionalsFor(snapshot, answers);
  return additionals.length > 0 ? { rcode: 'NOERROR', answers, authority: [], additionals } : { rcode: 'NOERROR', answers, authority: [] };
}

/**
 * Appends the CNAME chain from qname and then the data of qtype at its end. Returns 'nxdomain'
 * when the chain leads to an in-zone name that does not exist (RFC 6604), 'servfail' when it
 * loops or runs longer than MAX_CNAME_CHAIN.
 */
function followChain(snapshot: ZoneSnapshot, qname: string, qtype: string, answers: DnsRecord[]): 'done' | 'nxdomain' | 'servfail' {
  let name = qname;
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const sets = snapshot.rrsets(name);
    const cname = sets?.get('CNAME');
    if (!cname || qtype === 'CNAME' || qtype === 'ANY') {
      answers.push(...(qtype === 'ANY' ? [...(sets?.values() ?? [])].flat() : (sets?.get(qtype as RecordType) ?? [])));
      return 'done';
    }
    answers.push(...cname);
    const target = cname[0]!.data as string;
    if (answers.some((r) => r.name === target)) return 'servfail';
    if (target !== snapshot.origin && !target.endsWith(`.${snapshot.origin}`)) return 'done';
    if (!snapshot.exists(target)) return 'nxdomain';
    name = target;
  }
  return 'servfail';
}

/** The NXDOMAIN answer of a snapshot: no data, the SOA for negative caching. */
export function nxdomain(snapshot: ZoneSnapshot): ZoneAnswer {
  return { rcode: 'NXDOMAIN', answers: [], authority: [snapshot.negativeSoa] };
}

/** The NODATA answer of a snapshot: the name exists but holds nothing of the type asked. */
export function nodata(snapshot: ZoneSnapshot): ZoneAnswer {
  return { rcode: 'NOERROR', answers: [], authority: [snapshot.negativeSoa] };
}

/** In-zone addresses of SRV targets and NS hosts (RFC 2782, RFC 1035 section 3.3.11). */
export function additionalsFor(snapshot: ZoneSnapshot, answers: readonly DnsRecord[]): DnsRecord[] {
  const targets = new Set<string>();
  for (const r of answers) {
    if (r.type === 'SRV') targets.add(r.data.target);
    else if (r.type === 'NS') targets.add(r.data);
  }
  const out: DnsRecord[] = [];
  for (const target of targets) out.push(...snapshot.lookup(target, 'A'), ...snapshot.lookup(target, 'AAAA'));
  return out;
}
