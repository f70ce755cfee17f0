import type { Cluster } from '../api/cluster.js';

/** Annotation on a Cluster that places it on the map: `"<latitude>,<longitude>"` in degrees. */
export const COORDINATES_ANNOTATION = 'meridian.dev/coordinates';

/** A point on the map. */
export interface LatLon {
  lat: number;
  lon: number;
}

// Approximate data-centre locations of the short names the local fleet uses and the usual AWS, GCP
// and Azure region names. A region not listed here, and without the annotation, is drawn off-map.
const TABLE: Record<string, [number, number]> = {
  'us-east': [38.9, -77.4], 'us-west': [45.6, -121.2], 'us-central': [41.3, -95.9], 'eu-west': [53.3, -6.3], 'eu-central': [50.1, 8.7],
  'eu-north': [59.3, 18.1], 'ap-south': [19.1, 72.9], 'ap-southeast': [1.35, 103.8], 'ap-northeast': [35.7, 139.7], 'sa-east': [-23.5, -46.6],
  'ca-central': [45.5, -73.6], 'af-south': [-33.9, 18.4], 'me-south': [26.1, 50.6], 'ap-east': [22.3, 114.2],
  'us-east-1': [38.9, -77.4], 'us-east-2': [40.0, -83.0], 'us-west-1': [37.4, -121.9], 'us-west-2': [45.6, -121.2],
  'eu-west-1': [53.3, -6.3], 'eu-west-2': [51.5, -0.1], 'eu-west-3': [48.9, 2.4], 'eu-central-1': [50.1, 8.7], 'eu-north-1': [59.3, 18.1],
  'eu-south-1': [45.5, 9.2], 'ap-south-1': [19.1, 72.9], 'ap-southeast-1': [1.35, 103.8], 'ap-southeast-2': [-33.9, 151.2],
  'ap-northeast-1': [35.7, 139.7], 'ap-northeast-2': [37.6, 127.0], 'ap-northeast-3': [34.7, 135.5], 'ap-east-1': [22.3, 114.2],
  'sa-east-1': [-23.5, -46.6], 'ca-central-1': [45.5, -73.6], 'me-south-1': [26.1, 50.6], 'af-south-1': [-33.9, 18.4],
  'us-central1': [41.3, -95.9], 'us-east1': [33.2, -80.0], 'us-east4': [39.0, -77.5], 'us-west1': [45.6, -121.2], 'us-west2': [34.1, -118.2],
  'europe-west1': [50.4, 3.8], 'europe-west2': [51.5, -0.1], 'europe-west3': [50.1, 8.7], 'europe-west4': [53.4, 6.8], 'europe-north1': [60.6, 27.2],
  'asia-south1': [19.1, 72.9], 'asia-southeast1': [1.35, 103.8], 'asia-east1': [24.1, 120.7], 'asia-northeast1': [35.7, 139.7],
  'australia-southeast1': [-33.9, 151.2], 'southamerica-east1': [-23.5, -46.6],
  eastus: [37.4, -79.4], eastus2: [36.7, -78.4], westus: [37.8, -122.4], westus2: [47.2, -119.9], centralus: [41.6, -93.6],
  northeurope: [53.3, -6.3], westeurope: [52.4, 4.9], uksouth: [51.5, -0.1], germanywestcentral: [50.1, 8.7], swedencentral: [60.7, 17.1],
  centralindia: [18.6, 73.9], southindia: [12.9, 80.2], southeastasia: [1.3, 103.8], eastasia: [22.3, 114.2], japaneast: [35.7, 139.8],
  australiaeast: [-33.9, 151.2], brazilsouth: [-23.5, -46.6], canadacentral: [43.7, -79.4],
};

/** The coordinates of a region name from the table, if known. */
export function regionCoordinates(region: string): LatLon | undefined {
  const hit = TABLE[region.toLowerCase()];
  return hit ? { lat: hit[0], lon: hit[1] } : undefined;
}

/** Parses the coordinates annotation; undefined (never a throw) when absent or malformed. */
export function parseCoordinates(text: string | undefined): LatLon | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : undefined;
}

/** Where a Cluster is drawn: its own annotation first, then its region from the table. */
export function clusterCoordinates(cluster: Cluster): LatLon | undefined {
  return parseCoordinates(cluster.metadata?.annotations?.[COORDINATES_ANNOTATION]) ?? regionCoordinates(cluster.spec.region);
}
