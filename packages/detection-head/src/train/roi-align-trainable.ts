import * as tf from '@tensorflow/tfjs-core';
import { bilinearTaps, type RoIAlignOptions } from '../roi-align.js';
import { mapRoiLevels, type RoIExtractorConfig } from '../roi-extractor.js';

const f32 = Math.fround;

/**
 * RoIAlign as a sparse linear map from feature pixels to output bins, built on the host: output
 * row dst[k] gets weights[k] × feature row src[k]. The same sampling rules as {@link roiAlign}.
 */
export interface RoIAlignPlan {
  src: Int32Array;
  dst: Int32Array;
  weights: Float32Array;
  /** Output rows (RoIs × P × P). */
  numOut: number;
}

/** Where one RoI samples: a map of `height × width` pixels starting at row `offset` of the flat features. */
interface SampleSite {
  offset: number;
  height: number;
  width: number;
}

const scratch = new Float64Array(8);

/** Adds the taps of the bilinear sample at (y, x) to `taps` (pixel → weight × scale). */
function addBilinearTaps(taps: Map<number, number>, site: SampleSite, yIn: number, xIn: number, scale: number): void {
  if (!bilinearTaps(site.height, site.width, yIn, xIn, scratch)) return;
  for (let k = 0; k < 4; k++) {
    const p = site.offset + scratch[k];
    taps.set(p, (taps.get(p) ?? 0) + scratch[4 + k] * scale);
  }
}

/**
 * Builds the {@link RoIAlignPlan} of RoIs (flat [N × 4], image coordinates), RoI i sampling the
 * map `sites[i]`. Output rows are RoI-major, then bin row, then bin column.
 */
