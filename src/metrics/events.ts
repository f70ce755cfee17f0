import { Counter, type Registry } from 'prom-client';

/** Counts Meridian Events as the dashboard first sees them: meridian_events_total{reason,type}. */
export function eventCounter(registry: Registry): (reason: string, type: string) => void {
  const c = new Counter({ name: 'meridian_events_total', help: 'Meridian Events seen on the hub since start, by reason (Failover, MemberLost, RolloutHalted, ...) and type.', labelNames: ['reason', 'type'], registers: [registry] });
  return (reason, type) => c.inc({ reason: reason.slice(0, 40), type });
}
