/**
 * The smallest set of vertices touching every edge (minimum vertex cover), exactly, by branching
 * on an uncovered edge: one of its two ends must be in the cover. Vertices in `forced` are always
 * in it. Exponential in the worst case, so beyond `exactLimit` conflicting vertices it falls back to
 * the greedy highest-degree rule. Ties go to the cover whose members sort last by `rank`, so the
 * result is deterministic (and the clusters that joined first stay put when ranks are join order).
 */
export function minimumVertexCover(vertices: string[], edges: Array<[string, string]>, forced: string[] = [], exactLimit = 30): string[] {
  const rank = new Map(vertices.map((v, i) => [v, i]));
  const open = edges.filter(([a, b]) => a !== b && !forced.includes(a) && !forced.includes(b));
  const involved = new Set(open.flat());
  const chosen = involved.size > exactLimit ? greedy(open) : exact(open, rank);
  return [...new Set([...forced, ...chosen])].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
}

function score(cover: string[], rank: Map<string, number>): number {
  return cover.reduce((s, v) => s - (rank.get(v) ?? 0), cover.length * 1e6);
}

function exact(edges: Array<[string, string]>, rank: Map<string, number>): string[] {
  let best: string[] | undefined;
  const walk = (rest: Array<[string, string]>, cover: string[]) => {
    if (best && cover.length > best.length) return;
    if (rest.length === 0) {
      if (!best || score(cover, rank) < score(best, rank)) best = [...cover];
      return;
    }
    const [a, b] = rest[0];
    // Try the later-ranked end first: it is the one we prefer to move.
    const [first, second] = (rank.get(a) ?? 0) > (rank.get(b) ?? 0) ? [a, b] : [b, a];
    for (const v of [first, second]) walk(rest.filter(([x, y]) => x !== v && y !== v), [...cover, v]);
  };
  walk(edges, []);
  return best ?? [];
}

function greedy(edges: Array<[string, string]>): string[] {
  const cover: string[] = [];
  let rest = edges;
  while (rest.length) {
    const degree = new Map<string, number>();
    for (const [a, b] of rest) for (const v of [a, b]) degree.set(v, (degree.get(v) ?? 0) + 1);
    const [v] = [...degree.entries()].sort((x, y) => y[1] - x[1] || y[0].localeCompare(x[0]))[0];
    cover.push(v);
    rest = rest.filter(([x, y]) => x !== v && y !== v);
  }
  return cover;
}
