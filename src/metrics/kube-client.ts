import { Counter, Histogram, type Registry } from 'prom-client';
import { observeRequests, observeWatchReads } from '../kube/transport.js';

const BUCKETS = [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Times of this process's API requests, as client-go's rest_client_request_duration_seconds and
 * rest_client_rate_limiter_duration_seconds: the whole request by client and verb, and the wait
 * for one of the client's request connections by client and priority (a burst shows here first).
 */
export function kubeClientMetrics(registry: Registry): void {
  const duration = new Histogram({ name: 'meridian_kube_client_request_duration_seconds', help: 'Time of one API request from the call until its answer was read (the wait for a connection included), by client (member or context) and verb.', labelNames: ['client', 'verb'], buckets: BUCKETS, registers: [registry] });
  const wait = new Histogram({ name: 'meridian_kube_client_connection_wait_seconds', help: 'Time an API request waited for one of its client\'s request connections, by client and priority (high: writes a user waits on; low: Events).', labelNames: ['client', 'priority'], buckets: BUCKETS, registers: [registry] });
  observeRequests((t) => {
    const client = t.client.slice(0, 63);
    duration.observe({ client, verb: t.method }, t.totalMs / 1000);
    wait.observe({ client, priority: t.priority }, t.waitMs / 1000);
  });
  // What wakes this process up most while members roll out: watch events, and the reads they came in.
  const events = new Counter({ name: 'meridian_kube_client_watch_events_total', help: 'Watch events (bookmarks included) received, by client and resource.', labelNames: ['client', 'resource'], registers: [registry] });
  const reads = new Counter({ name: 'meridian_kube_client_watch_reads_total', help: 'Reads from watch streams (each one a wake-up of serve\'s event loop at most), by client and resource.', labelNames: ['client', 'resource'], registers: [registry] });
  observeWatchReads((r) => {
    const labels = { client: r.client.slice(0, 63), resource: r.resource.slice(0, 63) };
    reads.inc(labels);
    if (r.events) events.inc(labels, r.events);
  });
}
