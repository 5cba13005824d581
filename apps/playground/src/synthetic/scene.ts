/**
 * One synthetic scene: a textured background, 0–4 articulated people and 0–3 other objects (ball,
 * box, kite) painted back to front, with COCO boxes, areas, keypoints (+ visibility) and masks.
 */
import type { RgbImage } from '@hrnetjs/core';
import { CLASS_ID } from './categories.js';
import { coveredCounts, layerArea, paintLayer, type SceneBuffers } from './compose.js';
import { cocoKeypoints, countLabelled } from './keypoint-visibility.js';
import { drawFigure, FIGURE_DETAIL_PARTS, randomFigureStyle } from './figure.js';
import { drawBall, drawBox, drawKite, type PartColour } from './objects.js';
import { createRng, type Rng } from './prng.js';
import { createLayer, type PartLayer } from './raster.js';
import { sampleSkeleton } from './skeleton.js';
import { paintBackground } from './texture.js';

/** Size and content limits of a scene. */
export interface SceneOptions {
  width: number;
  height: number;
  /** Most people per image (default 4). */
  maxPeople?: number;
  /** Most non-person objects per image (default 3). */
  maxObjects?: number;
  /** Smallest standing height of a person in pixels (default 40, capped at the image height). */
  minPersonHeight?: number;
  /** Largest standing height in pixels (default 0.95 × image height). */
  maxPersonHeight?: number;
  /** `image_id` written into the annotations (default 1). */
  imageId?: number;
}

/** One object of a scene in COCO ground-truth form. */
export interface SceneAnnotation {
  /** 1-based instance id: the value of this object's pixels in `instanceMask` (also the paint order). */
  id: number;
  image_id: number;
  category_id: number;
  /** `[x, y, w, h]` of the visible mask's pixel extent (w = x_max − x_min + 1, as pycocotools). */
  bbox: [number, number, number, number];
  /** Visible mask pixels. */
  area: number;
  iscrowd: 0;
  /** Persons: `[x, y, v] × 17`; v = 2 visible, 1 hidden behind a later-painted object, 0 outside (x = y = 0). */
  keypoints?: number[];
  /** Persons: keypoints with v > 0. */
  num_keypoints?: number;
}

/** A generated scene. */
export interface SyntheticScene {
  seed: number;
  image: RgbImage;
  annotations: SceneAnnotation[];
  /** Instance id per pixel (row-major), 0 = background. */
  instanceMask: Int32Array;
  /** Class id per pixel (0 background, 1 person, 2 ball, 3 box, 4 kite — see `SYNTHETIC_CLASSES`). */
  semanticMask: Uint8Array;
}

/** Objects hidden below this many pixels, or below this fraction of their area when placed, are not allowed. */
const MIN_AREA = 30;
const MIN_VISIBLE_FRACTION = 0.4;
const PLACEMENT_TRIES = 10;

interface Placed {
  classId: number;
  /** Pixels when painted, and still visible now. */
  area: number;
  visible: number;
  keypoints?: { x: number; y: number }[];
}

interface Candidate {
  layer: PartLayer;
  colour: PartColour;
  detailParts?: ReadonlySet<number>;
  keypoints?: { x: number; y: number }[];
}

/**
 * Generates the scene of `seed` (an integer in [0, 2³²)). The same seed and options give the same
 * pixels, masks and annotations in every JS engine (no `Math.sin`, `Math.random` or `Date`).
 */
