import { CliError } from '../cli-error.js';
import type { CommandContext } from '../commands/command.js';
import { queueAdd } from './producer.js';
import { queueStatus } from './status.js';

/** `hrnet queue add|status …`. */
export async function queueCommand(ctx: CommandContext): Promise<void> {
  const [sub, ...rest] = ctx.positionals;
  if (sub === 'add') return queueAdd({ ...ctx, positionals: rest });
  if (sub === 'status') return queueStatus({ ...ctx, positionals: rest });
  throw new CliError(`queue takes 'add' or 'status', got ${sub ? `'${sub}'` : 'nothing'}`);
}
