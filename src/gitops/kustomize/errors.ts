/** A build failure; the message names the file and the field or object at fault. */
export class KustomizeError extends Error {
  /** The file the error is about, relative to the repository root when known. */
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${message}` : message, options);
    this.name = 'KustomizeError';
    this.file = file;
  }
}

/** Builds the error for one field of a file: `file: field "path": message`. */
export function fieldError(file: string, field: string, message: string, cause?: unknown): KustomizeError {
  return new KustomizeError(file, `field "${field}": ${message}`, cause === undefined ? undefined : { cause });
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why the renderer declines a kustomization that kustomize could build: each would run code or reach the network. */
export type RefusalReason = 'plugin' | 'krm-function' | 'helm' | 'remote';

/** A deliberate refusal: the feature would execute something or fetch from the network. */
export class RefusedError extends KustomizeError {
  /** The class of feature refused. */
  readonly reason: RefusalReason;

  constructor(file: string, field: string, reason: RefusalReason, why: string) {
    super(file, `field "${field}": ${why} (refused: ${REFUSAL_TEXT[reason]})`);
    this.name = 'RefusedError';
    this.reason = reason;
  }
}

const REFUSAL_TEXT: Record<RefusalReason, string> = {
  plugin: 'exec and Go plugins would run code from the repository',
  'krm-function': 'KRM functions run containers or executables',
  helm: 'Helm charts run helm and may fetch charts from the network',
  remote: 'remote resources are fetched from the network; vendor them into the repository',
};