export function generateScene(seed: number, options: SceneOptions): SyntheticScene {
  const { width, height, maxPeople = 4, maxObjects = 3, imageId = 1 } = options;
  for (const [name, value] of Object.entries({ width, height })) {
    if (!Number.isInteger(value) || value < 16 || value > 8192) throw new RangeError(`generateScene: ${name} must be an integer in [16, 8192], got ${value}`);
  }
  for (const [name, value] of Object.entries({ maxPeople, maxObjects })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`generateScene: ${name} must be a non-negative integer, got ${value}`);
  }
  const maxH = options.maxPersonHeight ?? 0.95 * height;
  const minH = Math.min(options.minPersonHeight ?? 40, maxH);
  if (!(minH > 0)) throw new RangeError(`generateScene: person heights must be positive, got min ${minH}, max ${maxH}`);

  const rng = createRng(seed);
  const buffers: SceneBuffers = {
    width,
    height,
    rgb: new Uint8Array(width * height * 3),
    instanceMask: new Int32Array(width * height),
    semanticMask: new Uint8Array(width * height),
  };
  paintBackground(rng, buffers.rgb, width, height);

  // Sizes first, then paint smaller (farther) things first so near ones occlude them.
  const people = Math.min(maxPeople, rng.weighted([1, 3, 3, 2, 1]));
  const objects = rng.int(0, maxObjects);
  const specs: { classId: number; scale: number; depth: number }[] = [];
  for (let i = 0; i < people; i++) {
    const u = rng.next();
    specs.push({ classId: CLASS_ID.person, scale: u * u, depth: 0 });
  }
  for (let i = 0; i < objects; i++) {
    const classId = rng.pick([CLASS_ID.ball, CLASS_ID.box, CLASS_ID.kite]);
    const u = rng.next();
    specs.push({ classId, scale: u * u, depth: 0 });
  }
  for (const spec of specs) spec.depth = spec.scale + rng.uniform(0, 0.3);
  specs.sort((a, b) => a.depth - b.depth);

  const placed: Placed[] = [];
  for (const spec of specs) {
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const candidate = spec.classId === CLASS_ID.person
        ? personCandidate(rng, width, height, minH + (maxH - minH) * spec.scale)
        : objectCandidate(rng, width, height, spec.classId, spec.scale);
      const area = layerArea(candidate.layer);
      if (area < MIN_AREA) continue;
      const covered = coveredCounts(buffers, candidate.layer, placed.length);
      const hidesTooMuch = placed.some((p, j) => {
        const left = p.visible - covered[j + 1];
        return left < MIN_AREA || left < MIN_VISIBLE_FRACTION * p.area;
      });
      if (hidesTooMuch) continue;
      placed.forEach((p, j) => (p.visible -= covered[j + 1]));
      paintLayer(buffers, candidate.layer, placed.length + 1, spec.classId, candidate.colour, candidate.detailParts);
      placed.push({ classId: spec.classId, area, visible: area, keypoints: candidate.keypoints });
      break;
    }
  }
  return {
    seed,
    image: { data: buffers.rgb, width, height },
    annotations: annotate(buffers, placed, imageId),
    instanceMask: buffers.instanceMask,
    semanticMask: buffers.semanticMask,
  };
}

/** A person of standing height `h` with its pelvis inside the image; large people may be cut off. */
function personCandidate(rng: Rng, width: number, height: number, h: number): Candidate {
  const lo = 0.45 * h;
  const hi = height - 0.4 * h;
  const y = lo <= hi ? rng.uniform(lo, hi) : rng.uniform(hi, lo);
  const pelvis = { x: rng.uniform(0.03 * width, 0.97 * width), y: Math.min(height - 1, Math.max(0, y + rng.normal(0, 0.06 * h))) };
  const skeleton = sampleSkeleton(rng, { pelvis, height: h });
  const layer = createLayer(width, height);
  drawFigure(layer, skeleton);
  return { layer, colour: randomFigureStyle(rng, h), detailParts: FIGURE_DETAIL_PARTS, keypoints: skeleton.keypoints };
}

/** A ball, box or kite whose size grows with `scale` in [0, 1). */
function objectCandidate(rng: Rng, width: number, height: number, classId: number, scale: number): Candidate {
  const side = Math.min(width, height);
  const layer = createLayer(width, height);
  const centre = { x: rng.uniform(0.05 * width, 0.95 * width), y: rng.uniform(0.05 * height, 0.95 * height) };
  let colour: PartColour;
  if (classId === CLASS_ID.ball) colour = drawBall(rng, layer, centre, 12 + (0.3 * side - 12) * scale);
  else if (classId === CLASS_ID.box) colour = drawBox(rng, layer, centre, 16 + (0.4 * side - 16) * scale);
  else {
    centre.y = rng.uniform(0.08 * height, 0.6 * height); // kites fly
    colour = drawKite(rng, layer, centre, 20 + (0.4 * side - 20) * scale);
  }
  return { layer, colour };
}

/** COCO annotations from the final masks: visible extent, area and keypoint visibility. */
function annotate(buffers: SceneBuffers, placed: Placed[], imageId: number): SceneAnnotation[] {
  const { width, height, instanceMask } = buffers;
  const n = placed.length;
  const minX = new Int32Array(n + 1).fill(width);
  const minY = new Int32Array(n + 1).fill(height);
  const maxX = new Int32Array(n + 1).fill(-1);
  const maxY = new Int32Array(n + 1).fill(-1);
  const area = new Int32Array(n + 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const id = instanceMask[y * width + x];
      if (id === 0) continue;
      area[id]++;
      if (x < minX[id]) minX[id] = x;
      if (x > maxX[id]) maxX[id] = x;
      if (y < minY[id]) minY[id] = y;
      if (y > maxY[id]) maxY[id] = y;
    }
  }
  return placed.map((p, j) => {
    const id = j + 1;
    const ann: SceneAnnotation = {
      id,
      image_id: imageId,
      category_id: p.classId,
      bbox: [minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1],
      area: area[id],
      iscrowd: 0,
    };
    if (p.keypoints) {
      ann.keypoints = cocoKeypoints(p.keypoints, instanceMask, width, height, id);
      ann.num_keypoints = countLabelled(ann.keypoints);
    }
    return ann;
  });
}
