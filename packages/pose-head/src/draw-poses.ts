import type { Box, Keypoint, RgbImage } from '@hrnetjs/core';
import type { PoseDataset } from './datasets.js';

/** Options of {@link drawPoses}. */
export interface DrawPosesOptions {
  /** Keypoints scoring at or below this are not drawn (default 0.2, the official IN_VIS_THRE). */
  minScore?: number;
  /** Limb thickness in px (default 3). */
  lineWidth?: number;
  /** Keypoint disc radius in px (default 4). */
  radius?: number;
}

type Rgb = readonly [number, number, number];

const LEFT: Rgb = [0, 200, 255];
const RIGHT: Rgb = [255, 120, 0];
const CENTRE: Rgb = [0, 255, 0];
const BOX: Rgb = [255, 255, 0];

function colourOf(name: string): Rgb {
  if (name.startsWith('left')) return LEFT;
  if (name.startsWith('right')) return RIGHT;
  return CENTRE;
}

/** Fills a disc (anti-aliasing would need blending; a hard edge keeps the overlay exact and simple). */
function disc(image: RgbImage, cx: number, cy: number, r: number, colour: Rgb): void {
  const { width, height, data } = image;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data.set(colour, (y * width + x) * 3);
    }
  }
}

/** A thick segment: discs stamped every half pixel along it. */
function line(image: RgbImage, x0: number, y0: number, x1: number, y1: number, w: number, colour: Rgb): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    disc(image, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, w / 2, colour);
  }
}

function rectangle(image: RgbImage, box: Box, colour: Rgb): void {
  const { xmin, ymin, xmax, ymax } = box;
  line(image, xmin, ymin, xmax, ymin, 1, colour);
  line(image, xmax, ymin, xmax, ymax, 1, colour);
  line(image, xmax, ymax, xmin, ymax, 1, colour);
  line(image, xmin, ymax, xmin, ymin, 1, colour);
}

/**
 * Draws each pose's box, skeleton and keypoints over a copy of the image (pure pixel writes, no
 * canvas): left limbs blue, right orange, centre green. Returns the new image.
 */
export function drawPoses(
  image: RgbImage,
  poses: ReadonlyArray<{ box?: Box; keypoints: readonly Keypoint[] }>,
  dataset: Pick<PoseDataset, 'skeleton'>,
  options: DrawPosesOptions = {},
): RgbImage {
  const { minScore = 0.2, lineWidth = 3, radius = 4 } = options;
  const out: RgbImage = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  for (const pose of poses) {
    if (pose.box) rectangle(out, pose.box, BOX);
    const kp = pose.keypoints;
    const visible = (i: number) => kp[i] !== undefined && kp[i].score > minScore;
    for (const [a, b] of dataset.skeleton) {
      if (!visible(a) || !visible(b)) continue;
      const colour = colourOf(kp[a].name) === colourOf(kp[b].name) ? colourOf(kp[a].name) : CENTRE;
      line(out, kp[a].x, kp[a].y, kp[b].x, kp[b].y, lineWidth, colour);
    }
    kp.forEach((k, i) => {
      if (visible(i)) disc(out, k.x, k.y, radius, colourOf(k.name));
    });
  }
  return out;
}
