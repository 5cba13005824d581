import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures.js';

const run = promisify(execFile);

/** What one CLI run printed and how it ended. */
export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `pnpm hrnet …` from the repository root exactly as a user would (never throws). */
export async function runHrnet(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('pnpm', ['hrnet', ...args], { cwd: repoRoot(), maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}
