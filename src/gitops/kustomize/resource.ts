// One object flowing through the build, with the bookkeeping kustomize keeps in internal
// annotations (previous ids, applied prefixes/suffixes, generator behaviour, origin).
import { parseApiVersion, type Gvk, type ResId } from './resid.js';
import { clone, ensureObj, isObj, str, type Obj } from './values.js';

/** Where a resource came from or which transformer touched it (buildMetadata). */
export interface Origin {
  path?: string;
  configuredIn?: string;
  configuredBy?: { apiVersion: string; kind: string; name?: string; namespace?: string };
}

/** A resource and its build state. */
export class Resource {
  prevIds: ResId[] = [];
  prefixes: string[] = [];
  suffixes: string[] = [];
  behavior = '';
  needsHash = false;
  allowNameChange = false;
  allowKindChange = false;
  origin: Origin | undefined;
  transformations: Origin[] = [];
  /** Vars bound to this resource by the kustomization that declared them (kustomize's refVarNames). */
  refVarNames: string[] = [];
  /** The file the resource was read from (for messages). */
  source = '';

  constructor(public obj: Obj) {}

  get kind(): string { return str(this.obj, 'kind'); }
  get apiVersion(): string { return str(this.obj, 'apiVersion'); }
  get name(): string { return str(this.obj.metadata, 'name'); }
  get namespace(): string { return str(this.obj.metadata, 'namespace'); }

  /** Sets metadata.name. */
  setName(name: string): void { ensureObj(this.obj, 'metadata').name = name; }

  /** Sets metadata.namespace; an empty string removes it. */
  setNamespace(ns: string): void {
    const meta = ensureObj(this.obj, 'metadata');
    if (ns) meta.namespace = ns;
    else delete meta.namespace;
  }

  /** The group, version and kind. */
  gvk(): Gvk {
    const { group, version } = parseApiVersion(this.apiVersion);
    return { group, version, kind: this.kind };
  }

  /** The current id. */
  curId(): ResId {
    const { group, version } = parseApiVersion(this.apiVersion);
    return { group, version, kind: this.kind, name: this.name, namespace: this.namespace };
  }

  /** The id the resource had first. */
  orgId(): ResId { return this.prevIds[0] ?? this.curId(); }

  /** Every id the resource has had, oldest first, the current one last. */
  allIds(): ResId[] { return [...this.prevIds, this.curId()]; }

  /** Remembers the current id as a previous one (kustomize's StorePreviousId). */
  storePreviousId(): void {
    const id = this.curId();
    this.prevIds.push(id);
  }

  /** Labels of the object. */
  labels(): Record<string, string> { return stringMap(this.obj.metadata, 'labels'); }

  /** Annotations of the object. */
  annotations(): Record<string, string> { return stringMap(this.obj.metadata, 'annotations'); }

  /** A deep copy, bookkeeping included. */
  copy(): Resource {
    const r = new Resource(clone(this.obj));
    Object.assign(r, { ...this, obj: r.obj, prevIds: [...this.prevIds], prefixes: [...this.prefixes], suffixes: [...this.suffixes], refVarNames: [...this.refVarNames] });
    r.transformations = [...this.transformations];
    return r;
  }
}

function stringMap(meta: unknown, key: string): Record<string, string> {
  const m = isObj(meta) ? meta[key] : undefined;
  // Null prototype: label keys from Git must not find inherited members in selectors.
  const out = Object.create(null) as Record<string, string>;
  if (isObj(m)) for (const [k, v] of Object.entries(m)) out[k] = typeof v === 'string' ? v : v === null ? '' : String(v);
  return out;
}
