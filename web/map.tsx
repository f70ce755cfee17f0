import { geoNaturalEarth1, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { useMemo } from 'preact/hooks';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import land110m from 'world-atlas/land-110m.json';
import type { RegionView, TrafficView } from '../src/dashboard/model.js';

const WIDTH = 960;
const HEIGHT = 500;

/** The land outline (Natural Earth 1:110m, from world-atlas, bundled) drawn once. */
function useLand(): { path: string; project: (lon: number, lat: number) => [number, number] | undefined } {
  return useMemo(() => {
    const topo = land110m as unknown as Topology<{ land: GeometryCollection }>;
    const land = feature(topo, topo.objects.land) as FeatureCollection<Geometry> | Feature<Geometry>;
    const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], land);
    return { path: geoPath(projection)(land) ?? '', project: (lon, lat) => projection([lon, lat]) ?? undefined };
  }, []);
}

/** A curved arrow from one point to another (a quadratic Bézier bowed to the left). */
function arc(a: [number, number], b: [number, number]): string {
  const [mx, my] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  return `M${a[0].toFixed(1)},${a[1].toFixed(1)} Q${(mx - dy * 0.25).toFixed(1)},${(my + dx * 0.25).toFixed(1)} ${b[0].toFixed(1)},${b[1].toFixed(1)}`;
}

/**
 * The world map: each region a dot coloured by its clusters' health (with a text label, so the
 * state never rests on colour alone), and per GlobalService arrows from every other region to the
 * regions its answers send clients to now.
 */
export function FleetMap({ regions, traffic }: { regions: RegionView[]; traffic: TrafficView[] }) {
  const { path, project } = useLand();
  const at = new Map(regions.flatMap((r) => {
    const p = r.lat !== undefined && r.lon !== undefined ? project(r.lon, r.lat) : undefined;
    return p ? [[r.name, p] as const] : [];
  }));
  const arrows = traffic.flatMap((t) => t.targets.flatMap((to) => regions.filter((r) => r.name !== to && at.has(r.name) && at.has(to)).map((r) => ({ service: t.key, host: t.hostnames[0], from: r.name, to }))));
  return (
    <figure class="map" aria-labelledby="map-caption">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="World map of the fleet's regions">
        <defs>
          <marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head" /></marker>
        </defs>
        <path d={path} class="land" />
        {arrows.map((a) => {
          const from = at.get(a.from) as [number, number];
          const to = at.get(a.to) as [number, number];
          return <path key={`${a.service}-${a.from}-${a.to}`} d={arc(from, to)} class="arrow" marker-end="url(#head)" data-service={a.service} data-from={a.from} data-to={a.to}><title>{`${a.host}: clients in ${a.from} are sent to ${a.to}`}</title></path>;
        })}
        {regions.filter((r) => at.has(r.name)).map((r) => {
          const [x, y] = at.get(r.name) as [number, number];
          return (
            <g key={r.name} class={`region ${r.health}`} data-region={r.name} data-health={r.health} transform={`translate(${x.toFixed(1)},${y.toFixed(1)})`}>
              <circle r="11" />
              <text y="-17" text-anchor="middle" class="region-label">{r.name}</text>
              <text y="28" text-anchor="middle" class="region-state">{r.health}</text>
            </g>
          );
        })}
      </svg>
      <figcaption id="map-caption">
        {traffic.length === 0 ? 'No GlobalService yet.' : traffic.map((t) => (
          <span key={t.key} class="route" data-service={t.key} data-targets={t.targets.join(',')}>{t.hostnames[0]} → {t.targets.join(', ') || 'nowhere'}</span>
        ))}
        {regions.filter((r) => !at.has(r.name)).map((r) => <span key={r.name} class={`offmap ${r.health}`}>{r.name} (no coordinates): {r.health}</span>)}
      </figcaption>
    </figure>
  );
}
