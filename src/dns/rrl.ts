// Response-rate limiting in the manner of BIND's RRL: a spoofed-source flood of queries must not
// turn the server into an amplifier aimed at the victim whose address was forged. Replies are
// accounted per client prefix (/24 for IPv4, /56 for IPv6) and per answer; past the rate, replies
// are dropped, except every `slip`-th, which goes out as an empty TC=1 reply so a real client
// behind the prefix retries over TCP (which is never limited: TCP cannot be spoofed).

import net from 'node:net';

/** How replies are limited. */
export interface RrlOptions {
  /** Identical replies per second a client prefix may receive; default 5. */
  responsesPerSecond: number;
  /** Seconds over which the rate is averaged: a prefix in debt recovers after this long; default 15. */
  windowSeconds: number;
  /** Every slip-th limited reply is sent truncated (TC=1) instead of dropped; 0 never; default 2. */
  slip: number;
  /** Prefix length that groups IPv4 clients; default 24. */
  ipv4PrefixLength: number;
  /** Prefix length that groups IPv6 clients; default 56. */
  ipv6PrefixLength: number;
  /** Accounts kept at once; the least recently used (to within a second) go first past this; default 100 000. */
  maxEntries: number;
}

/** BIND's usual starting point for an authoritative server. */
export const DEFAULT_RRL: RrlOptions = { responsesPerSecond: 5, windowSeconds: 15, slip: 2, ipv4PrefixLength: 24, ipv6PrefixLength: 56, maxEntries: 100_000 };

/** What to do with one reply. */
export type RrlVerdict = 'send' | 'drop' | 'slip';

/** Client prefixes remembered by address before the memo starts over (a spoofed flood of random sources). */
const MAX_PREFIXES = 4096;

/** How long an account keeps its place in the eviction order after it was last moved to the back. */
const REORDER_MS = 1000;

interface Account {
  balance: number;
  updatedMs: number;
  /** When the account was last put at the back of the eviction order. */
  movedMs: number;
  limited: number;
}

/** Validates options, filling in defaults; throws naming the bad field. */
export function rrlOptions(partial: Partial<RrlOptions> = {}): RrlOptions {
  const o = { ...DEFAULT_RRL, ...partial };
  const check = (field: keyof RrlOptions, ok: boolean): void => {
    if (!ok) throw new Error(`response-rate limit: ${field} ${o[field]} is out of range`);
  };
  check('responsesPerSecond', Number.isFinite(o.responsesPerSecond) && o.responsesPerSecond > 0);
  check('windowSeconds', Number.isFinite(o.windowSeconds) && o.windowSeconds >= 1 && o.windowSeconds <= 3600);
  check('slip', Number.isInteger(o.slip) && o.slip >= 0 && o.slip <= 10);
  check('ipv4PrefixLength', Number.isInteger(o.ipv4PrefixLength) && o.ipv4PrefixLength >= 8 && o.ipv4PrefixLength <= 32);
  check('ipv6PrefixLength', Number.isInteger(o.ipv6PrefixLength) && o.ipv6PrefixLength >= 16 && o.ipv6PrefixLength <= 128);
  check('maxEntries', Number.isInteger(o.maxEntries) && o.maxEntries >= 1);
  return o;
}

/** Per-prefix, per-answer token accounts; `check` is called once per UDP reply. */
export class ResponseRateLimiter {
  private readonly options: RrlOptions;
  private readonly accounts = new Map<string, Account>();
  // Working out a prefix (parse, mask, format) cost more than the rest of a check; the same
  // resolvers ask again and again, so it is done once per address.
  private prefixes = new Map<string, string>();

  /** Options are validated; see rrlOptions. */
  constructor(options: Partial<RrlOptions> = {}) {
    this.options = rrlOptions(options);
  }

  /** Accounts one reply keyed `answerKey` to `clientAddress` at `nowMs` and says what to do with it. */
  check(clientAddress: string, answerKey: string, nowMs: number): RrlVerdict {
    const { responsesPerSecond: rate, windowSeconds, slip, maxEntries } = this.options;
    const key = `${this.prefixOf(clientAddress)}|${answerKey}`;
    let account = this.accounts.get(key);
    if (account) {
      account.balance = Math.min(rate, account.balance + ((nowMs - account.updatedMs) / 1000) * rate);
      account.updatedMs = nowMs;
      // The Map's order is least recently used first, to within REORDER_MS: moving a busy account
      // to the back on every reply (a delete and a set in a large map) cost more than the rest.
      if (nowMs - account.movedMs >= REORDER_MS) {
        this.accounts.delete(key);
        this.accounts.set(key, account);
        account.movedMs = nowMs;
      }
    } else {
      account = { balance: rate, updatedMs: nowMs, movedMs: nowMs, limited: 0 };
      if (this.accounts.size >= maxEntries) this.accounts.delete(this.accounts.keys().next().value as string);
      this.accounts.set(key, account);
    }
    // Debt is capped at one window's worth, so a flood that stops is forgiven after the window.
    account.balance = Math.max(-rate * windowSeconds, account.balance - 1);
    if (account.balance >= 0) {
      account.limited = 0;
      return 'send';
    }
    account.limited++;
    return slip > 0 && account.limited % slip === 0 ? 'slip' : 'drop';
  }

  /** Accounts held now (for tests and metrics). */
  get size(): number {
    return this.accounts.size;
  }

  /** Client prefixes remembered now (bounded by MAX_PREFIXES). */
  get prefixesHeld(): number {
    return this.prefixes.size;
  }

  private prefixOf(address: string): string {
    let prefix = this.prefixes.get(address);
    if (prefix === undefined) {
      if (this.prefixes.size >= MAX_PREFIXES) this.prefixes = new Map();
      prefix = clientPrefix(address, this.options);
      this.prefixes.set(address, prefix);
    }
    return prefix;
  }
}

/** The client's prefix as text ("192.0.2.0/24"); unparseable addresses are their own prefix. */
export function clientPrefix(address: string, options: Pick<RrlOptions, 'ipv4PrefixLength' | 'ipv6PrefixLength'>): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped ? mapped[1]! : address;
  if (net.isIPv4(v4)) {
    const n = v4.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const bits = options.ipv4PrefixLength;
    const masked = bits === 32 ? n : Math.floor(n / 2 ** (32 - bits)) * 2 ** (32 - bits);
    return `${[24, 16, 8, 0].map((s) => Math.floor(masked / 2 ** s) % 256).join('.')}/${bits}`;
  }
  if (net.isIPv6(address)) return `${ipv6Prefix(address, options.ipv6PrefixLength)}/${options.ipv6PrefixLength}`;
  return address;
}

function ipv6Prefix(address: string, bits: number): string {
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const parts = (s: string): number[] => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const h = parts(head);
  const t = parts(tail);
  const groups = address.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  return groups.map((g, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    return (keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff).toString(16);
  }).join(':');
}
