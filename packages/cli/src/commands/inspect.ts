import { type DType, inferModelConfig, type ModelConfig, type PresetFit, rankPresets, type StateDict } from '@hrnetjs/core';
import { readCheckpointFile } from '@hrnetjs/core/node';
import { detectorKindOfKeys } from '@hrnetjs/detection-head';
import { MODEL_BUILDERS } from '../models.js';
import { describeHigherCheckpoint } from '../higher-config.js';
import { userPath } from '../paths.js';
import type { CommandContext } from './command.js';

function describeFit(fit: PresetFit): string {
  const { missing, unexpected, mismatched, loaded } = fit.report;
  const parts = [`${loaded.length} keys match`];
  if (missing.length) parts.push(`${missing.length} missing (e.g. ${missing[0]})`);
  if (unexpected.length) parts.push(`${unexpected.length} unexpected (e.g. ${unexpected[0]})`);
  if (mismatched.length) {
    const m = mismatched[0];
    parts.push(`${mismatched.length} mis-shaped (e.g. ${m.key} [${m.checkpoint}] vs [${m.model}])`);
  }
  return parts.join(', ');
}

/** One line describing an architecture: family, stage layout, widths, head. */
function describeArchitecture(config: ModelConfig): string {
  const { stage1, stages } = config.backbone;
  const head = config.head;
  const headText =
    head.type === 'pose' ? `${head.numJoints} joints` : head.type === 'seg' || head.type === 'cls' ? `${head.numClasses} classes` : head.neck ? `HRFPN ${head.neck.outChannels} ch` : 'no neck';
  return (
    `${config.family}: layer1 ${stage1.numBlocks[0]}×${stage1.block} ${stage1.numChannels[0]}, widths [${stages.at(-1)?.numChannels.join(', ')}], ` +
    `modules [${stages.map((s) => s.numModules).join(', ')}], blocks [${stages.map((s) => s.numBlocks[0]).join(', ')}], ${headText}` +
    (config.backbone.batchNorm === 'inplace-abn' ? ', InPlaceABN (no BN counters)' : '')
  );
}

function tryInfer(stateDict: StateDict): ModelConfig | null {
  try {
    return inferModelConfig(stateDict);
  } catch {
    return null;
  }
}

/** `hrnet inspect <file> [--json]`: format, wrapper, prefix, tensors, dtypes, bytes, best-fitting presets. */
export async function inspectCommand({ positionals, options, stdout }: CommandContext): Promise<void> {
  const [file] = positionals;
  const checkpoint = await readCheckpointFile(userPath(file ?? ''));
  const dtypes: Partial<Record<DType, number>> = {};
  let bytes = 0;
  let params = 0;
  for (const t of checkpoint.stateDict.values()) {
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
    bytes += t.values.byteLength;
    if (t.shape.length > 0) params += t.values.length;
  }
  void MODEL_BUILDERS; // every family's presets take part
  const ranked = rankPresets(checkpoint.stateDict);
  const inferred = tryInfer(checkpoint.stateDict);
  const higher = describeHigherCheckpoint(checkpoint.stateDict);
  const fits = ranked.filter((f) => f.problems === 0);
  const summary = {
    file,
    format: checkpoint.format,
    wrapper: checkpoint.wrapper,
    prefix: checkpoint.prefix,
    tensors: checkpoint.stateDict.size,
    values: params,
    dtypes,
    bytes,
    ignored: checkpoint.ignored,
    fits: fits.map((f) => f.id),
    detector: detectorKindOfKeys(checkpoint.stateDict.keys()) ?? null,
    architecture: inferred ? { family: inferred.family, summary: describeArchitecture(inferred), backbone: inferred.backbone, head: inferred.head } : null,
    higherHRNet: higher,
    closest: fits.length ? null : { preset: ranked[0].id, family: ranked[0].family, differences: describeFit(ranked[0]) },
  };
  if (options.flag('json')) {
    stdout(JSON.stringify(summary, null, 2));
    return;
  }
  const lines = [
    `file:     ${file}`,
    `format:   ${summary.format}`,
    `wrapper:  ${summary.wrapper}`,
    `prefix:   ${summary.prefix ?? '(none)'}`,
    `tensors:  ${summary.tensors} (${params.toLocaleString('en-US')} values, ${bytes.toLocaleString('en-US')} bytes in memory)`,
    `dtypes:   ${Object.entries(dtypes).map(([d, n]) => `${d} ×${n}`).join(', ')}`,
  ];
  if (checkpoint.ignored.length) lines.push(`ignored:  ${checkpoint.ignored.join(', ')}`);
  lines.push(`network:  ${higher ?? (inferred ? describeArchitecture(inferred) : 'not an HRNet state dict')}`);
  if (summary.detector) lines.push(`detector: ${summary.detector} (mmdet 2.x, from its head keys)`);
  if (fits.length) {
    lines.push(`fits:     ${fits.map((f) => `${f.id} (${f.family})`).join(', ')}`);
  } else {
    lines.push(`fits:     no preset exactly`, `closest:  ${ranked[0].id} (${ranked[0].family}): ${describeFit(ranked[0])}`);
    for (const f of ranked.slice(1, 3)) lines.push(`          ${f.id} (${f.family}): ${describeFit(f)}`);
  }
  stdout(lines.join('\n'));
}
