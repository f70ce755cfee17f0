// Meridian's DNS answers against BIND 9's for the same data: both servers hold clusterset.local
// (ClusterIP and headless services of several clusters, SRV per named port), the zones discovery
// serves (clusterset.test here, and 10.in-addr.arpa) and a GSLB zone; dig asks both the same
// questions and everything it shows must match: rcode, header flags, the question as echoed, every
// section with TTLs (as sets), EDNS version, flags, UDP size and options, and dig's own warnings;
// the message may not be longer than BIND's (so Meridian truncates no earlier). Packets dig cannot
// build go byte for byte to both. BIND's named.conf is in test/support/bind-reference.ts, each
// option with the reason it matches Meridian's intent. INTENDED lists the few differences that are
// deliberate, each with its reason; a case allowed to differ must still differ (else the entry is
// stale).

import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsServer } from '../../src/dns/server.js';
import { encodeRecords, toPacketAnswer } from '../../src/dns/encode.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import { startReferenceBind, type ReferenceBind } from '../support/bind-reference.js';
import { describeReply, ednsOption, exchangeRaw, rawQuery } from '../support/dns-raw.js';
import { CLUSTERSET, DISCOVERY, GLOBAL, clustersetInput, discoveryZone, globalZone, referenceZone, zoneInputFromAnswers } from '../support/dns-differential-zones.js';
import { digView, type DigView } from '../support/dig-view.js';

/** Differences kept on purpose: what may differ, and why Meridian's answer is the one we want. */
const INTENDED = {
  // Size and truncation.
  partialTruncation: { fields: ['flags', 'counts', 'answer'], reason: 'a reply without EDNS that does not fit 512 bytes has TC in both; BIND keeps the records that fit (flagged AD, a quirk for an unsigned zone), Meridian only the question, as both do with EDNS: RFC 2181 section 9 allows either, and the client retries over TCP' },
  additionalPrefix: { fields: ['counts', 'additional'], reason: 'when the additional section does not fit whole, BIND keeps the RRsets of it that fit, Meridian leaves it out (no TC either way, RFC 2181 section 9)' },
  minimal512: { fields: ['counts', 'additional'], reason: 'BIND sends no additional section when the client advertises an EDNS size of 512 or less (lib/ns/query.c, a heuristic of its own); Meridian sends the additional records whenever they fit' },
  additionalLimit: { fields: ['counts', 'additional'], reason: 'BIND adds no additional records for an RRset of more than 13 records (DNS_RDATASET_MAXADDITIONAL, its "Limit the additional processing for large RDATA sets", which bounds its database lookups per query); Meridian\'s SRV target addresses are worked out once per snapshot, and it sends them when they fit' },
  // EDNS.
  formerrOpt: { fields: ['edns', 'counts', 'notes'], reason: 'FORMERR for a bad option in a well-formed OPT record: Meridian\'s reply carries an OPT record echoing DO (RFC 6891 section 7: else the client takes the server for one without EDNS; RFC 3225 section 3: DO is copied); BIND rejects the option before it reads the flags, so drops DO, and for an ECS scope in a query drops the OPT record too' },
  duplicateEcs: { fields: ['header', 'flags', 'counts', 'answer', 'options'], reason: 'two ECS options in one query: Meridian keeps answering FORMERR (with its OPT record), there being no one subnet to answer for; BIND uses the first and ignores the rest' },
  optionalOptions: { fields: ['options'], reason: 'EDNS options Meridian does not implement, EXPIRE (RFC 7314, for secondaries) and edns-tcp-keepalive (RFC 7828), are ignored as RFC 6891 section 6.1.2 says; BIND answers them' },
  ede: { fields: ['options'], reason: 'BIND adds an Extended DNS Error (RFC 8914, optional) to a refusal in class HS, for which it has no view, and to the SERVFAIL of a CNAME chain it gave up on; Meridian sends no EDE' },
  // What Meridian does not implement.
  transfers: { fields: ['rcode', 'flags', 'size'], reason: 'Meridian implements no zone transfer (ADR 0005): NOTIMP; BIND refuses by its allow-transfer ACL (REFUSED) or, outside its zones, NOTAUTH' },
  notifyUpdate: { fields: ['header', 'rcode', 'flags'], reason: 'Meridian implements neither NOTIFY nor UPDATE (zones change by snapshot): NOTIMP, as RFC 1996 and RFC 2136 expect of a server without them; BIND implements both and answers by its configuration (NOERROR to a NOTIFY for a primary zone, NOTAUTH for another, REFUSED to an UPDATE without allow-update)' },
  chaos: { fields: ['header', 'flags', 'counts', 'answer', 'authority'], reason: 'BIND serves built-in CHAOS zones (version.bind, hostname.bind, id.server, set by its version/hostname/server-id options); Meridian serves nothing in class CH and refuses, as BIND does for CH names it holds no zone for' },
  // Malformed messages.
  unknownOpcodeBody: { fields: ['rcode'], reason: 'a message of an opcode Meridian does not know is NOTIMP whatever its body (RFC 8490 section 5.1); BIND parses the body first and answers FORMERR when it cannot' },
  questionEcho: { fields: ['counts'], reason: 'a query with two questions is FORMERR in both (RFC 9619); which questions the reply echoes is not specified: Meridian echoes none, BIND both when they share a name' },
  trailingBytes: { fields: ['rcode', 'flags', 'counts', 'answer', 'opt'], reason: 'bytes after the last section make a malformed message: Meridian answers FORMERR (STYLE.md, FORMERR for malformed packets); BIND ignores them and answers' },
} satisfies Record<string, { fields: string[]; reason: string }>;

