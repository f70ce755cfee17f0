/** How a failed Kubernetes API call should be handled; decided in one place for every controller. */
export type ErrorClass = 'gone' | 'conflict' | 'terminal' | 'retry';

/** An error from the Kubernetes API (or from the network before a status arrived). */
export class KubeApiError extends Error {
  /** HTTP status, 0 when the request never got an answer. */
  readonly status: number;
  /** The `reason` of the Status object, when the server sent one. */
  readonly reason: string;

  constructor(message: string, status: number, reason = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** 404 gone, 409 re-read and retry, 401/403/422 terminal, 429/5xx/network retry. */
export function classifyError(err: unknown): ErrorClass {
  if (!(err instanceof KubeApiError)) return 'retry';
  if (err.status === 404) return 'gone';
  if (err.status === 409) return 'conflict';
  if (err.status === 401 || err.status === 403 || err.status === 422 || err.status === 400) return 'terminal';
  return 'retry';
}

/** True when the error says the object does not exist. */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

/** True when the error says the object already exists or was changed underneath us. */
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}
