import { useEffect, useState } from 'preact/hooks';
import type { DashboardState } from '../src/dashboard/model.js';

/** The stream's connection state, for the status badge. */
export type Connection = 'connecting' | 'live' | 'reconnecting';

/**
 * The dashboard state, live: one EventSource on the server's stream; `snapshot` replaces the whole
 * state, `delta` replaces the sections it names. EventSource reconnects by itself (and the server
 * then sends a fresh snapshot), so there is no polling.
 */
export function useDashboard(url = '/api/v1/dashboard/stream'): { state?: DashboardState; connection: Connection; updatedAt?: Date } {
  const [state, setState] = useState<DashboardState | undefined>(undefined);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  useEffect(() => {
    const source = new EventSource(url);
    source.addEventListener('open', () => setConnection('live'));
    source.addEventListener('error', () => setConnection('reconnecting'));
    source.addEventListener('snapshot', (e) => {
      setState(JSON.parse((e as MessageEvent<string>).data) as DashboardState);
      setUpdatedAt(new Date());
    });
    source.addEventListener('delta', (e) => {
      const delta = JSON.parse((e as MessageEvent<string>).data) as Partial<DashboardState>;
      setState((prev) => (prev ? { ...prev, ...delta } : (delta as DashboardState)));
      setUpdatedAt(new Date());
    });
    return () => source.close();
  }, [url]);
  return { state, connection, updatedAt };
}
