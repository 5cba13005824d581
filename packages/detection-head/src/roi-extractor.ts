import { type FeatureMap, roiAlign } from './roi-align.js';

const f32 = Math.fround;

/** mmdet `SingleRoIExtractor` settings (RoIAlign layer + level mapping). */
export interface RoIExtractorConfig {
  outputSize: number;
  samplingRatio: number;
  aligned: boolean;
  outChannels: number;
  /** Strides of the levels RoIs are pooled from (4 levels in Faster R-CNN: [4, 8, 16, 32]). */
  featmapStrides: number[];
  /** RoIs of scale ≈ finestScale go to level 0 (56 in mmdet). */
  finestScale: number;
}

/**
 * mmdet `SingleRoIExtractor.map_roi_levels` (FPN level rule): scale = √(w·h),
 * level = ⌊log2(scale / finestScale + 1e-6)⌋ clamped to [0, numLevels − 1], in float32.
 */
export function mapRoiLevels(rois: Float32Array, numLevels: number, finestScale = 56): Int32Array {
  const n = rois.length / 4;
  const levels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const scale = f32(Math.sqrt(f32(f32(rois[4 * i + 2] - rois[4 * i]) * f32(rois[4 * i + 3] - rois[4 * i + 1]))));
    const level = Math.floor(f32(Math.log2(f32(f32(scale / finestScale) + 1e-6))));
    levels[i] = Math.min(Math.max(level, 0), numLevels - 1);
  }
  return levels;
}

/**
 * mmdet `SingleRoIExtractor.forward` for one image: each RoI is pooled by RoIAlign from its mapped
 * level. `features` are the first `featmapStrides.length` neck levels. Returns [N, C·P·P] flat,
 * channel-major per RoI (PyTorch's `flatten(1)` of [N, C, P, P]).
 */
export function extractRoiFeatures(features: FeatureMap[], rois: Float32Array, config: RoIExtractorConfig): Float32Array {
  const numLevels = config.featmapStrides.length;
  if (features.length < numLevels) throw new Error(`RoI extractor needs ${numLevels} feature levels, got ${features.length}`);
  const { outChannels: C, outputSize: P } = config;
  for (const f of features.slice(0, numLevels)) {
    if (f.channels !== C) throw new Error(`RoI extractor: out_channels is ${C} but a feature level has ${f.channels} channels`);
  }
  const n = rois.length / 4;
  const per = C * P * P;
  const out = new Float32Array(n * per);
  const levels = mapRoiLevels(rois, numLevels, config.finestScale);
  for (let level = 0; level < numLevels; level++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (levels[i] === level) members.push(i);
    if (members.length === 0) continue;
    const subset = new Float32Array(members.length * 4);
    members.forEach((i, k) => subset.set(rois.subarray(4 * i, 4 * i + 4), 4 * k));
    const pooled = roiAlign(features[level], subset, {
      outputSize: P,
      spatialScale: 1 / config.featmapStrides[level],
      samplingRatio: config.samplingRatio,
      aligned: config.aligned,
    });
    members.forEach((i, k) => out.set(pooled.subarray(k * per, (k + 1) * per), i * per));
  }
  return out;
}
