/** An error whose message is the whole story: printed as one line, exit code 1 (or `exitCode`), no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
