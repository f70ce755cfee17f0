import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeObject } from '../kube/types.js';

/** A Pod as client-node models it, usable with Meridian's generic client and informers. */
export type Pod = V1Pod & KubeObject;
/** A Node as client-node models it, usable with Meridian's generic client and informers. */
export type Node = V1Node & KubeObject;
