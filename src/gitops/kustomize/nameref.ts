// Fixing name references at the end of a build (kustomize's nameReference transformer): a field
// that names a ConfigMap, Secret, ServiceAccount... is updated to the referred resource's final
// name when exactly one renamed resource of that kind, visible from the referrer's namespace, once
// had that name. References to objects outside the build are left alone.
import { KustomizeError } from './errors.js';
import { visitFieldSpec } from './fieldspec.js';
import type { FieldSpec } from './kustomization.js';
import { effectiveNamespace, gvkSelected, idString, isClusterScoped, type Gvk, type ResId } from './resid.js';
import type { Resource } from './resource.js';
import type { ResMap } from './resmap.js';
import type { NameBackReference } from './transformer-config.js';
import { isObj, str, type Obj, type Value } from './values.js';
import { hasOwn } from './own.js';

interface Ctx { referrer: Resource; target: Partial<Gvk>; path: string; candidates: Resource[] }

function sameEnding(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0) return long.length === 0;
  const diff = long.length - short.length;
  return short.every((x, i) => long[i + diff] === x);
}

function affixesEqual(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  const pre = (allowEmpty && (r.prefixes.length === 0 || o.prefixes.length === 0)) || sameEnding(r.prefixes, o.prefixes);
  const suf = (allowEmpty && (r.suffixes.length === 0 || o.suffixes.length === 0)) || sameEnding(r.suffixes, o.suffixes);
  return pre && suf;
}

function roleRefGvk(r: Resource): Partial<Gvk> | undefined {
  const ref = r.obj.roleRef;
  if (!isObj(ref) || typeof ref.apiGroup !== 'string' || typeof ref.kind !== 'string') return undefined;
  return { group: ref.apiGroup, kind: ref.kind };
}

function selectReferral(ctx: Ctx, oldName: string, candidates: Resource[], identical: (rs: Resource[]) => boolean): Resource | undefined {
  const refCur = ctx.referrer.curId();
  const roleRef = ctx.path.endsWith('roleRef/name') ? roleRefGvk(ctx.referrer) : undefined;
  let c = candidates.filter((r) => r.prevIds.some((id) => id.name === oldName) && r.prevIds.some((id) => gvkSelected(id, ctx.target)));
  if (roleRef) c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id, roleRef)));
  if (!isClusterScoped(refCur)) {
    c = c.filter((r) => isClusterScoped(r.curId()) || r.kind === 'ServiceAccount' || effectiveNamespace(r.curId()) === effectiveNamespace(refCur));
  }
  if (c.length === 1) return c[0];
  c = c.filter((r) => affixesEqual(r, ctx.referrer, true));
  if (c.length > 1) c = c.filter((r) => affixesEqual(r, ctx.referrer, false));
  if (c.length <= 1) return c[0];
  if (identical(c)) return c[0];
  throw new KustomizeError(ctx.referrer.source, `found multiple possible referrals for "${oldName}" in ${ctx.referrer.kind} ${ctx.referrer.name}`);
}

const sameNames = (rs: Resource[]): boolean => rs.every((r) => r.name === rs[0].name);
const sameNamesAndNs = (rs: Resource[]): boolean => rs.every((r) => r.name === rs[0].name && r.namespace === rs[0].namespace);

function setMapping(ctx: Ctx, node: Obj): void {
  if (typeof node.name !== 'string') return;
  let candidates = ctx.candidates;
  if (hasOwn(node, 'namespace') && (node.namespace === null || node.namespace === '')) {
    // kustomize's nameref filter: a reference naming a blank namespace is bad input, not "default".
    throw new KustomizeError(ctx.referrer.source, `Invalid Input: namespace is blank for resource "${idString(ctx.referrer.curId())}" (field "namespace" of the reference to "${node.name}")`);
  }
  if (hasOwn(node, 'namespace')) {
    const ns = str(node, 'namespace');
    // kustomize groups the candidates by original, else current, effective namespace and looks the
    // field's value up as it is; cluster-scoped objects are in no group (GroupedBy*Namespace).
    const inNs = (id: ResId): boolean => !isClusterScoped(id) && effectiveNamespace(id) === ns;
    const byOrg = ctx.candidates.filter((r) => inNs(r.orgId()));
    candidates = byOrg.length ? byOrg : ctx.candidates.filter((r) => inNs(r.curId()));
  }
  const referral = selectReferral(ctx, node.name, candidates, sameNamesAndNs);
  if (!referral || (referral.name === node.name && referral.namespace === '')) return;
  node.name = referral.name;
  if (referral.namespace) node.namespace = referral.namespace;
}

function setValue(ctx: Ctx, parent: Obj | Value[], key: string | number): void {
  const v = (parent as Record<string | number, Value>)[key];
  if (typeof v === 'string') {
    const referral = selectReferral(ctx, v, ctx.candidates, sameNames);
    if (referral) (parent as Record<string | number, Value>)[key] = referral.name;
  } else if (isObj(v)) setMapping(ctx, v);
  else if (Array.isArray(v)) v.forEach((_, i) => setValue(ctx, v, i));
}

function candidatesFor(m: ResMap, referrer: Resource): Resource[] {
  const cur = referrer.curId();
  if (isClusterScoped(cur)) return m.list;
  const bindingNs = new Set<string>();
  if (referrer.kind === 'RoleBinding' && Array.isArray(referrer.obj.subjects)) {
    for (const s of referrer.obj.subjects) if (isObj(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') bindingNs.add(s.namespace);
  }
  return m.list.filter((r) => isClusterScoped(r.curId()) || effectiveNamespace(r.curId()) === effectiveNamespace(cur) || bindingNs.has(r.namespace));
}

/** Rewrites every name reference the configuration knows to the referred resources' final names. */
export function fixNameReferences(m: ResMap, backRefs: NameBackReference[]): void {
  const orgIds = new Map(m.list.map((r) => [r, r.orgId()]));
  for (const referrer of m.list) {
    const specs: Array<[NameBackReference, FieldSpec]> = [];
    for (const br of backRefs) for (const fs of br.fieldSpecs) if (gvkSelected(orgIds.get(referrer) as Gvk, fs)) specs.push([br, fs]);
    if (specs.length === 0) continue;
    const candidates = candidatesFor(m, referrer);
    for (const [br, fs] of specs) {
      const ctx: Ctx = { referrer, target: { kind: br.kind, group: br.group, version: br.version }, path: fs.path, candidates };
      visitFieldSpec(referrer.obj, referrer.gvk(), { ...fs, kind: undefined, group: undefined, version: undefined, create: false }, 'none', (parent, key) => setValue(ctx, parent, key));
    }
  }
}
