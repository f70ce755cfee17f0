// The DNS core's public surface, for discovery and traffic controllers.

export * from './types.js';
export { ZoneSnapshot, type ZoneSnapshotInput, type RRsets } from './snapshot.js';
export { StaticZone } from './static-zone.js';
export { answerFromSnapshot, additionalsFor, nodata, nxdomain } from './answer.js';
export { DnsServer, type DnsServerOptions, type BoundAddress } from './server.js';
export { ZoneRouter } from './router.js';
export { prometheusDnsMetrics, noDnsMetrics, type DnsMetrics, type DnsQueryEvent, type DnsDropReason } from './metrics.js';
export type { UpstreamOptions } from './forwarder.js';
export { normalizeName, isAtOrBelow } from './names.js';
export { renderZoneFile, recordLine } from './zonefile.js';
