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
