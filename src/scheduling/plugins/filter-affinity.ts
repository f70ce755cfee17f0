import { describeTerms, matchesNodeSelectorTerms } from '../node-affinity.js';
import { SUCCESS, unschedulable, type FilterPlugin } from './types.js';

/**
 * Filter: the pod's nodeSelector and required node affinity match the candidate's labels. A
 * virtual node carries its peer's labels (region, zone, ...), so selectors on cluster labels such
 * as `topology.kubernetes.io/region` steer which cluster a pod may go to.
 */
export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  filter({ pod }, c) {
    const reasons: string[] = [];
    for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) {
      if (c.labels[k] !== v) reasons.push(`node selector ${k}=${v} does not match (${k}=${c.labels[k] ?? '<unset>'})`);
    }
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (terms && !matchesNodeSelectorTerms(c.labels, terms)) reasons.push(`node affinity ${describeTerms(terms)} does not match`);
    return reasons.length ? unschedulable(...reasons) : SUCCESS;
  },
};
