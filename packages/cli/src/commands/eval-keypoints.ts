import { readFile, writeFile } from 'node:fs/promises';
import { CocoEvalError, evaluateCoco } from '@hrnetjs/core';
import type { IouType } from '@hrnetjs/core/ops';
import { CliError } from '../cli-error.js';
import { userPath } from '../paths.js';
import type { CommandContext } from './command.js';

async function readJson(flag: string, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(userPath(path), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --${flag} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`--${flag} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function parseIds(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  const ids = parts.map(Number);
  if (parts.some((s) => s === '') || ids.some((id) => !Number.isInteger(id))) throw new CliError(`--cat-ids must be comma-separated integers, got '${text}'`);
  return ids;
}

/**
 * Shared by `eval-keypoints` and `eval-boxes`: COCOeval on `--gt` and `--results` JSON files,
 * printing summarize()'s lines and, with `--json`, writing `{ "stats": [...] }`.
 */
export async function runCocoEval({ options, stdout, stderr }: CommandContext, iouType: IouType): Promise<void> {
  const gt = await readJson('gt', options.required('gt'));
  const results = await readJson('results', options.required('results'));
  const catIds = parseIds(options.string('cat-ids'));
  let out;
  try {
    out = evaluateCoco({ gt, results, iouType, params: catIds ? { catIds } : {} });
  } catch (error) {
    if (error instanceof CocoEvalError) throw new CliError(error.message);
    throw error;
  }
  for (const line of out.lines) stdout(line);
  const jsonPath = options.string('json');
  if (jsonPath) {
    await writeFile(userPath(jsonPath), `${JSON.stringify({ stats: out.stats })}\n`);
    stderr(`wrote ${out.stats.length} stats to ${jsonPath}`);
  }
}

/**
 * `hrnet eval-keypoints --gt gt.json --results res.json [--json out.json] [--cat-ids 1]`: COCO
 * keypoint AP/AR (OKS) exactly as pycocotools' COCOeval; prints the ten summarize() lines.
 * Default categories: those with keypoints (person).
 */
export async function evalKeypointsCommand(ctx: CommandContext): Promise<void> {
  await runCocoEval(ctx, 'keypoints');
}
