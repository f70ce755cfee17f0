import { SUCCESS, unschedulable, type FilterPlugin } from './types.js';

/** Filter: the node is Ready, and for a virtual node its peer cluster answers. */
export const clusterReady: FilterPlugin = {
  name: 'ClusterReady',
  filter(_pod, c) {
    if (c.ready) return SUCCESS;
    return unschedulable(c.virtual ? `cluster ${c.cluster} is not Ready` : 'node is not Ready');
  },
};
