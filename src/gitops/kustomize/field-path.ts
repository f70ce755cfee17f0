// Dotted field paths of replacements and vars (`spec.containers.[name=app].env.0.value`,
// `metadata.annotations.[example.com/x]`): split as kyaml's SmarterPathSplitter does, then matched
// against an object, optionally creating what is missing.
import { isObj, type Obj, type Value } from './values.js';
import { getOwn, hasOwn, setOwn } from './own.js';

/** Splits a dotted path; bracketed parts keep their dots, `[key]` without `=` becomes `key`. */
export function splitFieldPath(path: string): string[] {
  const raw: string[] = [];
  for (const part of path.split('.')) {
    const last = raw.length - 1;
    if (last >= 0 && raw[last].endsWith('\\')) raw[last] = raw[last].slice(0, -1) + '.' + part;
    else raw.push(part);
  }
  if (raw.length > 1 && raw[0] === '') raw.shift();
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const elem = raw[i];
    if (elem.startsWith('[') && !elem.endsWith(']')) {
      const group = [elem];
      while (i < raw.length - 1) {
        i++;
        group.push(raw[i]);
        if (raw[i].endsWith(']')) break;
      }
      const joined = group.join('.');
      out.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
    } else out.push(elem);
  }
  return out;
}

/** A place holding a value: the container and the key or index inside it. */
export interface Slot { parent: Obj | Value[]; key: string | number }

function scalarText(v: Value | undefined): string | undefined {
  return v === null || v === undefined || typeof v === 'object' ? undefined : String(v);
}

function matchList(list: Value[], part: string): number[] {
  if (part === '*') return list.map((_, i) => i);
  if (/^\d+$/.test(part)) return Number(part) < list.length ? [Number(part)] : [];
  const m = /^\[([^=]*)=(.*)\]$/.exec(part);
  if (!m) return [];
  const [, key, value] = m;
  return list.flatMap((e, i) => ((key === '' ? scalarText(e) : isObj(e) ? scalarText(getOwn(e, key)) : undefined) === value ? [i] : []));
}

/** True when the field exists or was created (an intermediate one as a list or mapping). */
function reachField(node: Obj, part: string, create: boolean, nextPart: string | undefined): boolean {
  if (hasOwn(node, part) && node[part] !== null) return true;
  if (!create) return false;
  if (nextPart !== undefined) setOwn(node, part, /^\[.*=.*\]$/.test(nextPart) ? [] : {});
  return true;
}

/** Every slot a path reaches; with `create`, missing map fields (and `[k=v]` items) are made. */
export function findSlots(root: Value, parts: string[], create: boolean): Slot[] {
  let current: Slot[] = [{ parent: [root], key: 0 }];
  for (const [n, part] of parts.entries()) {
    const next: Slot[] = [];
    const isLast = n === parts.length - 1;
    for (const slot of current) {
      const node = slotValue(slot);
      if (Array.isArray(node)) {
        const hits = matchList(node, part);
        const kv = /^\[([^=]+)=(.*)\]$/.exec(part);
        if (hits.length === 0 && create && kv) {
          node.push({ [kv[1]]: kv[2] });
          hits.push(node.length - 1);
        }
        for (const i of hits) next.push({ parent: node, key: i });
      } else if (isObj(node) && reachField(node, part, create, isLast ? undefined : parts[n + 1])) {
        next.push({ parent: node, key: part });
      }
    }
    current = next;
  }
  return current;
}

/** The value at a slot. */
export function slotValue(s: Slot): Value | undefined {
  if (Array.isArray(s.parent)) return s.parent[s.key as number];
  return getOwn(s.parent, String(s.key));
}

/** Sets the value at a slot. */
export function setSlot(s: Slot, v: Value): void {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = v;
  else setOwn(s.parent, String(s.key), v);
}
