// One kustomization being built and what it has accumulated: kustomize's KustTarget and
// ResAccumulator. Shared by the build steps, so it holds data only.
import type { Kustomization, VarSpec } from './kustomization.js';
import type { Loader } from './loader.js';
import type { OpenApiState } from './openapi-state.js';
import { ResMap } from './resmap.js';
import { defaultConfig, type TransformerConfig } from './transformer-config.js';

/** A loaded kustomization. */
export interface Target {
  ldr: Loader;
  k: Kustomization;
  /** The kustomization file, relative to the repository root (for messages). */
  file: string;
  /** The kustomization file's own name (kustomization.yaml, kustomization.yml or Kustomization). */
  fileName: string;
  /** The top-level build's buildMetadata options (kustomize passes them down). */
  buildMetadata: string[];
  /** With origin tracking on, this directory relative to the built one; undefined when off. */
  originPath: string | undefined;
  /** The schema state of the whole build (one per render, shared by every target in it). */
  openapi: OpenApiState;
}

/** Resources, transformer configuration and vars gathered so far. */
export interface Accumulator {
  resMap: ResMap;
  config: TransformerConfig;
  vars: VarSpec[];
}

/** A fresh accumulator with kustomize's default configuration. */
export function emptyAccumulator(): Accumulator {
  return { resMap: new ResMap(), config: defaultConfig(), vars: [] };
}
