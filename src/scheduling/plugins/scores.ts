import type { ScorePlugin } from './types.js';

/** Score: home first. Physical nodes of the pod's own cluster score 100, virtual nodes 0. */
export const localFirst: ScorePlugin = {
  name: 'LocalFirst',
  weight: 10,
  score: (_pod, c) => (c.virtual ? 0 : 100),
};

/** Score: the more CPU and memory left free after placing the pod, the better (least allocated). */
export const freeCapacity: ScorePlugin = {
  name: 'FreeCapacity',
  weight: 1,
  score({ requests }, c) {
    const part = (free: number, req: number, total: number) => (total > 0 ? Math.max(0, (free - req) / total) : 0);
    const cpu = part(c.free.cpu, requests.cpu, c.allocatable.cpu);
    const mem = c.allocatable.memory > 0 ? part(c.free.memory, requests.memory, c.allocatable.memory) : cpu;
    return Math.round(((cpu + mem) / 2) * 100);
  },
};

/** Score: fewer pods of the same owner on the candidate than elsewhere scores higher (spread). */
export const spread: ScorePlugin = {
  name: 'Spread',
  weight: 2,
  score(_pod, c, all) {
    const max = Math.max(0, ...all.map((x) => x.siblings));
    return max === 0 ? 100 : Math.round(100 * (1 - c.siblings / (max + 1)));
  },
};
