import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** One health-check target: where to connect and what counts as healthy. */
export interface ProbeTarget {
  protocol: 'http' | 'https' | 'tcp';
  address: string;
  port: number;
  path: string;
  /** Host header (and TLS server name); default the address. */
  host?: string;
  /** Accepted status codes; empty means 200-399. */
  expectedStatus: number[];
  timeoutMs: number;
}

/** The outcome of one probe: healthy or not, a reason code and a message for status. */
export interface ProbeResult {
  ok: boolean;
  reason: string;
  message: string;
  elapsedMs: number;
}

/** Probes a target once over HTTP(S) or TCP; never throws, always settles within the timeout. */
export function probe(target: ProbeTarget): Promise<ProbeResult> {
  const started = Date.now();
  const done = (ok: boolean, reason: string, message: string): ProbeResult => ({ ok, reason, message, elapsedMs: Date.now() - started });
  return target.protocol === 'tcp' ? probeTcp(target, done) : probeHttp(target, done);
}

type Done = (ok: boolean, reason: string, message: string) => ProbeResult;

function where(t: ProbeTarget): string {
  return `${t.address.includes(':') ? `[${t.address}]` : t.address}:${t.port}`;
}

function probeTcp(t: ProbeTarget, done: Done): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: t.address, port: t.port });
    const timer = setTimeout(() => finish(false, 'Timeout', `no TCP connection to ${where(t)} within ${t.timeoutMs} ms`), t.timeoutMs);
    function finish(ok: boolean, reason: string, message: string) {
      clearTimeout(timer);
      socket.destroy();
      resolve(done(ok, reason, message));
    }
    socket.once('connect', () => finish(true, 'Connected', `TCP connection to ${where(t)} accepted`));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(false, 'ConnectionFailed', `TCP ${where(t)}: ${err.code ?? err.message}`));
  });
}

function probeHttp(t: ProbeTarget, done: Done): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const lib = t.protocol === 'https' ? https : http;
    const url = `${t.protocol}://${where(t)}${t.path}`;
    let settled = false;
    const finish = (ok: boolean, reason: string, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(done(ok, reason, message));
    };
    const req = lib.request(url, {
      method: 'GET', agent: false, headers: { host: t.host ?? t.address, 'user-agent': 'meridian-health-check', connection: 'close' },
      servername: t.protocol === 'https' && t.host && !net.isIP(t.host) ? t.host : undefined, rejectUnauthorized: false,
    }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      const ok = t.expectedStatus.length ? t.expectedStatus.includes(code) : code >= 200 && code < 400;
      finish(ok, ok ? 'StatusOK' : 'UnexpectedStatus', `GET ${url} (Host ${t.host ?? t.address}) answered ${code}`);
    });
    const timer = setTimeout(() => finish(false, 'Timeout', `GET ${url} gave no answer within ${t.timeoutMs} ms`), t.timeoutMs);
    req.once('error', (err: NodeJS.ErrnoException) => finish(false, 'ConnectionFailed', `GET ${url}: ${err.code ?? err.message}`));
    req.end();
  });
}
