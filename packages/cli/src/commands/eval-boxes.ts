import type { IouType } from '@hrnetjs/core/ops';
import { CliError } from '../cli-error.js';
import type { CommandContext } from './command.js';
import { runCocoEval } from './eval-keypoints.js';

/**
 * `hrnet eval-boxes --gt gt.json --results res.json [--json out.json] [--cat-ids 1,18]`: COCO box
 * AP/AR (IoU) exactly as pycocotools' COCOeval; prints the twelve summarize() lines. Default
 * categories: all of the ground truth's. `--iou-type segm` scores instance masks (results with a
 * compressed-RLE `segmentation`, ground truth polygons or RLE) instead of boxes.
 */
export async function evalBoxesCommand(ctx: CommandContext): Promise<void> {
  const iouType = ctx.options.string('iou-type') ?? 'bbox';
  if (iouType !== 'bbox' && iouType !== 'segm') throw new CliError(`--iou-type must be bbox or segm; got '${iouType}'`);
  await runCocoEval(ctx, iouType as IouType);
}

/** `hrnet eval-masks …`: `eval-boxes --iou-type segm`. */
export async function evalMasksCommand(ctx: CommandContext): Promise<void> {
  await runCocoEval(ctx, 'segm');
}
