import { createRequire } from 'node:module';
import { isResolvable } from '@hrnetjs/core/node';

/**
 * The help of one command: its block of the usage text (the line starting `  <name> ` and the
 * indented lines under it, up to the next command), under the usage line. Null when absent.
 */
export function commandHelp(usage: string, name: string): string | null {
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${name} `) || l === `  ${name}`);
  if (start < 0) return null;
  // A command's continuation lines are indented further than the command names (2 spaces).
  let end = start + 1;
  while (end < lines.length && /^ {3,}\S/.test(lines[end])) end += 1;
  return [`usage: hrnet ${name} [options]`, '', ...lines.slice(start, end)].join('\n');
}

/** The CLI's own version, from its package.json (src/ and dist/ both sit beside it). */
export function cliVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

/** Optional peers the commands use when installed, and what each one enables. */
const OPTIONAL_PEERS: Array<[pkg: string, enables: string]> = [
  ['@tensorflow/tfjs-node-gpu', '--backend tensorflow-gpu (CUDA; auto prefers it)'],
  ['@tensorflow/tfjs-node', '--backend tensorflow (native CPU; auto prefers it over wasm)'],
  ['onnxruntime-node', 'the onnxruntime engine'],
];

/**
 * One line per optional peer: found or not (resolved as @hrnetjs/core resolves them, so what is
 * listed is what `--backend auto` will see), and how to add it.
 */
export function optionalPeersReport(resolvable: (pkg: string) => boolean = isResolvable): string {
  return OPTIONAL_PEERS.map(([pkg, enables]) => `  ${pkg.padEnd(26)} ${resolvable(pkg) ? 'installed' : 'not installed'}: ${enables}`).join('\n');
}
