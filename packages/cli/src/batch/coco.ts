import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { COCO_CLASSES } from '@hrnetjs/detection-head';
import { CliError } from '../cli-error.js';
import type { PoseJson } from './tasks.js';

/** COCO's category ids of mmdet's 80 contiguous labels (ids 1..90 with gaps, as in instances_val2017.json). */
export const COCO_CATEGORY_IDS: readonly number[] = Object.freeze([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38,
  39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75,
  76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
]);

export interface CocoKeypointResult {
  image_id: number;
  category_id: number;
  keypoints: number[];
  score: number;
}
export interface CocoBoxResult {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
}

/** Pose result file → COCO keypoint results (as the official `_write_coco_keypoint_results`: x, y, score per joint; person = 1). */
export function poseToCoco(doc: { poses: PoseJson[] }, imageId: number): CocoKeypointResult[] {
  return doc.poses.map((p) => ({
    image_id: imageId,
    category_id: 1,
    keypoints: p.keypoints.flatMap((k) => [k.x, k.y, k.score]),
    score: p.score,
  }));
}

interface DetectionJson {
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  label: string;
  labelId: number;
  score: number;
}

/**
 * Detect result file → COCO box results ([x, y, w, h] as mmdet's `xyxy2xywh`). A COCO-80 detector's
 * labels map to COCO's category ids; any other label set is numbered labelId + 1.
 */
export function detectToCoco(doc: { detections: DetectionJson[] }, imageId: number): CocoBoxResult[] {
  const coco = doc.detections.every((d) => COCO_CLASSES[d.labelId] === d.label);
  return doc.detections.map((d) => ({
    image_id: imageId,
    category_id: coco ? COCO_CATEGORY_IDS[d.labelId] : d.labelId + 1,
    bbox: [d.box.xmin, d.box.ymin, d.box.xmax - d.box.xmin, d.box.ymax - d.box.ymin],
    score: d.score,
  }));
}

/**
 * The COCO image id of each file: from `--image-ids gt.json` (its images' file_name), else the
 * number a file is named (COCO's `000000397133.jpg` → 397133) when every file is, else 1, 2, … in
 * the sorted order.
 */
export async function imageIds(files: readonly string[], gtPath?: string): Promise<number[]> {
  if (gtPath) {
    let gt: { images?: Array<{ id: number; file_name: string }> };
    try {
      gt = JSON.parse(await readFile(gtPath, 'utf8'));
    } catch (error) {
      throw new CliError(`cannot read --image-ids ${gtPath}: ${(error as Error).message}`);
    }
    const byName = new Map((gt.images ?? []).map((im) => [basename(im.file_name), im.id]));
    return files.map((file) => {
      const id = byName.get(basename(file));
      if (id === undefined) throw new CliError(`${basename(file)} is not among the images of --image-ids ${gtPath}`);
      return id;
    });
  }
  const stems = files.map((file) => basename(file, extname(file)));
  if (stems.every((s) => /^\d+$/.test(s))) return stems.map(Number);
  return files.map((_, i) => i + 1);
}