export function roiAlignPlan(rois: Float32Array, sites: SampleSite[], options: RoIAlignOptions): RoIAlignPlan {
  const P = options.outputSize;
  const n = rois.length / 4;
  if (sites.length !== n) throw new Error(`roiAlignPlan: ${sites.length} sample sites for ${n} RoIs`);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const offset = options.aligned ? 0.5 : 0;
  for (let r = 0; r < n; r++) {
    const startW = f32(rois[4 * r] * options.spatialScale - offset);
    const startH = f32(rois[4 * r + 1] * options.spatialScale - offset);
    let roiW = f32(f32(rois[4 * r + 2] * options.spatialScale - offset) - startW);
    let roiH = f32(f32(rois[4 * r + 3] * options.spatialScale - offset) - startH);
    if (!options.aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = f32(roiH / P);
    const binW = f32(roiW / P);
    const gridH = options.samplingRatio > 0 ? options.samplingRatio : Math.ceil(f32(roiH / P));
    const gridW = options.samplingRatio > 0 ? options.samplingRatio : Math.ceil(f32(roiW / P));
    const scale = 1 / Math.max(gridH * gridW, 1);
    for (let ph = 0; ph < P; ph++) {
      for (let pw = 0; pw < P; pw++) {
        const taps = new Map<number, number>();
        for (let iy = 0; iy < gridH; iy++) {
          const y = f32(f32(startH + f32(ph * binH)) + f32(f32(f32(iy + 0.5) * binH) / gridH));
          for (let ix = 0; ix < gridW; ix++) {
            const x = f32(f32(startW + f32(pw * binW)) + f32(f32(f32(ix + 0.5) * binW) / gridW));
            addBilinearTaps(taps, sites[r], y, x, scale);
          }
        }
        const out = (r * P + ph) * P + pw;
        for (const [p, w] of taps) {
          if (w === 0) continue;
          src.push(p);
          dst.push(out);
          weights.push(w);
        }
      }
    }
  }
  return { src: Int32Array.from(src), dst: Int32Array.from(dst), weights: Float32Array.from(weights), numOut: n * P * P };
}

/**
 * Applies a plan to flat features [T, C]: out[dst] += w · x[src] → [numOut, C]. Differentiable in
 * `x` with kernels every backend has (gather + scatterND both ways; GatherV2's own gradient needs
 * UnsortedSegmentSum, which wasm lacks).
 */
export function applyRoIAlignPlan(x: tf.Tensor2D, plan: RoIAlignPlan): tf.Tensor2D {
  const [rows, channels] = x.shape;
  const spread = (values: tf.Tensor2D, from: Int32Array, to: Int32Array, size: number): tf.Tensor2D =>
    tf.tidy(() => {
      if (from.length === 0) return tf.zeros([size, channels]) as tf.Tensor2D;
      const picked = tf.mul(tf.gather(values, tf.tensor1d(from, 'int32')), tf.tensor2d(plan.weights, [plan.weights.length, 1]));
      return tf.scatterND(tf.tensor2d(to, [to.length, 1], 'int32'), picked, [size, channels]) as tf.Tensor2D;
    });
  const op = tf.customGrad(((input: tf.Tensor2D) => ({
    value: spread(input, plan.src, plan.dst, plan.numOut),
    gradFunc: (dy: tf.Tensor2D) => spread(dy, plan.dst, plan.src, rows),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor2D;
}

/**
 * Differentiable mmdet `SingleRoIExtractor` for a batch: `levels` are the first
 * featmapStrides.length neck outputs (NHWC [B, H, W, C]); `rois` flat [N × 5] (batch index, x1,
 * y1, x2, y2). Each RoI is pooled from its mapped level with RoIAlign. Returns [N, C·P·P]
 * channel-major per RoI (as PyTorch's flatten of [N, C, P, P]), the bbox head's input; gradients
 * flow into `levels`.
 */
export function extractRoiFeaturesTrainable(levels: tf.Tensor4D[], rois: Float32Array, config: RoIExtractorConfig): tf.Tensor2D {
  const numLevels = config.featmapStrides.length;
  if (levels.length < numLevels) throw new Error(`RoI extractor needs ${numLevels} feature levels, got ${levels.length}`);
  const used = levels.slice(0, numLevels);
  const C = config.outChannels;
  for (const l of used) if (l.shape[3] !== C) throw new Error(`RoI extractor: out_channels is ${C} but a feature level has ${l.shape[3]} channels`);
  const n = rois.length / 5;
  if (!Number.isInteger(n)) throw new Error(`RoI extractor: rois must be flat N × 5 (batch index, x1, y1, x2, y2); got ${rois.length} values`);
  const boxes = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) boxes.set(rois.subarray(5 * i + 1, 5 * i + 5), 4 * i);
  const roiLevels = mapRoiLevels(boxes, numLevels, config.finestScale);
  const levelOffsets: number[] = [];
  let total = 0;
  for (const l of used) {
    levelOffsets.push(total);
    total += l.shape[0] * l.shape[1] * l.shape[2];
  }
  // One plan per level (its own spatial scale), written into the shared output rows.
  const P = config.outputSize;
  const src: Int32Array[] = [];
  const dst: Int32Array[] = [];
  const weights: Float32Array[] = [];
  for (let level = 0; level < numLevels; level++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (roiLevels[i] === level) members.push(i);
    if (members.length === 0) continue;
    const [batch, h, w] = used[level].shape;
    const subset = new Float32Array(members.length * 4);
    const sites = members.map((i, k) => {
      subset.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
      const b = rois[5 * i];
      if (!Number.isInteger(b) || b < 0 || b >= batch) throw new Error(`RoI extractor: RoI ${i} has batch index ${b}, the batch has ${batch} images`);
      return { offset: levelOffsets[level] + b * h * w, height: h, width: w };
    });
    const plan = roiAlignPlan(subset, sites, { outputSize: P, spatialScale: 1 / config.featmapStrides[level], samplingRatio: config.samplingRatio, aligned: config.aligned });
    src.push(plan.src);
    weights.push(plan.weights);
    // Row r·P² + j of this level's plan is row members[r]·P² + j of the output.
    dst.push(plan.dst.map((d) => members[Math.floor(d / (P * P))] * P * P + (d % (P * P))));
  }
  const cat = <T extends Int32Array | Float32Array>(parts: T[], make: (len: number) => T): T => {
    const out = make(parts.reduce((k, p) => k + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const plan: RoIAlignPlan = {
    src: cat(src, (k) => new Int32Array(k)),
    dst: cat(dst, (k) => new Int32Array(k)),
    weights: cat(weights, (k) => new Float32Array(k)),
    numOut: n * P * P,
  };
  return tf.tidy(() => {
    const flat = tf.concat(used.map((l) => tf.reshape(l, [-1, C])), 0) as tf.Tensor2D;
    const pooled = applyRoIAlignPlan(flat, plan); // [N·P·P, C]
    return tf.reshape(tf.transpose(tf.reshape(pooled, [n, P, P, C]), [0, 3, 1, 2]), [n, C * P * P]) as tf.Tensor2D;
  });
}
