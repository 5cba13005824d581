import type { RgbImage } from '@hrnetjs/core';
import { warpAffine } from '@hrnetjs/core/ops';
import { affineTransform, getAffineTransform } from '../affine-transform.js';
import { type CenterScale, PIXEL_STD } from '../center-scale.js';
import type { PoseDataset } from '../datasets.js';

/** One annotated person: joints [x, y] in image pixels, visibility (0 absent, 1/2 labelled), its box. */
export interface PoseExample {
  image: RgbImage;
  joints: Array<[number, number]>;
  visibility: number[];
  /** center / scale of the person box (see `xywh2cs`). */
  box: CenterScale;
}

/** The official training augmentation settings (DATASET.* of the yaml). */
export interface PoseAugmentOptions {
  inputSize: [number, number];
  /** DATASET.SCALE_FACTOR (0.35 COCO, 0.25 MPII). */
  scaleFactor: number;
  /** DATASET.ROT_FACTOR in degrees (45 COCO, 30 MPII). */
  rotationFactor: number;
  flip: boolean;
  /** DATASET.PROB_HALF_BODY (0.3 COCO; 0 = off) and NUM_JOINTS_HALF_BODY (8). */
  probHalfBody: number;
  numJointsHalfBody: number;
  /** Joints of the upper body (COCO 0–10); the rest are lower body. */
  upperBodyIds: number[];
  dataset: PoseDataset;
}

/** A warped training crop with its joints in crop pixels. */
export interface PoseTrainSample {
  crop: RgbImage;
  joints: Array<[number, number]>;
  visibility: number[];
}

/** Standard normal from two uniforms (Box–Muller). */
function randn(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

/** `half_body_transform`: a box around the upper or the lower body's visible joints, ×1.5. */
function halfBody(example: PoseExample, options: PoseAugmentOptions, random: () => number): CenterScale | null {
  const upper: Array<[number, number]> = [];
  const lower: Array<[number, number]> = [];
  example.joints.forEach((j, i) => {
    if (example.visibility[i] > 0) (options.upperBodyIds.includes(i) ? upper : lower).push(j);
  });
  const selected = random() < 0.5 && upper.length > 2 ? upper : lower.length > 2 ? lower : upper;
  if (selected.length < 2) return null;
  const xs = selected.map((j) => j[0]);
  const ys = selected.map((j) => j[1]);
  const center: [number, number] = [xs.reduce((a, b) => a + b) / xs.length, ys.reduce((a, b) => a + b) / ys.length];
  let w = Math.max(...xs) - Math.min(...xs);
  let h = Math.max(...ys) - Math.min(...ys);
  const aspect = options.inputSize[0] / options.inputSize[1];
  if (w > aspect * h) h = w / aspect;
  else if (w < aspect * h) w = h * aspect;
  return { center, scale: [(w / PIXEL_STD) * 1.5, (h / PIXEL_STD) * 1.5] };
}

/**
 * `JointsDataset.__getitem__` in training mode: half-body crop (sometimes), random scale
 * (clip(N·sf + 1, 1 ± sf)), rotation (clip(N·rf, ±2rf), with probability 0.6), horizontal flip
 * (x' = width − x − 1 with left/right swapped), then the affine warp and the joints mapped into it.
 */
export function jointsDatasetSample(example: PoseExample, options: PoseAugmentOptions, random: () => number): PoseTrainSample {
  let { center, scale } = example.box;
  let joints = example.joints.map((j) => [...j] as [number, number]);
  const visibility = [...example.visibility];
  const visible = visibility.filter((v) => v > 0).length;
  if (visible > options.numJointsHalfBody && random() < options.probHalfBody) {
    const half = halfBody(example, options, random);
    if (half) ({ center, scale } = half);
  }
  const sf = options.scaleFactor;
  const rf = options.rotationFactor;
  const factor = Math.min(Math.max(randn(random) * sf + 1, 1 - sf), 1 + sf);
  scale = [scale[0] * factor, scale[1] * factor];
  const rotation = random() <= 0.6 ? Math.min(Math.max(randn(random) * rf, -2 * rf), 2 * rf) : 0;
  let image = example.image;
  if (options.flip && random() <= 0.5) {
    image = flipImage(image);
    joints = joints.map(([x, y]) => [image.width - x - 1, y]);
    for (const [a, b] of options.dataset.flipPairs) {
      [joints[a], joints[b]] = [joints[b], joints[a]];
      [visibility[a], visibility[b]] = [visibility[b], visibility[a]];
    }
    center = [image.width - center[0] - 1, center[1]];
  }
  const trans = getAffineTransform(center, scale, rotation, options.inputSize);
  const crop = warpAffine(image, trans, options.inputSize[0], options.inputSize[1]);
  joints = joints.map((j, i) => (visibility[i] > 0 ? affineTransform(j, trans) : j));
  return { crop, joints, visibility };
}

function flipImage(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + (width - 1 - x)) * 3;
      out.set(data.subarray(s, s + 3), (y * width + x) * 3);
    }
  }
  return { width, height, data: out };
}
