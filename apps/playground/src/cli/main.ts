#!/usr/bin/env node
import { type ParseArgsConfig, parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from './cli-error.js';
import { type CommandContext, Options } from './commands/command.js';
import { forwardCommand } from './commands/forward.js';
import { inspectCommand } from './commands/inspect.js';
import { keysCommand } from './commands/keys.js';

const USAGE = `usage: pnpm hrnet <command> [options]

commands:
  keys     --config <preset|file> [--family pose|seg|cls|mmdet] [--batch-norm standard|inplace-abn]
           print the model's state_dict as JSON [[key, shape], …] in PyTorch order
  forward  --config <preset|file> --weights <file> [--weights <file>]… --input <x.npy>
           --output-dir <dir> [--family …] [--batch-norm …] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu]
           run the network on an NCHW float32 .npy; write every named output as NCHW .npy
  inspect  <checkpoint> [--json]
           summarise a checkpoint and say which preset it fits`;

const COMMANDS: Record<string, { run: (ctx: CommandContext) => Promise<void>; options: ParseArgsConfig['options'] }> = {
  keys: { run: keysCommand, options: { config: { type: 'string' }, family: { type: 'string' }, 'batch-norm': { type: 'string' } } },
  forward: {
    run: forwardCommand,
    options: {
      config: { type: 'string' },
      family: { type: 'string' },
      'batch-norm': { type: 'string' },
      weights: { type: 'string', multiple: true },
      input: { type: 'string' },
      'output-dir': { type: 'string' },
      backend: { type: 'string' },
    },
  },
  inspect: { run: inspectCommand, options: { json: { type: 'boolean' } } },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}' (expected one of: ${Object.keys(COMMANDS).join(', ')})`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${name}: ${(error as Error).message}`);
  }
  // The cpu backend's one-time "use tfjs-node" banner would land on stdout.
  tf.enableProdMode();
  await command.run({
    options: new Options(parsed.values as Record<string, string | boolean | string[] | undefined>),
    positionals: parsed.positionals,
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    // Every failure is one readable line; a stack only helps us, not the user.
    const message = error instanceof CliError ? error.message : `${error.name}: ${error.message}`;
    process.stderr.write(`hrnet: ${message.split('\n').join('\n  ')}\n`);
    process.exit(1);
  },
);
