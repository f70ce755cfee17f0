/** time.ParseInLocation (UTC) for Go reference layouts, with Go's error messages. */
import { GoError } from '../go/funcmap.js';
import { GoTime } from './dates.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const TOKENS = ['January', 'Jan', 'Monday', 'Mon', 'MST', '2006', 'Z07:00', 'Z0700', 'Z07', '-07:00', '-0700', '-07', '002', '01', '02', '_2', '15', '03', '04', '05', '06', 'PM', 'pm', '1', '2', '3', '4', '5'];

interface Fields { year: number; month: number; day: number; hour: number; min: number; sec: number; nanos: number; offset: number; pm?: boolean }

/** Parses value with a Go layout in UTC; throws Go's "parsing time ..." error. */
// eslint-disable-next-line complexity -- one switch over Go's layout tokens, as time.parse is
export function parseTime(layout: string, value: string): GoTime {
  const f: Fields = { year: 0, month: 1, day: 1, hour: 0, min: 0, sec: 0, nanos: 0, offset: 0 };
  let li = 0;
  let vi = 0;
  const fail = (token: string): never => { throw new GoError(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(value.slice(vi))} as ${JSON.stringify(token)}`); };
  const num = (token: string, min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(value.slice(vi));
    if (!m) return fail(token);
    vi += m[0].length;
    return Number(m[0]);
  };
  const word = (token: string, list: string[], short: boolean): number => {
    const i = list.findIndex((w) => value.slice(vi).toLowerCase().startsWith((short ? w.slice(0, 3) : w).toLowerCase()));
    if (i < 0) return fail(token);
    vi += short ? 3 : list[i].length;
    return i;
  };
  while (li < layout.length) {
    if ((layout[li] === '.' || layout[li] === ',') && /^[.,](0+|9+)/.test(layout.slice(li)) && layout.slice(Math.max(0, li - 2), li) === '05') {
      const m = /^[.,](0+|9+)/.exec(layout.slice(li)) as RegExpExecArray;
      li += m[0].length;
      const v = /^[.,](\d+)/.exec(value.slice(vi));
      if (v) { f.nanos = Number(v[1].padEnd(9, '0').slice(0, 9)); vi += v[0].length; } else if (m[1][0] === '0') fail(m[0]);
      continue;
    }
    const tok = TOKENS.find((t) => layout.startsWith(t, li));
    if (!tok) {
      if (value[vi] !== layout[li]) fail(layout.slice(li));
      li++; vi++;
      continue;
    }
    li += tok.length;
    switch (tok) {
      case '2006': f.year = num(tok, 4, 4); break;
      case '06': f.year = 1900 + num(tok, 2, 2); if (f.year < 1969) f.year += 100; break;
      case '01': f.month = num(tok, 2, 2); break;
      case '1': f.month = num(tok, 1, 2); break;
      case 'January': f.month = word(tok, MONTHS, false) + 1; break;
      case 'Jan': f.month = word(tok, MONTHS, true) + 1; break;
      case 'Monday': word(tok, DAYS, false); break;
      case 'Mon': word(tok, DAYS, true); break;
      case '02': f.day = num(tok, 2, 2); break;
      case '2': f.day = num(tok, 1, 2); break;
      case '_2': if (value[vi] === ' ') vi++; f.day = num(tok, 1, 2); break;
      case '002': num(tok, 3, 3); break;
      case '15': f.hour = num(tok, 1, 2); break;
      case '03': case '3': f.hour = num(tok, tok.length, 2); break;
      case '04': case '4': f.min = num(tok, tok.length, 2); break;
      case '05': case '5': f.sec = num(tok, tok.length, 2); break;
      case 'PM': case 'pm': { const s = value.slice(vi, vi + 2).toUpperCase(); if (s !== 'AM' && s !== 'PM') fail(tok); f.pm = s === 'PM'; vi += 2; break; }
      case 'MST': { const m = /^[A-Z]{3,5}/.exec(value.slice(vi)); if (!m) fail(tok); vi += (m as RegExpExecArray)[0].length; break; }
      default: {
        if (tok.startsWith('Z') && value[vi] === 'Z') { vi++; break; }
        const m = /^([+-])(\d{2}):?(\d{2})?/.exec(value.slice(vi));
        if (!m) fail(tok);
        const mm = m as RegExpExecArray;
        f.offset = (mm[1] === '-' ? -1 : 1) * (Number(mm[2]) * 3600 + Number(mm[3] ?? 0) * 60);
        vi += mm[0].length;
      }
    }
  }
  if (vi < value.length) throw new GoError(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(value.slice(vi))}`);
  if (f.pm !== undefined) { if (f.hour === 12) f.hour = 0; if (f.pm) f.hour += 12; }
  if (f.month < 1 || f.month > 12) throw new GoError(`parsing time ${JSON.stringify(value)}: month out of range`);
  if (f.day < 1 || f.day > 31) throw new GoError(`parsing time ${JSON.stringify(value)}: day out of range`);
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.min, f.sec, Math.floor(f.nanos / 1e6));
  return new GoTime(d.getTime() - f.offset * 1000, f.nanos % 1e6, f.offset === 0 ? 'UTC' : '', f.offset);
}

/** Go's zero time. */
export function zeroTime(): GoTime {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return new GoTime(d.getTime());
}
