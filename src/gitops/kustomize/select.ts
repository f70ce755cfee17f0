// Selecting resources as kustomize's Select does for patch targets and replacements: anchored
// regular expressions on group, version, kind, name and namespace (matched against the original
// or the current id), plus Kubernetes label and annotation selectors.
import { KustomizeError } from './errors.js';
import type { Selector } from './kustomization.js';
import { effectiveNamespace } from './resid.js';
import type { Resource } from './resource.js';

function anchored(pattern: string | undefined, file: string): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new KustomizeError(file, `invalid selector pattern "${pattern}": ${(err as Error).message}`);
  }
}

type Requirement = (m: Record<string, string>) => boolean;

function parseRequirement(term: string, file: string): Requirement {
  const t = term.trim();
  let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t);
  if (m) {
    const [, key, op, list] = m;
    const set = new Set(list.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    return op === 'in' ? (l) => key in l && set.has(l[key]) : (l) => !(key in l) || !set.has(l[key]);
  }
  m = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(t);
  if (m) {
    const [, key, op, value] = m;
    return op === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value;
  }
  if (/^![^\s!=]+$/.test(t)) return (l) => !(t.slice(1) in l);
  if (/^[^\s!=(),]+$/.test(t)) return (l) => t in l;
  throw new KustomizeError(file, `invalid selector "${term}"`);
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '(') depth++;
    else if (selector[i] === ')') depth--;
    else if (selector[i] === ',' && depth === 0) { terms.push(selector.slice(start, i)); start = i + 1; }
  }
  terms.push(selector.slice(start));
  return terms.filter((t) => t.trim() !== '');
}

/** A Kubernetes label selector (`a=b,c!=d,e in (f,g),!h`) as a predicate. */
export function labelSelector(selector: string | undefined, file: string): (m: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map((t) => parseRequirement(t, file));
  return (m) => reqs.every((r) => r(m));
}

/** A predicate for resources matching a selector. */
export function selectorMatcher(s: Selector, file: string): (r: Resource) => boolean {
  const re = {
    group: anchored(s.group, file), version: anchored(s.version, file), kind: anchored(s.kind, file),
    name: anchored(s.name, file), namespace: anchored(s.namespace, file),
  };
  const labels = labelSelector(s.labelSelector, file);
  const annotations = labelSelector(s.annotationSelector, file);
  return (r) => {
    const cur = r.curId(), org = r.orgId();
    if (re.namespace && !re.namespace.test(effectiveNamespace(org)) && !re.namespace.test(effectiveNamespace(cur))) return false;
    if (re.name && !re.name.test(org.name) && !re.name.test(cur.name)) return false;
    if ((re.group && !re.group.test(cur.group)) || (re.version && !re.version.test(cur.version)) || (re.kind && !re.kind.test(cur.kind))) return false;
    return labels(r.labels()) && annotations(r.annotations());
  };
}

/** The resources a selector picks, in order. */
export function selectResources(list: Resource[], s: Selector, file: string): Resource[] {
  const match = selectorMatcher(s, file);
  return list.filter(match);
}
