/** A checkpoint key whose shape differs from the model's. */
export interface ShapeMismatch {
  key: string;
  checkpoint: number[];
  model: number[];
}

/** What a load did: like PyTorch's `_IncompatibleKeys`, plus what was loaded and skipped. */
export interface LoadReport {
  loaded: string[];
  /** Model entries the checkpoint lacks (counters such as `num_batches_tracked` are never listed). */
  missing: string[];
  /** Checkpoint entries the model has no place for. */
  unexpected: string[];
  mismatched: ShapeMismatch[];
}

const SHOWN = 12;

function list(keys: string[]): string {
  const shown = keys.slice(0, SHOWN).map((k) => `"${k}"`).join(', ');
  return keys.length > SHOWN ? `${shown}, … and ${keys.length - SHOWN} more` : shown;
}

/** PyTorch-style summary of a load's problems, one line per kind. */
export function describeLoadProblems(report: LoadReport): string[] {
  const lines: string[] = [];
  if (report.missing.length) lines.push(`Missing key(s) in checkpoint (${report.missing.length}): ${list(report.missing)}`);
  if (report.unexpected.length) lines.push(`Unexpected key(s) in checkpoint (${report.unexpected.length}): ${list(report.unexpected)}`);
  if (report.mismatched.length) {
    const shown = report.mismatched
      .slice(0, SHOWN)
      .map((m) => `${m.key}: checkpoint [${m.checkpoint.join(',')}] vs model [${m.model.join(',')}]`)
      .join('; ');
    const more = report.mismatched.length > SHOWN ? `; … and ${report.mismatched.length - SHOWN} more` : '';
    lines.push(`Size mismatch (${report.mismatched.length}): ${shown}${more}`);
  }
  return lines;
}

/**
 * Thrown by a strict load whose checkpoint does not fit the model (another variant, another
 * family, a wrong prefix). Carries the full report so callers can show or inspect it.
 */
export class StateDictError extends Error {
  constructor(
    readonly modelName: string,
    readonly report: LoadReport,
    hint?: string,
  ) {
    super(
      [`Error(s) in loading state_dict for ${modelName}:`, ...describeLoadProblems(report).map((l) => `  ${l}`)]
        .concat(hint ? [`  Hint: ${hint}`] : [])
        .join('\n'),
    );
    this.name = 'StateDictError';
  }
}
