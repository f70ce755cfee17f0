// What the dashboard page shows, as plain JSON. The server builds it (aggregate*.ts), streams it
// (stream.ts) and the page renders it (web/). Nothing secret belongs here: no tokens, no Secret data.

/** One region on the map. */
export interface RegionView {
  name: string;
  lat?: number;
  lon?: number;
  clusters: string[];
  /** healthy: every cluster Ready; down: none Ready; degraded: some. */
  health: 'healthy' | 'degraded' | 'down';
}

/** One member cluster. */
export interface ClusterView {
  name: string;
  region: string;
  ready: boolean;
  reason: string;
  message: string;
  version?: string;
  nodes?: string;
  cpu?: string;
  memory?: string;
  podCIDRs: string[];
  serviceCIDRs: string[];
  /** Conditions other than Ready (the doctor's findings), when any. */
  findings: Array<{ type: string; status: string; reason: string; message: string }>;
}

/** One cell of the applications x clusters matrix. */
export interface AppCell {
  application: string;
  namespace: string;
  sync: string;
  health: string;
  revision: string;
  /** The member is not Ready: the cell is drawn red whatever its last status said. */
  clusterDown: boolean;
  rolloutStep?: number;
  rolloutStatus?: string;
  outOfSync: number;
}

/** One row of the matrix: an ApplicationSet (or a lone Application) across clusters. */
export interface AppRow {
  name: string;
  cells: Record<string, AppCell>;
  rollout?: { phase: string; step: number; target: string; message?: string; events: Array<{ time: string; type: string; revision: string; message: string }> };
}

/** The matrix. */
export interface AppsView {
  clusters: string[];
  rows: AppRow[];
}

/** One backend of a GlobalService. */
export interface BackendView {
  cluster: string;
  region: string;
  address: string;
  health: string;
  reason: string;
  lastTransitionTime: string;
}

/** One GlobalService: policy, backends, answers and where traffic goes now. */
export interface TrafficView {
  key: string;
  hostnames: string[];
  policy: string;
  order: string[];
  ready: string;
  backends: BackendView[];
  answers: Array<{ hostname: string; addresses: string[]; regions: string[] }>;
  /** Regions the answers send clients to now. */
  targets: string[];
  history: EventView[];
}

/** One exported service. */
export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  clusterSetIps: string[];
  answering: string[];
  clusters: Array<{ cluster: string; clusterReady: boolean; readyEndpoints: number; endpoints: number }>;
}

/** One entry of the timeline. */
export interface EventView {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
}

/** Inter-region egress of one name. */
export interface EgressView {
  name: string;
  answers: number;
  crossRegion: number;
  /** crossRegion / answers. */
  share: number;
  pairs: Array<{ from: string; to: string; answers: number; pricePerGb: number }>;
  requestsPerSecond: number;
  bytesPerRequest: number;
  gbPerMonth: number;
  monthlyCost: number;
  currency: string;
}

/** The whole page state; each key is one section the stream can replace on its own. */
export interface DashboardState {
  regions: RegionView[];
  clusters: ClusterView[];
  apps: AppsView;
  traffic: TrafficView[];
  services: ServiceView[];
  events: EventView[];
  egress: EgressView[];
}

/** The section names, in the order the page shows them. */
export const SECTIONS = ['regions', 'clusters', 'apps', 'traffic', 'services', 'events', 'egress'] as const;
