import type { ComponentChildren } from 'preact';
import { Apps } from './apps.js';
import { Clusters } from './clusters.js';
import { Egress } from './egress.js';
import { Events } from './events.js';
import { useDashboard } from './live.js';
import { FleetMap } from './map.js';
import { Services } from './services.js';
import { Traffic } from './traffic.js';

const NAV: Array<[string, string]> = [['map', 'Map'], ['clusters', 'Clusters'], ['apps', 'Applications'], ['traffic', 'Global traffic'], ['services', 'Services'], ['events', 'Events'], ['egress', 'Egress']];

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return <section id={id} aria-labelledby={`${id}-h`} tabIndex={-1}><h2 id={`${id}-h`}>{title}</h2>{children}</section>;
}

/** The page: a skip link, a navigation bar of in-page links, and one section per view. */
export function App() {
  const { state, connection, updatedAt } = useDashboard();
  const down = state?.regions.filter((r) => r.health !== 'healthy').map((r) => r.name) ?? [];
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <h1>Meridian</h1>
        <nav aria-label="Views">{NAV.map(([id, label]) => <a key={id} href={`#${id}`}>{label}</a>)}</nav>
        <p class={`conn ${connection}`} role="status" aria-live="polite" data-connection={connection}>
          {connection === 'live' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          {updatedAt ? ` · ${updatedAt.toLocaleTimeString()}` : ''}
          {down.length ? ` · ${down.join(', ')} not healthy` : ''}
        </p>
      </header>
      <main id="main">
        {!state ? <p class="loading">Waiting for the first state from meridian serve…</p> : (
          <>
            <Section id="map" title="Regions and where global traffic goes"><FleetMap regions={state.regions} traffic={state.traffic} /></Section>
            <Section id="clusters" title="Clusters"><Clusters clusters={state.clusters} /></Section>
            <Section id="apps" title="Applications × clusters"><Apps apps={state.apps} /></Section>
            <Section id="traffic" title="Global traffic"><Traffic traffic={state.traffic} /></Section>
            <Section id="services" title="Exported services"><Services services={state.services} /></Section>
            <Section id="events" title="Events"><Events events={state.events} /></Section>
            <Section id="egress" title="Inter-region egress (estimate)"><Egress egress={state.egress} /></Section>
          </>
        )}
      </main>
    </>
  );
}
