import type { CommandContext } from './command.js';
import { runCocoEval } from './eval-keypoints.js';

/**
 * `hrnet eval-boxes --gt gt.json --results res.json [--json out.json] [--cat-ids 1,18]`: COCO box
 * AP/AR (IoU) exactly as pycocotools' COCOeval; prints the twelve summarize() lines. Default
 * categories: all of the ground truth's.
 */
export async function evalBoxesCommand(ctx: CommandContext): Promise<void> {
  await runCocoEval(ctx, 'bbox');
}
