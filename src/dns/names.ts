// Domain names as Meridian's zones store them: lower-case, absolute, no trailing dot, the root
// written as "". Wire names become this form through presentationLabel (RFC 1035 section 5.1).

/** Lower-cases an ASCII name and strips a trailing dot, so "Web.NS.svc.ClusterSet.Local." matches. */
export function normalizeName(name: string): string {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.toLowerCase();
}

/** True if `name` equals `origin` or lies below it (both normalized; origin "" is the root). */
export function isAtOrBelow(name: string, origin: string): boolean {
  if (origin === '') return true;
  if (name === origin) return true;
  return name.length > origin.length && name.endsWith(origin) && name[name.length - origin.length - 1] === '.';
}

/** The names strictly between `name` and `origin` plus origin itself, nearest first. */
export function ancestorsUpTo(name: string, origin: string): string[] {
  const out: string[] = [];
  let current = name;
  while (current !== origin) {
    const dot = current.indexOf('.');
    current = dot < 0 ? '' : current.slice(dot + 1);
    out.push(current);
    if (current === '') break;
  }
  return out;
}

/** The parent of a normalized name ("" for a single label and for the root). */
export function parentName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

const PLAIN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) PLAIN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) PLAIN[c] = 1;
PLAIN[0x2d] = 1; // '-'
PLAIN[0x5f] = 1; // '_'
PLAIN[0x2a] = 1; // '*'

/**
 * One wire label in lower-case presentation form: A-Z folded to a-z, '.' and '\' escaped with a
 * backslash, other non-hostname bytes as \DDD, so a label holding a dot can never alias two labels.
 */
export function presentationLabel(buf: Buffer, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    if (PLAIN[buf[i]!] !== 1) { plain = false; break; }
  }
  if (plain) return buf.toString('latin1', start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (PLAIN[c] === 1) out += String.fromCharCode(c);
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 32);
    else if (c === 0x2e || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else out += '\\' + String(c).padStart(3, '0');
  }
  return out;
}
