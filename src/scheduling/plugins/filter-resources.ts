import { cpuQuantity, memoryQuantity } from '../resources.js';
import { SUCCESS, unschedulable, type FilterPlugin } from './types.js';

/** Filter: the candidate's free CPU, memory and pod slots cover the pod's requests. */
export const fitResources: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter({ requests }, c) {
    const reasons: string[] = [];
    if (requests.cpu > c.free.cpu + 1e-9) reasons.push(`Insufficient cpu (requests ${cpuQuantity(requests.cpu)}, ${cpuQuantity(c.free.cpu)} free)`);
    if (requests.memory > c.free.memory) reasons.push(`Insufficient memory (requests ${memoryQuantity(requests.memory)}, ${memoryQuantity(c.free.memory)} free)`);
    if (c.free.pods < 1) reasons.push('Too many pods');
    return reasons.length ? unschedulable(...reasons) : SUCCESS;
  },
};
