/**
 * What went wrong while reading a checkpoint or array file.
 *
 * - `TRUNCATED`: the file ends before a structure it declares (or a length points past the end).
 * - `BAD_MAGIC`: the bytes are not a format this reader knows.
 * - `UNSAFE_GLOBAL`: a pickle names a Python global outside the allow-list (nothing is executed).
 * - `UNSUPPORTED`: a valid but unhandled feature (compressed zip entry, complex dtype, opcode…).
 * - `CORRUPT`: internally inconsistent data (missing storage, bad shape, wrong types…).
 * - `SIZE_LIMIT`: a size is too large to be honoured safely.
 * - `NOT_STATE_DICT`: the file parsed but its top-level object is not a dict of tensors.
 * - `FILE_NOT_FOUND` / `IO_ERROR`: Node file helpers only.
 */
export type CheckpointErrorCode =
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'UNSAFE_GLOBAL'
  | 'UNSUPPORTED'
  | 'CORRUPT'
  | 'SIZE_LIMIT'
  | 'NOT_STATE_DICT'
  | 'FILE_NOT_FOUND'
  | 'IO_ERROR';

/** Options of {@link CheckpointError}. */
export interface CheckpointErrorOptions {
  /** Byte offset (in the file or in the pickle being read) where the problem was found. */
  offset?: number;
  /** Underlying error, if any. */
  cause?: unknown;
}

/**
 * The only error type the checkpoint and `.npy` readers throw. `message` says what was found and
 * what was expected; `code` is stable for programmatic handling.
 */
export class CheckpointError extends Error {
  /** Machine-readable category. */
  readonly code: CheckpointErrorCode;
  /** Byte offset of the problem, when known. */
  readonly offset?: number;

  constructor(code: CheckpointErrorCode, message: string, options: CheckpointErrorOptions = {}) {
    const where = options.offset === undefined ? '' : ` (at byte ${options.offset})`;
    super(`${message}${where}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CheckpointError';
    this.code = code;
    if (options.offset !== undefined) this.offset = options.offset;
  }
}

/** True if `value` is a {@link CheckpointError} (optionally with the given code). */
export function isCheckpointError(value: unknown, code?: CheckpointErrorCode): value is CheckpointError {
  return value instanceof CheckpointError && (code === undefined || value.code === code);
}
