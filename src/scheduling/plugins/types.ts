import type { V1Pod, V1Taint } from '@kubernetes/client-node';
import type { Resources } from '../resources.js';

/** One place a pod could go: a physical node at home, or a peer's virtual node. */
export interface Candidate {
  name: string;
  /** The cluster the pod would run in (home, or the peer behind the virtual node). */
  cluster: string;
  virtual: boolean;
  ready: boolean;
  labels: Record<string, string>;
  taints: V1Taint[];
  allocatable: Resources;
  /** Allocatable minus what bound (and just-assumed) pods request. */
  free: Resources;
  /** Pods of the same owner already on this candidate (spread). */
  siblings: number;
}

/** A plugin's verdict, as kube-scheduler's framework.Status: code plus reasons. */
export type PluginStatus =
  | { code: 'Success' }
  | { code: 'Unschedulable'; reasons: string[] }
  | { code: 'Error'; reasons: string[] };

/** What plugins see of the pod being placed. */
export interface PodInfo {
  pod: V1Pod;
  requests: Resources;
}

/** Rejects candidates the pod cannot use; each rejection says why. */
export interface FilterPlugin {
  readonly name: string;
  filter(pod: PodInfo, candidate: Candidate): PluginStatus;
}

/** Ranks feasible candidates: 0 (worst) to 100 (best), multiplied by the plugin's weight. */
export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  score(pod: PodInfo, candidate: Candidate, all: readonly Candidate[]): number;
}

/** Success. */
export const SUCCESS: PluginStatus = { code: 'Success' };

/** Unschedulable with reasons. */
export function unschedulable(...reasons: string[]): PluginStatus {
  return { code: 'Unschedulable', reasons };
}
