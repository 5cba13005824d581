import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Reading onnxruntime's session profiles (createOrtSession's profileFilePrefix): which execution
// provider ran each node. No vitest here: scripts (the device check) import it too.

/** One node run of an onnxruntime profile (the `_kernel_time` events). */
export interface OrtNodeRun {
  node: string;
  op: string;
  provider: string;
  us: number;
  /** Element types of the inputs and outputs (`float`, `int64`, …). */
  types: string[];
}

/** The node runs of the newest profile a session with `profileFilePrefix: prefix` wrote (on release). */
export function readOrtProfile(prefix: string): OrtNodeRun[] {
  const dir = dirname(prefix);
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${basename(prefix)}_`) && f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no onnxruntime profile ${prefix}_*.json: was the session created with profileFilePrefix and released?`);
  type Event = { cat?: string; name: string; dur: number; args?: Record<string, unknown> };
  const events = JSON.parse(readFileSync(join(dir, files[files.length - 1]), 'utf8')) as Event[];
  const typesOf = (shapes: unknown) => (Array.isArray(shapes) ? shapes.flatMap((s) => Object.keys(s as object)) : []);
  return events
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.args?.provider)
    .map((e) => ({
      node: e.name.slice(0, -'_kernel_time'.length),
      op: String(e.args?.op_name),
      provider: String(e.args?.provider),
      us: e.dur,
      types: [...typesOf(e.args?.input_type_shape), ...typesOf(e.args?.output_type_shape)],
    }));
}

/**
 * Nodes that ran outside `provider` on float data: fallbacks with a device→host copy around them.
 * onnxruntime places shape arithmetic (int64 Shape / Gather / Concat …) on the CPU on purpose;
 * those are left out. Returns `op node` strings, one per node (not per run).
 */
export function fallbackNodes(runs: readonly OrtNodeRun[], provider = 'WebGpuExecutionProvider'): string[] {
  const off = runs.filter((r) => r.provider !== provider && r.types.some((t) => t !== 'int64' && t !== 'int32'));
  return [...new Set(off.map((r) => `${r.op} ${r.node} (${r.provider})`))];
}