type Intended = keyof typeof INTENDED;

interface DigCase {
  args: string[];
  intended?: Intended;
}

const S = `svc.${CLUSTERSET}`;
/** dig without recursion desired, as a resolver asks an authoritative server. */
const q = (...args: string[]): DigCase => ({ args: ['+norec', ...args] });
const allowed = (intended: Intended, c: DigCase): DigCase => ({ ...c, intended });

const groups: Record<string, DigCase[]> = {
  'records of each type': [
    q(`web.prod.${S}`, 'A'), q(`web.prod.${S}.`, 'A'), q(`WEB.Prod.SVC.ClusterSet.Local`, 'A'), q(`wEb.pRoD.${S}`, 'AAAA'),
    q(`api.prod.${S}`, 'AAAA'), q(`east.web.prod.${S}`, 'A'), q(`db-0.east.db.data.${S}`, 'A'), q(`east.db.data.${S}`, 'A'), q(`db.data.${S}`, 'A'),
    q(`_http._tcp.web.prod.${S}`, 'SRV'), q(`_grpc._tcp.api.prod.${S}`, 'SRV'), q(`_postgres._tcp.db.data.${S}`, 'SRV'), q(`_POSTGRES._TCP.db.data.${S}`, 'SRV'),
    q(`dns-version.${CLUSTERSET}`, 'TXT'), q(`txt.${CLUSTERSET}`, 'TXT'), q(`ns.${CLUSTERSET}`, 'A'), q(`ns.${CLUSTERSET}`, 'AAAA'),
    q('10.0.201.10.in-addr.arpa', 'PTR'), q('5.1.101.10.in-addr.arpa', 'PTR'), q('5.2.101.10.in-addr.arpa', 'PTR'), q('10.in-addr.arpa', 'SOA'), q('10.in-addr.arpa', 'NS'),
  ],
  'apex': [
    q(CLUSTERSET, 'SOA'), q(CLUSTERSET, 'NS'), q(`${CLUSTERSET}.`, 'SOA'), q('ClusterSet.LOCAL', 'NS'), q(CLUSTERSET, 'A'), q(CLUSTERSET, 'TXT'), q(CLUSTERSET, 'MX'),
    q(CLUSTERSET, 'DS'), q(CLUSTERSET, 'DNSKEY'), q(CLUSTERSET, 'RRSIG'), q(CLUSTERSET, 'NSEC'), q(CLUSTERSET, 'NSEC3PARAM'), q(CLUSTERSET, 'CAA'), q(CLUSTERSET, 'TYPE65535'), q(CLUSTERSET, 'TYPE65280'),
  ],
  'NODATA, NXDOMAIN and empty non-terminals': [
    q(`web.prod.${S}`, 'TXT'), q(`web.prod.${S}`, 'CNAME'), q(`_http._tcp.web.prod.${S}`, 'A'), q(`ns.${CLUSTERSET}`, 'TXT'), q('10.0.201.10.in-addr.arpa', 'A'),
    q(`missing.prod.${S}`, 'A'), q(`x.web.prod.${S}`, 'A'), q(`nope.db-0.east.db.data.${S}`, 'A'), q(`nosuch.${S}`, 'SRV'), q('9.9.9.10.in-addr.arpa', 'PTR'), q('x.1.101.10.in-addr.arpa', 'PTR'), q('9.10.in-addr.arpa', 'PTR'),
    q(S, 'A'), q(S, 'SOA'), q(`prod.${S}`, 'A'), q(`data.${S}`, 'NS'), q(`_tcp.db.data.${S}`, 'SRV'), q(`sizes.${CLUSTERSET}`, 'A'), q('0.201.10.in-addr.arpa', 'PTR'), q('201.10.in-addr.arpa', 'PTR'), q('1.101.10.in-addr.arpa', 'A'),
  ],
  'CNAME chains': [
    q(`alias.${CLUSTERSET}`, 'A'), q(`ALIAS.${CLUSTERSET}`, 'A'), q(`alias.${CLUSTERSET}`, 'AAAA'), q(`alias.${CLUSTERSET}`, 'CNAME'), q(`alias.${CLUSTERSET}`, 'TXT'),
    q(`out.${CLUSTERSET}`, 'A'), q(`dangling.${CLUSTERSET}`, 'A'), q(`x.alias.${CLUSTERSET}`, 'A'), allowed('ede', q(`loop1.${CLUSTERSET}`, 'A')), q(`loop1.${CLUSTERSET}`, 'CNAME'),
    q(`cross.${CLUSTERSET}`, 'A'), allowed('ede', q(`c0.chain.${CLUSTERSET}`, 'A')), q(`c1.chain.${CLUSTERSET}`, 'A'), q(`c4.chain.${CLUSTERSET}`, 'A'), q(`c6.chain.${CLUSTERSET}`, 'AAAA'),
  ],
  'ANY (RFC 8482: answered in full on loopback, as BIND with minimal-any no)': [
    q(CLUSTERSET, 'ANY'), q('+tcp', CLUSTERSET, 'ANY'), q(`web.prod.${S}`, 'ANY'), q(`api.prod.${S}`, 'ANY'), q(`_http._tcp.web.prod.${S}`, 'ANY'), q(`_postgres._tcp.db.data.${S}`, 'ANY'),
    q(`ns.${CLUSTERSET}`, 'ANY'), q(`alias.${CLUSTERSET}`, 'ANY'), q(`nope.${CLUSTERSET}`, 'ANY'), q(S, 'ANY'), q('10.0.201.10.in-addr.arpa', 'ANY'), q('10.in-addr.arpa', 'ANY'),
  ],
  'unusual names': [
    q('a\\.b.clusterset.local', 'A'), q('\\087eb.prod.svc.clusterset.local', 'A'), q(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(43)}.${CLUSTERSET}`, 'A'),
    q(`_http._tcp.WEB.prod.${S}`, 'SRV'), q(`*.prod.${S}`, 'A'), q(`-.${CLUSTERSET}`, 'A'),
  ],
  'names outside the zones': [
    q('www.example.com', 'A'), q('local', 'SOA'), q('.', 'SOA'), q('.', 'NS'), q('example.test', 'SOA'), q(`${CLUSTERSET}.example`, 'A'), q('evilclusterset.local', 'A'), q('11.in-addr.arpa', 'PTR'),
  ],
  'header flags and EDNS': [
    q('+rec', `web.prod.${S}`, 'A'), q('+rec', 'www.example.com', 'A'), q('+adflag', `web.prod.${S}`, 'A'), q('+cdflag', `web.prod.${S}`, 'A'), q('+cdflag', '+adflag', `nope.${CLUSTERSET}`, 'A'), q('+zflag', `web.prod.${S}`, 'A'),
    q('+noedns', `web.prod.${S}`, 'A'), q('+noedns', 'www.example.com', 'A'), q('+bufsize=0', `web.prod.${S}`, 'A'),
    q('+dnssec', `web.prod.${S}`, 'A'), q('+dnssec', `nope.${CLUSTERSET}`, 'A'), q('+dnssec', `web.prod.${S}`, 'TXT'), q('+dnssec', 'www.example.com', 'A'), q('+dnssec', '+tcp', CLUSTERSET, 'SOA'),
    q('+dnssec', CLUSTERSET, 'DNSKEY'), q('+dnssec', CLUSTERSET, 'DS'), q('+dnssec', CLUSTERSET, 'RRSIG'), q('+dnssec', CLUSTERSET, 'NSEC'), q('+dnssec', CLUSTERSET, 'ANY'),
    q('+edns=1', CLUSTERSET, 'SOA'), q('+edns=1', '+noednsneg', CLUSTERSET, 'SOA'), q('+edns=1', '+noednsneg', '+dnssec', 'www.example.com', 'A'), q('+edns=255', '+noednsneg', `nope.${CLUSTERSET}`, 'A'),
    q('+ednsflags=0x80', `web.prod.${S}`, 'A'), q('+ednsflags=0x0001', `web.prod.${S}`, 'A'), q('+nsid', `web.prod.${S}`, 'A'), q('+ednsopt=65001:abcd', `web.prod.${S}`, 'A'), q('+ednsopt=65001', '+ednsopt=3', `web.prod.${S}`, 'A'),
    q('+padding=128', `web.prod.${S}`, 'A'), q('+tcp', '+padding=128', `web.prod.${S}`, 'A'),
    q('+cookie', `web.prod.${S}`, 'A'), q('+cookie=0102030405060708', `web.prod.${S}`, 'A'), q('+cookie=0102030405060708090a0b0c0d0e0f10', `web.prod.${S}`, 'A'),
    q('+ednsopt=10:0102', `web.prod.${S}`, 'A'), q(`+ednsopt=10:${'ab'.repeat(12)}`, `web.prod.${S}`, 'A'), q(`+ednsopt=10:${'ab'.repeat(41)}`, `web.prod.${S}`, 'A'), allowed('formerrOpt', q('+dnssec', '+ednsopt=10:0102', 'www.example.com', 'A')),
    q('+subnet=10.1.2.0/24', `web.prod.${S}`, 'A'), q('+subnet=0/0', `web.prod.${S}`, 'A'), q('+subnet=fd00::/56', `nope.${CLUSTERSET}`, 'A'), q('+subnet=10.1.2.0/24', 'www.example.com', 'A'),
    q('+ednsopt=8:0001200a0a', `web.prod.${S}`, 'A'), q('+ednsopt=8:00', `web.prod.${S}`, 'A'), q('+ednsopt=8:0003000000', `web.prod.${S}`, 'A'),
    allowed('formerrOpt', q('+ednsopt=8:000118080a0102', `web.prod.${S}`, 'A')), allowed('formerrOpt', q('+dnssec', '+ednsopt=8:0001200a0a', `web.prod.${S}`, 'A')),
    allowed('duplicateEcs', q('+subnet=10.1.2.0/24', '+ednsopt=8:000118000a0102', `web.prod.${S}`, 'A')),
    allowed('optionalOptions', q('+expire', CLUSTERSET, 'SOA')), allowed('optionalOptions', q('+tcp', '+keepalive', `web.prod.${S}`, 'A')),
  ],
  'meta and unusual question types': [
    q(CLUSTERSET, 'TYPE0'), q(`web.prod.${S}`, 'TYPE0'), q('www.example.com', 'TYPE0'), q(`web.prod.${S}`, 'TYPE128'), q(CLUSTERSET, 'TYPE200'), q(CLUSTERSET, 'TYPE248'), q('www.example.com', 'TYPE128'),
    q(CLUSTERSET, 'TYPE41'), q(CLUSTERSET, 'TYPE249'), q(CLUSTERSET, 'TYPE250'), q(CLUSTERSET, 'MAILA'), q(CLUSTERSET, 'MAILB'), q('www.example.com', 'MAILB'), q(CLUSTERSET, 'TYPE256'), q(`nope.${CLUSTERSET}`, 'TYPE65535'),
    q('-c', 'CH', '-t', 'TYPE128', '-q', CLUSTERSET),
  ],
  'question classes': [
    ...['IN', 'NONE', 'ANY', 'CLASS0', 'CLASS9', 'CLASS65535'].flatMap((c) => [q('-c', c, '-t', 'SOA', '-q', CLUSTERSET), q('-c', c, '-t', 'A', '-q', 'www.example.com')]),
    q('-c', 'CH', '-t', 'SOA', '-q', CLUSTERSET), q('-c', 'CH', '-t', 'A', '-q', 'www.example.com'), q('-c', 'CH', '-t', 'TXT', '-q', `dns-version.${CLUSTERSET}`),
    allowed('chaos', q('-c', 'CH', '-t', 'TXT', '-q', 'version.bind')), allowed('chaos', q('-c', 'CH', '-t', 'TXT', '-q', 'hostname.bind')), allowed('chaos', q('-c', 'CH', '-t', 'TXT', '-q', 'id.server')),
    allowed('ede', q('-c', 'HS', '-t', 'SOA', '-q', CLUSTERSET)), allowed('ede', q('-c', 'HS', '-t', 'TXT', '-q', 'version.bind')),
    q('+tcp', '-c', 'ANY', '-t', 'A', '-q', `web.prod.${S}`), q('+dnssec', '-c', 'NONE', '-t', 'A', '-q', `web.prod.${S}`), q('-c', 'ANY', '-t', 'ANY', '-q', `web.prod.${S}`),
  ],
  'opcodes': [
    allowed('notifyUpdate', q('+opcode=notify', CLUSTERSET, 'SOA')), allowed('notifyUpdate', q('+rec', '+cdflag', '+opcode=notify', CLUSTERSET, 'SOA')),
    allowed('notifyUpdate', q('+opcode=notify', '+noedns', CLUSTERSET, 'SOA')), allowed('notifyUpdate', q('+opcode=notify', 'www.example.com', 'SOA')),
    allowed('notifyUpdate', q('+rec', '+cdflag', '+opcode=update', CLUSTERSET, 'SOA')),
    q('+opcode=status', CLUSTERSET, 'SOA'), q('+rec', '+cdflag', '+opcode=iquery', CLUSTERSET, 'SOA'), q('+opcode=3', CLUSTERSET, 'SOA'), q('+opcode=15', '+noedns', 'www.example.com', 'A'),
    q('+dnssec', '+opcode=6', CLUSTERSET, 'SOA'), q('+opcode=status', '+edns=1', '+noednsneg', CLUSTERSET, 'SOA'),
  ],
  'UDP sizes and truncation': [
    q('+ignore', '+noedns', `n29.sizes.${CLUSTERSET}`, 'A'), allowed('partialTruncation', q('+ignore', '+noedns', `n30.sizes.${CLUSTERSET}`, 'A')),
    q('+ignore', '+bufsize=512', `n28.sizes.${CLUSTERSET}`, 'A'), q('+ignore', '+bufsize=512', `n29.sizes.${CLUSTERSET}`, 'A'),
    q('+ignore', `n73.sizes.${CLUSTERSET}`, 'A'), q('+ignore', `n74.sizes.${CLUSTERSET}`, 'A'), allowed('partialTruncation', q('+ignore', '+noedns', `n74.sizes.${CLUSTERSET}`, 'A')),
    q('+ignore', '+bufsize=4096', `n74.sizes.${CLUSTERSET}`, 'A'), q('+bufsize=4096', `n74.sizes.${CLUSTERSET}`, 'A'), q('+tcp', `n74.sizes.${CLUSTERSET}`, 'A'),
    q('+ignore', '+bufsize=100', `n29.sizes.${CLUSTERSET}`, 'A'), q('+ignore', '+bufsize=65535', `n74.sizes.${CLUSTERSET}`, 'A'),
    q('+ignore', `big.data.${S}`, 'A'), allowed('partialTruncation', q('+ignore', '+noedns', `big.data.${S}`, 'A')),
    q('+ignore', `_tcp-port._tcp.big.data.${S}`, 'SRV'), allowed('additionalLimit', q('+tcp', `_tcp-port._tcp.big.data.${S}`, 'SRV')),
    q('+ignore', `toobig.${CLUSTERSET}`, 'A'), allowed('partialTruncation', q('+ignore', '+noedns', `toobig.${CLUSTERSET}`, 'A')), q('+ignore', `toobig.${CLUSTERSET}`, 'CNAME'), q('+tcp', `toobig.${CLUSTERSET}`, 'A'),
    allowed('additionalPrefix', q('+ignore', '+bufsize=513', `_postgres._tcp.db.data.${S}`, 'SRV')), q('+ignore', '+bufsize=520', `_postgres._tcp.db.data.${S}`, 'SRV'),
    q('+ignore', '+noedns', `_postgres._tcp.db.data.${S}`, 'SRV'), q('+ignore', '+bufsize=512', `_postgres._tcp.db.data.${S}`, 'SRV'), q('+ignore', '+noedns', CLUSTERSET, 'NS'), allowed('minimal512', q('+ignore', '+bufsize=512', CLUSTERSET, 'NS')),
    q('+tcp', `web.prod.${S}`, 'A'), q('+tcp', `nope.${CLUSTERSET}`, 'A'), q('+tcp', 'www.example.com', 'A'),
  ],
  'the clusterset zone as discovery serves it': [
    q(DISCOVERY, 'SOA'), q(DISCOVERY, 'NS'), q(DISCOVERY, 'ANY'), q(`ns.${DISCOVERY}`, 'A'), q(`dns-version.${DISCOVERY}`, 'TXT'), q(`svc.${DISCOVERY}`, 'A'), q(`demo.svc.${DISCOVERY}`, 'SRV'),
    q(`web.demo.svc.${DISCOVERY}`, 'A'), q(`web.demo.svc.${DISCOVERY}`, 'AAAA'), q(`web.demo.svc.${DISCOVERY}`, 'ANY'), q(`west.web.demo.svc.${DISCOVERY}`, 'A'), q(`north.web.demo.svc.${DISCOVERY}`, 'A'),
    q(`_http._tcp.web.demo.svc.${DISCOVERY}`, 'SRV'), q(`_dns._udp.web.demo.svc.${DISCOVERY}`, 'SRV'), q(`_http._tcp.web.demo.svc.${DISCOVERY}`, 'A'), q(`_grpc._tcp.web.demo.svc.${DISCOVERY}`, 'SRV'),
    q(`_tcp.web.demo.svc.${DISCOVERY}`, 'SRV'), q(`_udp.web.demo.svc.${DISCOVERY}`, 'A'), q(`_sctp.web.demo.svc.${DISCOVERY}`, 'SRV'), q(`x._http._tcp.web.demo.svc.${DISCOVERY}`, 'SRV'),
    q(`db.demo.svc.${DISCOVERY}`, 'A'), q(`_http._tcp.db.demo.svc.${DISCOVERY}`, 'SRV'), q(`_tcp.db.demo.svc.${DISCOVERY}`, 'A'), q(`db-0.east.db.demo.svc.${DISCOVERY}`, 'A'),
    q(`10-101-2-5.east.db.demo.svc.${DISCOVERY}`, 'A'), q(`x.db-0.east.db.demo.svc.${DISCOVERY}`, 'A'), q(`db-9.east.db.demo.svc.${DISCOVERY}`, 'A'), q(`nope.demo.svc.${DISCOVERY}`, 'A'), q(`www.${DISCOVERY}`, 'A'),
  ],
  'the GSLB zone': [
    q(GLOBAL, 'SOA'), q(GLOBAL, 'NS'), q(GLOBAL, 'ANY'), q(`www.${GLOBAL}`, 'A'), q(`www.${GLOBAL}`, 'AAAA'), q(`www.${GLOBAL}`, 'MX'), q(`eu.${GLOBAL}`, 'A'), q(`api.eu.${GLOBAL}`, 'A'),
    q(`ns2.${GLOBAL}`, 'AAAA'), q(`nope.${GLOBAL}`, 'A'), q(`x.www.${GLOBAL}`, 'A'),
  ],
};

interface RawCase {
  label: string;
  packet: Buffer;
  transport?: 'udp' | 'tcp';
  intended?: Intended;
}

const WEB = `web.prod.${S}`;
const A = 1, SOA = 6, IXFR = 251, AXFR = 252;
const aRecord = encodeRecords([toPacketAnswer({ name: `x.${CLUSTERSET}`, type: 'A', ttl: 1, data: '192.0.2.1' })]);
const optRecord = Buffer.from('0000290200000000000000', 'hex');
const ixfr = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: CLUSTERSET, type: 'IXFR' }], authorities: [{ name: CLUSTERSET, type: 'SOA', ttl: 0, data: { mname: 'a.', rname: 'b.', serial: 1, refresh: 0, retry: 0, expire: 0, minimum: 0 } }] });

/** Packets dig cannot send, sent byte for byte to both servers. */
const rawGroups: Record<string, RawCase[]> = {
  'malformed and unusual packets': [
    { label: 'QR set: a response gets no reply', packet: rawQuery({ name: WEB, qtype: A, flags: 0x8000 }) },
    { label: 'two questions', packet: dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: WEB, type: 'A' }, { name: `ns.${CLUSTERSET}`, type: 'A' }] }) },
    { label: 'two questions of one name', packet: dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: WEB, type: 'A' }, { name: WEB, type: 'AAAA' }] }), intended: 'questionEcho' },
    { label: 'no question', packet: Buffer.from('4d5200000000000000000000', 'hex') },
    { label: 'a compression pointer in the question', packet: Buffer.from('4d520000000100000000000003777777c00c00010001', 'hex') },
    { label: 'a 64-byte label', packet: rawQuery({ name: `${'a'.repeat(64)}.${CLUSTERSET}`, qtype: A }) },
    { label: 'a cut question', packet: rawQuery({ name: WEB, qtype: A }).subarray(0, 30) },
    { label: 'records in the answer and authority sections of a query', packet: rawQuery({ name: WEB, qtype: A, sections: { an: [1, aRecord], ns: [1, aRecord] } }) },
    { label: 'an A record before the OPT record', packet: rawQuery({ name: WEB, qtype: A, sections: { ar: [1, aRecord] }, opt: {} }) },
    { label: 'two OPT records', packet: rawQuery({ name: WEB, qtype: A, sections: { ar: [1, optRecord] }, opt: {} }) },
    { label: 'an OPT record owned by a name other than the root', packet: rawQuery({ name: WEB, qtype: A, sections: { ar: [1, Buffer.concat([Buffer.from('0178', 'hex'), optRecord])] } }) },
    { label: 'an EDNS option running past the OPT record', packet: Buffer.concat([rawQuery({ name: WEB, qtype: A, opt: { options: ednsOption(65001, Buffer.from([1, 2])) } }).subarray(0, -2)]) },
    { label: 'EDNS version 1 with DO: BADVERS echoing DO', packet: rawQuery({ name: WEB, qtype: A, opt: { version: 1, do: true } }) },
    { label: 'EDNS version 1 with a malformed ECS: the option is FORMERR first', packet: rawQuery({ name: WEB, qtype: A, opt: { version: 1, options: ednsOption(8, Buffer.from([0, 3, 0, 0])) } }) },
    { label: 'a COOKIE of 9 bytes over TCP', packet: rawQuery({ name: WEB, qtype: A, opt: { options: ednsOption(10, Buffer.alloc(9, 1)) } }), transport: 'tcp' },
    { label: 'opcode 6 (DSO) without a question, a TLV after the header', packet: Buffer.from('4d5230000000000000000000000100020000', 'hex') },
    { label: 'opcode 2 with a trailing byte', packet: rawQuery({ name: WEB, qtype: A, opcode: 2, tail: Buffer.from([1]) }) },
    { label: 'opcode 2 with an unreadable question', packet: Buffer.from('4d521000000100000000000003777777c00c00010001', 'hex'), intended: 'unknownOpcodeBody' },
    { label: 'NOTIFY without a question', packet: Buffer.from('4d5220000000000000000000', 'hex') },
    { label: 'NOTIFY in class NONE', packet: rawQuery({ name: CLUSTERSET, qtype: SOA, qclass: 254, opcode: 4 }) },
    { label: 'UPDATE in class NONE', packet: rawQuery({ name: CLUSTERSET, qtype: SOA, qclass: 254, opcode: 5 }) },
    { label: 'UPDATE in class ANY', packet: rawQuery({ name: CLUSTERSET, qtype: SOA, qclass: 255, opcode: 5 }) },
    { label: 'UPDATE in class IN', packet: rawQuery({ name: CLUSTERSET, qtype: SOA, opcode: 5 }), intended: 'notifyUpdate' },
    { label: 'NOTIFY in class 65280', packet: rawQuery({ name: CLUSTERSET, qtype: SOA, qclass: 65280, opcode: 4 }) },
    { label: 'AXFR in class NONE', packet: rawQuery({ name: CLUSTERSET, qtype: AXFR, qclass: 254 }) },
    { label: 'class 0 over TCP', packet: rawQuery({ name: WEB, qtype: A, qclass: 0 }), transport: 'tcp' },
    { label: 'NOTIFY with an unreadable question', packet: Buffer.from('4d522000000100000000000003777777c00c00010001', 'hex') },
    { label: 'TC, AA, RA, Z, AD and an rcode set in the query', packet: rawQuery({ name: WEB, qtype: A, flags: 0x06f5 }) },
    { label: 'records in the answer section over TCP', packet: rawQuery({ name: WEB, qtype: A, sections: { an: [1, aRecord] } }), transport: 'tcp' },
    { label: 'bytes after the question', packet: rawQuery({ name: WEB, qtype: A, tail: Buffer.from([1, 2, 3]) }), intended: 'trailingBytes' },
    { label: 'bytes after the OPT record', packet: rawQuery({ name: WEB, qtype: A, opt: {}, tail: Buffer.from([1, 2, 3]) }), intended: 'trailingBytes' },
  ],
  'zone transfers': [
    { label: 'AXFR over UDP', packet: rawQuery({ name: CLUSTERSET, qtype: AXFR }), intended: 'transfers' },
    { label: 'AXFR over TCP', packet: rawQuery({ name: CLUSTERSET, qtype: AXFR }), transport: 'tcp', intended: 'transfers' },
    { label: 'IXFR over UDP with the client SOA', packet: ixfr, intended: 'transfers' },
    { label: 'AXFR of a zone not served', packet: rawQuery({ name: 'www.example.com', qtype: AXFR }), transport: 'tcp', intended: 'transfers' },
    { label: 'SOA over TCP', packet: rawQuery({ name: CLUSTERSET, qtype: SOA }), transport: 'tcp' },
    { label: 'IXFR type number as a plain query', packet: rawQuery({ name: CLUSTERSET, qtype: IXFR }), intended: 'transfers' },
  ],
};

let bind: ReferenceBind;
let meridian: DnsServer;
let meridianPort = 0;

beforeAll(async () => {
  const gslb = globalZone();
  const discovery = discoveryZone();
  meridian = new DnsServer({ zones: [new StaticZone(clustersetInput()), gslb, discovery.zone, discovery.reverse] });
  meridianPort = (await meridian.start()).port;
  bind = await startReferenceBind([
    clustersetInput(), zoneInputFromAnswers(gslb, [...gslb.snapshot().hosts.keys()]),
    zoneInputFromAnswers(discovery.zone, discovery.names), zoneInputFromAnswers(discovery.reverse, discovery.ptrNames),
  ].map(referenceZone));
});
afterAll(async () => {
  await Promise.all([meridian?.stop(), bind?.stop()]);
});

/** Both servers' views of one dig invocation. */
async function digBoth(args: string[]): Promise<{ bind: DigView; meridian: DigView }> {
  const [b, m] = await Promise.all([digView(bind.port, args), digView(meridianPort, args)]);
  return { bind: b, meridian: m };
}

/** Whether a case may differ in its records or OPT record, and so in its size either way. */
function contentMayDiffer(fields: readonly string[]): boolean {
  return fields.some((f) => ['answer', 'authority', 'additional', 'edns', 'options', 'opt'].includes(f));
}

/** A view without the fields a case is allowed to differ in. */
function without(view: DigView, fields: readonly string[]): unknown {
  return {
    notes: fields.includes('notes') ? [] : view.notes,
    replies: view.replies.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !fields.includes(k)))),
  };
}

/**
 * Compares one dig invocation's views. Sizes need not be equal: BIND 9.18 looks up only two
 * suffixes of a name when compressing (lib/dns/compress.c), so some of its replies are longer than
 * Meridian's, which points to any earlier suffix. Meridian's must never be the longer one: a longer
 * reply truncates where BIND's does not.
 */
function expectSameAnswers(seen: { bind: DigView; meridian: DigView }, c: DigCase): void {
  expect(seen.bind.replies.length + seen.bind.notes.length, 'BIND printed nothing: is it serving?').toBeGreaterThan(0);
  const intended = c.intended ? INTENDED[c.intended] : undefined;
  const fields: string[] = ['size', ...(intended?.fields ?? [])];
  const message = intended ? `allowed to differ only in ${intended.fields.join(', ')}: ${intended.reason}` : 'Meridian and BIND differ';
  expect(without(seen.meridian, fields), message).toEqual(without(seen.bind, fields));
  if (!contentMayDiffer(fields)) seen.meridian.replies.forEach((r, i) => expect(Number(r.size), `reply ${i} longer than BIND's`).toBeLessThanOrEqual(Number(seen.bind.replies[i]?.size ?? Infinity)));
  if (c.intended) expect(without(seen.meridian, ['size']), `no longer differs from BIND: remove INTENDED.${c.intended} from this case`).not.toEqual(without(seen.bind, ['size']));
}

/** Compares two raw replies the same way: every field equal but the size, Meridian's no longer. */
function expectSameRawReply(bindReply: Buffer | undefined, meridianReply: Buffer | undefined, c: RawCase): void {
  const [b, m] = [describeReply(bindReply), describeReply(meridianReply)];
  const intended = c.intended ? INTENDED[c.intended] : undefined;
  const keep = (d: Record<string, unknown>, fields: readonly string[]) => Object.fromEntries(Object.entries(d).filter(([k]) => !fields.includes(k)));
  const fields = ['size', ...(intended?.fields ?? [])];
  expect(keep(m, fields), intended ? `allowed to differ only in ${intended.fields.join(', ')}: ${intended.reason}` : 'Meridian and BIND differ').toEqual(keep(b, fields));
  if (!contentMayDiffer(fields)) expect(Number(m.size ?? 0), 'reply longer than BIND\'s').toBeLessThanOrEqual(Number(b.size ?? Infinity));
  if (c.intended) expect(keep(m, ['size']), `no longer differs from BIND: remove INTENDED.${c.intended} from this case`).not.toEqual(keep(b, ['size']));
}

for (const [group, cases] of Object.entries(rawGroups)) {
  describe(`raw packets to Meridian and BIND 9: ${group}`, () => {
    it.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
      const transport = c.transport ?? 'udp';
      const [b, m] = await Promise.all([exchangeRaw(bind.port, c.packet, transport), exchangeRaw(meridianPort, c.packet, transport)]);
      expectSameRawReply(b, m, c);
    });
  });
}

for (const [group, cases] of Object.entries(groups)) {
  describe(`dig against Meridian and BIND 9: ${group}`, () => {
    it.each(cases.map((c) => [c.args.join(' '), c] as const))('%s', async (_label, c) => {
      expectSameAnswers(await digBoth(c.args), c);
    });
  });
}
