import type { LabelSelector } from '../api/common.js';

/** One label requirement (matchExpressions element). */
export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** True when the labels satisfy one requirement. */
export function matchesRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(labels[r.key]);
    case 'NotIn': return !has || !(r.values ?? []).includes(labels[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    default: throw new Error(`matchExpressions: unknown operator "${String((r as { operator: unknown }).operator)}" for key "${r.key}"`);
  }
}

/** True when the labels satisfy a label selector; an empty selector matches everything. */
export function matchesSelector(labels: Record<string, string>, selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((r) => matchesRequirement(labels, r));
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why a label key is not a Kubernetes qualified name (`[prefix/]name`), or nothing. */
function keyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  const errs: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (!prefix) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name && !NAME.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  return errs;
}

/**
 * A label selector checked as Kubernetes' LabelSelectorAsSelector checks it (keys are qualified
 * names; `In`/`NotIn` need values, `Exists`/`DoesNotExist` take none; `labelValues` also checks
 * each value is a valid label value), returned as a predicate over a label map. An absent selector
 * matches everything. Throws naming `where` and the requirement that is wrong.
 */
export function compileSelector(selector: unknown, where: string, opts: { labelValues: boolean }): (labels: Record<string, string>) => boolean {
  if (selector === undefined || selector === null) return () => true;
  if (typeof selector !== 'object' || Array.isArray(selector)) throw new Error(`${where}: expected an object`);
  const { matchLabels, matchExpressions } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const reqs: Requirement[] = [];
  const check = (key: string, values: unknown[], path: string) => {
    const errs = keyErrors(key).map((e) => `${path}.key: Invalid value: ${JSON.stringify(key)}: ${e}`);
    values.forEach((v, i) => {
      if (typeof v !== 'string') errs.push(`${path}.values[${i}]: expected a string`);
      else if (opts.labelValues && (v.length > 63 || !LABEL_VALUE.test(v))) {
        errs.push(`${path}.values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`);
      }
    });
    if (errs.length) throw new Error(`${where}: ${errs.join('; ')}`);
  };
  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== 'object' || Array.isArray(matchLabels)) throw new Error(`${where}.matchLabels: expected an object`);
    for (const [k, v] of Object.entries(matchLabels)) {
      check(k, [v], `matchLabels[${JSON.stringify(k)}]`);
      reqs.push({ key: k, operator: 'In', values: [v as string] });
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) throw new Error(`${where}.matchExpressions: expected a list`);
    matchExpressions.forEach((e: unknown, i) => {
      const path = `matchExpressions[${i}]`;
      if (!e || typeof e !== 'object') throw new Error(`${where}.${path}: expected an object`);
      const { key, operator, values } = e as { key?: unknown; operator?: unknown; values?: unknown };
      if (typeof key !== 'string') throw new Error(`${where}.${path}.key: expected a string`);
      if (values !== undefined && values !== null && !Array.isArray(values)) throw new Error(`${where}.${path}.values: expected a list`);
      const vals = (values ?? []) as unknown[];
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
        throw new Error(`${where}.${path}.operator: ${JSON.stringify(operator)} is not a valid label selector operator`);
      }
      check(key, vals, path);
      if ((operator === 'In' || operator === 'NotIn') && !vals.length) throw new Error(`${where}.${path}.values: for 'in', 'notin' operators, values set can't be empty`);
      if ((operator === 'Exists' || operator === 'DoesNotExist') && vals.length) throw new Error(`${where}.${path}.values: values set must be empty for exists and does not exist`);
      reqs.push({ key, operator, values: vals as string[] });
    });
  }
  return (labels) => reqs.every((r) => matchesRequirement(labels, r));
}
