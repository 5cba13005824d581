// Test-only helper: run a reader call that must fail and return its CheckpointError.
import { CheckpointError } from '../errors.js';

/** The CheckpointError `fn` throws; any other outcome (no error, another error type) fails the test. */
export function errorOf(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CheckpointError) return e;
    throw new Error(`expected a CheckpointError, got ${String(e)}`);
  }
  throw new Error('expected a CheckpointError, nothing was thrown');
}
