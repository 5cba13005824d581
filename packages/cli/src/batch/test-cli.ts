import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@hrnetjs/test-utils';

/**
 * Starts the CLI from its sources as ONE node process (no pnpm / tsx wrapper in between), so a
 * test can signal exactly it. Output is collected; `lines()` / `waitFor()` read it as it comes. For tests only.
 */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    const root = repoRoot();
    this.child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'packages/cli/src/main.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr?.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(signal ? null : code)));
  }

  /** Resolves once `test()` holds (polled), or rejects after `timeoutMs` with the output so far. */
  async waitFor(test: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    const start = Date.now();
    while (!test()) {
      if (this.child.exitCode !== null && !test()) throw new Error(`exited (${this.child.exitCode}) before ${what}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs the CLI to its end. */
export async function runCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = new CliProcess(args);
  const code = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}
