// The key/value pairs of a generator: literals (`k=v`, surrounding quotes removed), files
// (`path` or `key=path`) and env files (`K=V` lines, comments and blank lines skipped, values kept
// verbatim). kustomize reads a bare `K` from the process environment; that is refused here.
import { posix } from 'node:path';
import { fieldError } from './errors.js';
import type { GeneratorSpec } from './kustomization.js';
import type { Loader } from './loader.js';

/** One generated entry; `bytes` is set when the source was a file. */
export interface KvPair { key: string; value: string; bytes?: Buffer }

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}

function literal(source: string, file: string, field: string): KvPair {
  const i = source.indexOf('=');
  if (i <= 0) throw fieldError(file, field, `invalid literal source "${source}", expected key=value`);
  return { key: source.slice(0, i), value: removeQuotes(source.slice(i + 1)) };
}

function envLines(text: string, file: string, field: string): KvPair[] {
  const out: KvPair[] = [];
  text.split('\n').forEach((raw, n) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (n === 0) line = line.replace(/^\uFEFF/, '');
    line = line.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const i = line.indexOf('=');
    const key = i < 0 ? line : line.slice(0, i);
    if (!ENV_NAME.test(key)) throw fieldError(file, field, `line ${n + 1}: "${key}" is not a valid key name`);
    if (i < 0) throw fieldError(file, field, `line ${n + 1}: "${key}" has no value (reading the process environment is not supported)`);
    out.push({ key, value: line.slice(i + 1) });
  });
  return out;
}

/** Every pair of a generator, in source order: literals, then files, then env files... as kustomize orders them. */
export async function kvPairs(ldr: Loader, g: GeneratorSpec, file: string, field: string): Promise<KvPair[]> {
  const pairs: KvPair[] = [];
  for (const [i, path] of (g.envs ?? []).entries()) {
    pairs.push(...envLines(await ldr.readFile(path, `${field}.envs[${i}]`), file, `${field}.envs[${i}]`));
  }
  for (const [i, src] of (g.literals ?? []).entries()) pairs.push(literal(src, file, `${field}.literals[${i}]`));
  for (const [i, src] of (g.files ?? []).entries()) {
    const at = `${field}.files[${i}]`;
    const eq = src.indexOf('=');
    if (eq === 0 || src.endsWith('=')) throw fieldError(file, at, `invalid file source "${src}"`);
    const key = eq > 0 ? src.slice(0, eq) : posix.basename(src);
    const path = eq > 0 ? src.slice(eq + 1) : src;
    const bytes = await ldr.readBytes(path, at);
    pairs.push({ key, value: bytes.toString('utf8'), bytes });
  }
  return pairs;
}
