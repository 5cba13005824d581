import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { difference } from './compare.js';
import { repoRoot } from './fixtures.js';

/** manifest.json of a tools/oracle case (see tools/oracle/README.md). */
export interface OracleManifest {
  checkpoint: string;
  config: string;
  input: { file: string; shape: number[] };
  outputs: Array<{ name: string; shape: number[] }>;
}

/** One extra oracle case: its files, read and (for `.gz` checkpoints) decompressed. */
export interface OracleCase {
  name: string;
  dir: string;
  manifest: OracleManifest;
  configText: string;
  checkpoint: Uint8Array;
  inputPath: string;
}

/** Reads `tools/oracle/cases/<name>`. */
export function oracleCase(name: string): OracleCase {
  const dir = join(repoRoot(), 'tools', 'oracle', 'cases', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as OracleManifest;
  let checkpoint = new Uint8Array(readFileSync(join(dir, manifest.checkpoint)));
  if (manifest.checkpoint.endsWith('.gz')) checkpoint = new Uint8Array(gunzipSync(checkpoint));
  return { name, dir, manifest, configText: readFileSync(join(dir, manifest.config), 'utf8'), checkpoint, inputPath: join(dir, manifest.input.file) };
}

/** Host data as the core readers return it (kept structural: test-utils does not depend on core). */
interface HostTensor {
  shape: readonly number[];
  values: ArrayLike<number> | BigInt64Array;
}

function numbers(values: HostTensor['values']): ArrayLike<number> {
  return values instanceof BigInt64Array ? Array.from(values, Number) : values;
}

/**
 * max |ours − official| / std for every output the case lists. `toHost` turns a model output into
 * NCHW host data, `readNpy` reads an official `.npy`. Throws when an output is missing or mis-shaped.
 */
export async function oracleDifferences<T>(
  c: OracleCase,
  outputs: Record<string, T>,
  toHost: (t: T) => Promise<HostTensor>,
  readNpy: (path: string) => Promise<HostTensor>,
): Promise<Record<string, number>> {
  const rel: Record<string, number> = {};
  for (const { name, shape } of c.manifest.outputs) {
    if (!outputs[name]) throw new Error(`${c.name}: the model has no output '${name}'`);
    const expected = await readNpy(join(c.dir, `${name}.npy`));
    const actual = await toHost(outputs[name]);
    const shapes = [shape, expected.shape, actual.shape].map((s) => s.join('×'));
    if (new Set(shapes).size !== 1) throw new Error(`${c.name}/${name}: shapes manifest ${shapes[0]}, official ${shapes[1]}, ours ${shapes[2]}`);
    rel[name] = difference(numbers(actual.values), numbers(expected.values)).relToStd;
  }
  if (process.env.HRNET_ORACLE_VERBOSE) console.info(c.name, rel);
  return rel;
}
