import { CliError } from '../cli-error.js';

/** Parsed `--flag value` options of one command. */
export class Options {
  constructor(private readonly values: Record<string, string | boolean | string[] | undefined>) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    if (Array.isArray(v)) return v[v.length - 1];
    return typeof v === 'string' ? v : undefined;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return Array.isArray(v) ? v : [String(v)];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new CliError(`--${name} is required`);
    return v;
  }
}

/** What a command gets: its options, positional arguments and output sinks. */
export interface CommandContext {
  options: Options;
  positionals: string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
