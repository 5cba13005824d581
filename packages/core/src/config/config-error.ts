/**
 * The one error type of the configuration layer. Messages name the offending key in the
 * vocabulary of the input (`MODEL.EXTRA.STAGE3.NUM_CHANNELS`, `backbone.extra.stage3.num_channels`,
 * `backbone.stages[1].numChannels`), say what was found and what was expected.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The key path the problem is about, when there is one (same spelling as in the message). */
  readonly path?: string;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.path !== undefined) this.path = options.path;
  }
}
