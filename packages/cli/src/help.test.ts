import { readFileSync } from 'node:fs';
import { runHrnet } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { cliVersion, commandHelp, optionalPeersReport } from './help.js';

const USAGE = `usage: hrnet <command> [options]

commands:
  eval     --gt <file>
           first
  eval-seg --pred <dir>
           per-class IoU
           (files matched by name)
  convert  <checkpoint> --to safetensors|tfjs`;

describe('commandHelp', () => {
  it("cuts one command's block out of the usage, stopping at the next command", () => {
    expect(commandHelp(USAGE, 'eval-seg')).toBe(
      'usage: hrnet eval-seg [options]\n\n  eval-seg --pred <dir>\n           per-class IoU\n           (files matched by name)',
    );
    expect(commandHelp(USAGE, 'eval')).toBe('usage: hrnet eval [options]\n\n  eval     --gt <file>\n           first');
    expect(commandHelp(USAGE, 'convert')?.split('\n')).toHaveLength(3);
    expect(commandHelp(USAGE, 'segment')).toBeNull();
  });
});

describe('optionalPeersReport', () => {
  it('says which optional peers resolve', () => {
    const lines = optionalPeersReport((pkg) => pkg === '@tensorflow/tfjs-node').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('@tensorflow/tfjs-node '))).toMatch(/ installed: --backend tensorflow /);
    expect(lines.filter((l) => l.includes('not installed'))).toHaveLength(2);
  });
});

describe('hrnet --version / --help', () => {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

  it('--version prints the package version', async () => {
    expect(cliVersion()).toBe(version);
    const r = await runHrnet('--version');
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
  });

  it('every command has a --help block in the usage, printed by `hrnet <command> --help`', async () => {
    const unknown = await runHrnet('no-such-command');
    const names = /expected one of: (.*)\)/.exec(unknown.stderr)?.[1].split(', ') ?? [];
    expect(names).toContain('pose');
    const usage = await runHrnet('--help');
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/optional peers .*\n {2}@tensorflow\/tfjs-node-gpu +(not )?installed/);
    for (const name of names) expect(commandHelp(usage.stdout, name), name).toMatch(new RegExp(`^usage: hrnet ${name} .*\\n\\n  ${name} `));
    const pose = await runHrnet('pose', '--help');
    expect([pose.code, pose.stderr]).toEqual([0, '']);
    expect(pose.stdout).toBe(`${commandHelp(usage.stdout, 'pose')}\n`);
    expect(pose.stdout).toMatch(/--weights <file>/);
  });
});
