import { pino, type Logger } from 'pino';

/** Paths that may carry credentials; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'data', '*.data', 'stringData', '*.stringData',
  'authorization', '*.authorization', 'headers.Authorization', 'ca', 'key', '*.key', 'cert', '*.cert',
];

/** Creates the process logger (JSON to stderr) with credentials redacted. */
export function createLogger(level = 'info', name = 'meridian'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.destination(2));
}

/** A logger that discards everything (tests, quiet commands). */
export const silentLogger: Logger = pino({ level: 'silent' });

export type { Logger };
