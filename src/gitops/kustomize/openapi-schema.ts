// OpenAPI v2 definitions as kyaml reads them for strategic merge: a set of definitions indexed by
// the resource types of their x-kubernetes-group-version-kind, and schema nodes that walk a field
// (properties, then additionalProperties), a list's elements (only when the type is exactly
// array) and resolve `$ref` against the whole set. A list merges by key when its patch strategy
// includes "merge": keys from x-kubernetes-list-map-keys, else x-kubernetes-patch-merge-key, else
// none (a list of scalars merged by value). Every other list is replaced.
import { hasOwn } from './own.js';

/** One OpenAPI v2 schema object (only what strategic merge reads is typed). */
export interface OpenApiNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, OpenApiNode>;
  additionalProperties?: OpenApiNode | boolean;
  items?: OpenApiNode;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-group-version-kind'?: unknown;
}

/** The `definitions` of an OpenAPI v2 document: type name -> schema. */
export type OpenApiDefinitions = Record<string, OpenApiNode>;

const REF_PREFIX = '#/definitions/';

/** A schema node within a definition set. */
export class SchemaType {
  private readonly children = new Map<string, SchemaType | undefined>();
  /** For lists: merge keys (empty = merge scalar values); undefined = replace the list. */
  readonly mergeKeys: string[] | undefined;

  constructor(private readonly set: SchemaSet, private readonly node: OpenApiNode) {
    this.mergeKeys = listKeys(node);
  }

  /** The schema of a map field (kyaml's ResourceSchema.Field). */
  field(name: string): SchemaType | undefined {
    if (this.children.has(name)) return this.children.get(name);
    const props = this.node.properties;
    const add = this.node.additionalProperties;
    let s: OpenApiNode | undefined;
    if (isNode(props) && hasOwn(props, name)) s = props[name];
    else if (isNode(add)) s = add;
    const out = s && this.set.resolve(s);
    this.children.set(name, out);
    return out;
  }

  /** The schema of a list's items (kyaml's ResourceSchema.Elements). */
  elements(): SchemaType | undefined {
    if (this.children.has('[]')) return this.children.get('[]');
    const type = this.node.type;
    const isArray = Array.isArray(type) ? type.length === 1 && type[0] === 'array' : type === 'array';
    const out = isArray && isNode(this.node.items) ? this.set.resolve(this.node.items) : undefined;
    this.children.set('[]', out);
    return out;
  }
}

// A custom schema comes from Git: anything can stand where a schema object is expected.
function isNode(v: unknown): v is OpenApiNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listKeys(node: OpenApiNode): string[] | undefined {
  const strategy = node['x-kubernetes-patch-strategy'];
  if (typeof strategy !== 'string' || !strategy.split(',').includes('merge')) return undefined;
  const mapKeys = node['x-kubernetes-list-map-keys'];
  if (Array.isArray(mapKeys)) return mapKeys.map(String);
  const key = node['x-kubernetes-patch-merge-key'];
  return typeof key === 'string' ? [key] : [];
}

/** Definitions parsed one document after another (a later one replaces a name or a type). */
export class SchemaSet {
  private readonly defs = new Map<string, OpenApiNode>();
  private readonly byType = new Map<string, OpenApiNode>();
  private readonly nodes = new WeakMap<OpenApiNode, SchemaType>();

  constructor(layers: readonly OpenApiDefinitions[]) {
    for (const layer of layers) this.add(layer);
  }

  private add(defs: OpenApiDefinitions): void {
    for (const [name, def] of Object.entries(defs)) {
      this.defs.set(name, def);
      const gvks = isNode(def) ? def['x-kubernetes-group-version-kind'] : undefined;
      if (!Array.isArray(gvks)) continue;
      for (const g of gvks) {
        if (typeof g !== 'object' || g === null) continue;
        const { group, version, kind } = g as Record<string, unknown>;
        const apiVersion = typeof group === 'string' && group !== '' ? `${group}/${String(version)}` : String(version);
        this.byType.set(`${apiVersion}\n${String(kind)}`, def);
      }
    }
  }

  /** The schema of a resource type, or undefined when the set has none. */
  forType(apiVersion: string, kind: string): SchemaType | undefined {
    const def = this.byType.get(`${apiVersion}\n${kind}`);
    return def && this.wrap(def);
  }

  /** Follows `$ref` until a schema without one; undefined when a reference is dangling. */
  resolve(node: OpenApiNode): SchemaType | undefined {
    let s: OpenApiNode | undefined = node;
    for (let hops = 0; isNode(s) && typeof s.$ref === 'string' && s.$ref !== ''; hops++) {
      if (hops > 64 || !s.$ref.startsWith(REF_PREFIX)) return undefined;
      s = this.defs.get(s.$ref.slice(REF_PREFIX.length));
    }
    return isNode(s) ? this.wrap(s) : undefined;
  }

  private wrap(node: OpenApiNode): SchemaType {
    let w = this.nodes.get(node);
    if (!w) {
      w = new SchemaType(this, node);
      this.nodes.set(node, w);
    }
    return w;
  }
}
