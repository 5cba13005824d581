import * as tf from '@tensorflow/tfjs-core';
import { type Box, boxToXywh, type CocoResult, type NetworkRunner, type RgbImage } from '@hrnetjs/core';
import { normalizationTable, normalizeCrops } from '../crop.js';
import { COCO_DATASET } from '../datasets.js';
import { type PoseImageInput, toRgbImage } from '../image-input.js';
import { getFinalPreds } from './final-preds.js';
import { type GroupedPerson, type ParserParams, parseHeatmaps } from './group.js';
import { type HigherTestConfig, checkTestConfig } from './higher-config.js';
import { type Aggregate, aggregateResults, getMultiStageOutputs, type NetworkPasses } from './inference.js';
import type { HigherHRNetModel } from './pose-higher-hrnet.js';
import { getMultiScaleSize, resizeAlignMultiScale } from './transforms.js';

/** lib/dataset/transforms/build.py FLIP_CONFIG. */
export const HIGHER_FLIP_INDEX: Readonly<Record<'COCO' | 'CROWDPOSE', readonly number[]>> = {
  COCO: [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15],
  CROWDPOSE: [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 12, 13],
};

/** CrowdPose joint names (the official lib/dataset/__init__.py order). */
const CROWDPOSE_KEYPOINTS = [
  'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip',
  'left_knee', 'right_knee', 'left_ankle', 'right_ankle', 'head', 'neck',
];

/** One keypoint in image pixels: `score` is the aggregated heatmap value; `tag` its embedding (0s for refined joints). */
export interface BottomUpKeypoint {
  name: string;
  x: number;
  y: number;
  score: number;
  tag: number[];
}

/** One person found by grouping; `score` is the official one (mean joint score before refine). */
export interface BottomUpPose {
  score: number;
  keypoints: BottomUpKeypoint[];
  /** min/max of the keypoints (the official COCO results' `bbox`), in the one Box shape of HRNet.js. */
  box: Box;
}

/** Options of {@link createBottomUpEstimator}: any official test setting, plus the flip index and names. */
export interface BottomUpEstimatorOptions extends Partial<HigherTestConfig> {
  /** Joint i of a mirrored image is joint flipIndex[i]; default from `dataset` (COCO, CrowdPose). */
  flipIndex?: readonly number[];
  keypointNames?: readonly string[];
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  /**
   * Runs the network instead of TF.js (e.g. `onnxRunner(session)` over `model.toOnnx()`, or
   * `createEngineRunner` of `@hrnetjs/core/node`): per scale, the image and its mirror go through
   * one call as a batch of two; it must give every `output_{i}`.
   */
  network?: NetworkRunner;
}

/** Per-call overrides of {@link BottomUpPoseEstimator.estimatePoses}. */
export interface EstimateBottomUpOptions {
  flipTest?: boolean;
  scaleFactor?: number[];
}

/** The aggregated maps of one image and the affine frame they live in (for inspection and tests). */
export interface BottomUpMaps {
  /** [J, H, W] heatmaps, official layout. */
  det: Float32Array;
  /** [J or 1, H, W, L] tags. */
  tag: Float32Array;
  height: number;
  width: number;
  tagDim: number;
  tagMaps: number;
  center: [number, number];
  scale: [number, number];
  /** Network input size [w, h] at each scale, largest first. */
  inputSizes: Array<[number, number]>;
}

function defaultFlipIndex(dataset: string, joints: number): readonly number[] | null {
  const index = dataset.includes('coco') ? HIGHER_FLIP_INDEX.COCO : dataset.includes('crowd_pose') ? HIGHER_FLIP_INDEX.CROWDPOSE : null;
  return index && index.length === joints ? index : null;
}

function defaultNames(dataset: string, joints: number): string[] {
  if (joints === 17 && dataset.includes('coco')) return [...COCO_DATASET.keypoints];
  if (joints === 14 && dataset.includes('crowd_pose')) return [...CROWDPOSE_KEYPOINTS];
  return Array.from({ length: joints }, (_, j) => `joint_${j}`);
}

/**
 * The official HigherHRNet bottom-up test (tools/valid.py): per scale (largest first) resize-align,
 * ImageNet normalisation, network (+ mirrored pass), heatmap / tag aggregation; then
 * HeatmapParser grouping and get_final_preds back to image pixels.
 */
export class BottomUpPoseEstimator {
  readonly test: HigherTestConfig;
  readonly flipIndex: readonly number[] | null;
  readonly keypointNames: readonly string[];
  private readonly tables: Float32Array[];
  private readonly network?: NetworkRunner;

  constructor(
    readonly model: HigherHRNetModel,
    options: BottomUpEstimatorOptions = {},
  ) {
    const { flipIndex, keypointNames, mean, std, network, ...testOverrides } = options;
    this.network = network;
    const given = Object.fromEntries(Object.entries(testOverrides).filter(([, v]) => v !== undefined));
    this.test = checkTestConfig({ ...model.config.test, ...given });
    const J = model.config.higher.numJoints;
    this.flipIndex = flipIndex ?? defaultFlipIndex(this.test.dataset, J);
    if (this.flipIndex && (this.flipIndex.length !== J || [...this.flipIndex].sort((a, b) => a - b).some((v, i) => v !== i))) {
      throw new Error(`flipIndex must be a permutation of 0..${J - 1} (one entry per joint), got [${this.flipIndex.join(', ')}]`);
    }
    this.keypointNames = keypointNames ?? defaultNames(this.test.dataset, J);
    if (this.keypointNames.length !== J) throw new Error(`keypointNames has ${this.keypointNames.length} names; the model has ${J} joints`);
    const input = model.config.input;
    this.tables = normalizationTable(mean ?? input.mean ?? [0.485, 0.456, 0.406], std ?? input.std ?? [0.229, 0.224, 0.225]);
  }

  /** Parser settings from the test config. */
  get parserParams(): ParserParams {
    const t = this.test;
    return {
      numJoints: this.model.config.higher.numJoints,
      maxNumPeople: t.maxNumPeople,
      detectionThreshold: t.detectionThreshold,
      tagThreshold: t.tagThreshold,
      useDetectionVal: t.useDetectionVal,
      ignoreTooMuch: t.ignoreTooMuch,
      tagPerJoint: this.model.config.higher.tagPerJoint,
      nmsKernel: t.nmsKernel,
      nmsPadding: t.nmsPadding,
    };
  }

  /** Final heatmaps and tags of one image, as valid.py hands them to the parser. */
  async inferMaps(image: PoseImageInput, options: EstimateBottomUpOptions = {}): Promise<BottomUpMaps> {
    const rgb: RgbImage = await toRgbImage(image);
    const flipTest = options.flipTest ?? this.test.flipTest;
    const scales = options.scaleFactor ?? this.test.scaleFactor;
    const test = checkTestConfig({ ...this.test, flipTest, scaleFactor: scales });
    if (flipTest && !this.flipIndex) {
      throw new Error(`the flip test needs a flip index: dataset '${test.dataset}' has none for ${this.model.config.higher.numJoints} joints; pass flipIndex`);
    }
    const minScale = Math.min(...scales);
    const base = getMultiScaleSize(rgb.width, rgb.height, test.inputSize, 1.0, minScale);
    let frame = { center: base.center, scale: base.scale };
    const inputSizes: Array<[number, number]> = [];
    let state: Aggregate = { finalHeatmaps: null, tagsList: [] };
    let det: tf.Tensor;
    let tag: tf.Tensor;
    try {
      for (const s of [...scales].sort((a, b) => b - a)) {
        const { size } = getMultiScaleSize(rgb.width, rgb.height, test.inputSize, s, minScale);
        if (size[0] % 32 || size[1] % 32) {
          throw new Error(
            `scale ${s} gives a ${size[0]}×${size[1]} input; HigherHRNet needs multiples of 32 (its fuse layers upsample ×2, ×4, ×8): ` +
              'choose scales whose sizes ceil64(min_scale·INPUT_SIZE)·s/min_scale are multiples of 32',
          );
        }
        const resized = resizeAlignMultiScale(rgb, test.inputSize, s, minScale);
        frame = { center: resized.center, scale: resized.scale };
        inputSizes.push(resized.size);
        const [w, h] = resized.size;
        const x = tf.tensor4d(normalizeCrops([resized.image], this.tables), [1, h, w, 3]);
        let passes: NetworkPasses | null = null;
        try {
          passes = await this.runNetwork(x, flipTest);
          const stage = passes;
          const previous = state;
          const next = tf.tidy(() => {
            const outputs = getMultiStageOutputs(stage, this.model.config, test, flipTest ? this.flipIndex : null, test.project2image ? base.size : null);
            const merged = aggregateResults(test, s, previous, outputs, flipTest);
            return { heatmaps: merged.finalHeatmaps ? [merged.finalHeatmaps] : [], tags: merged.tagsList };
          });
          state = { finalHeatmaps: next.heatmaps[0] ?? null, tagsList: next.tags };
          const kept = new Set<tf.Tensor>([...next.heatmaps, ...next.tags]);
          tf.dispose([previous.finalHeatmaps, ...previous.tagsList].filter((t): t is tf.Tensor4D => t !== null && !kept.has(t)));
        } finally {
          x.dispose();
          if (passes) tf.dispose([...passes.plain, ...(passes.flipped ?? [])]);
        }
      }
      if (!state.finalHeatmaps || !state.tagsList.length) throw new Error('no heatmaps or tags were produced: check TEST.WITH_HEATMAPS / TEST.WITH_AE');
      const { finalHeatmaps, tagsList } = state;
      [det, tag] = tf.tidy(() => {
        const final = tf.div(finalHeatmaps, scales.length);
        const tags = tf.stack(tagsList, 4) as tf.Tensor5D;
        return [tf.transpose(tf.squeeze(final, [0]), [2, 0, 1]), tf.transpose(tf.squeeze(tags, [0]), [2, 0, 1, 3])];
      });
    } finally {
      tf.dispose([state.finalHeatmaps, ...state.tagsList].filter((t): t is tf.Tensor4D => t !== null));
    }
    const [tagMaps, height, width, tagDim] = tag.shape;
    const [detValues, tagValues] = await Promise.all([det.data() as Promise<Float32Array>, tag.data() as Promise<Float32Array>]);
    tf.dispose([det, tag]);
    return { det: detValues, tag: tagValues, height, width, tagDim, tagMaps, center: frame.center, scale: frame.scale, inputSizes };
  }

  /**
   * The network's outputs for NHWC `x` [1, h, w, 3] and, with the flip test, its W-mirror: on TF.js
   * two forward passes; through the engine's runner one call on the batch [x, mirror]. The caller
   * disposes them.
   */
  private async runNetwork(x: tf.Tensor4D, flip: boolean): Promise<NetworkPasses> {
    const count = this.model.finalLayers.length;
    if (!this.network) {
      const plain = this.model.predict(x);
      if (!flip) return { plain, flipped: null };
      const mirrored = tf.reverse(x, 2);
      try {
        return { plain, flipped: this.model.predict(mirrored) };
      } finally {
        mirrored.dispose();
      }
    }
    const batch = flip ? tf.tidy(() => tf.concat([x, tf.reverse(x, 2)], 0)) : x;
    let outputs: Record<string, tf.Tensor>;
    try {
      outputs = await this.network(batch);
    } finally {
      if (batch !== x) batch.dispose();
    }
    const names = Array.from({ length: count }, (_, i) => `output_${i}`);
    const all = names.map((n) => outputs[n] as tf.Tensor4D | undefined);
    const returned = new Set<tf.Tensor>(flip ? [] : all.filter((t) => t !== undefined));
    try {
      const missing = names.filter((_, i) => !all[i]);
      if (missing.length) throw new Error(`the network gave no ${missing.join(', ')} (got ${Object.keys(outputs).join(', ')})`);
      const maps = all as tf.Tensor4D[];
      if (!flip) return { plain: maps, flipped: null };
      const item = (t: tf.Tensor4D, i: number) => tf.slice(t, [i, 0, 0, 0], [1, -1, -1, -1]);
      return { plain: maps.map((t) => item(t, 0)), flipped: maps.map((t) => item(t, 1)) };
    } finally {
      // Outputs handed on are the caller's; the rest (whole batches, intermediates) are freed here.
      tf.dispose(Object.values(outputs).filter((t) => !returned.has(t)));
    }
  }

  /** Grouped people in heatmap coordinates and the official scores. */
  group(maps: BottomUpMaps): { people: GroupedPerson[]; scores: number[] } {
    const params = this.parserParams;
    const expected = params.tagPerJoint ? params.numJoints : 1;
    if (maps.tagMaps !== expected) {
      throw new Error(`the tags have ${maps.tagMaps} maps per location; the parser expects ${expected} (TAG_PER_JOINT ${params.tagPerJoint})`);
    }
    return parseHeatmaps(maps, params, { adjust: this.test.adjust, refine: this.test.refine });
  }

  /** Every person in the image, in the official order (grouping order), in image pixels. */
  async estimatePoses(image: PoseImageInput, options: EstimateBottomUpOptions = {}): Promise<BottomUpPose[]> {
    return this.posesFromMaps(await this.inferMaps(image, options));
  }

  /** Grouping and back-projection of maps from {@link inferMaps}. */
  posesFromMaps(maps: BottomUpMaps): BottomUpPose[] {
    const { people, scores } = this.group(maps);
    const final = getFinalPreds(people, maps.center, maps.scale, [maps.width, maps.height]);
    return final.map((person, i) => {
      const keypoints = person.map((joint, j) => ({
        name: this.keypointNames[j],
        x: joint[0],
        y: joint[1],
        score: joint[2],
        tag: Array.from(joint.subarray(3)),
      }));
      const xs = keypoints.map((k) => k.x);
      const ys = keypoints.map((k) => k.y);
      const x0 = Math.min(...xs);
      const y0 = Math.min(...ys);
      return { score: scores[i], keypoints, box: { xmin: x0, ymin: y0, xmax: Math.max(...xs), ymax: Math.max(...ys) } };
    });
  }
}

/** `createBottomUpEstimator(model, options).estimatePoses(image)`: the official HigherHRNet test. */
export function createBottomUpEstimator(model: HigherHRNetModel, options: BottomUpEstimatorOptions = {}): BottomUpPoseEstimator {
  return new BottomUpPoseEstimator(model, options);
}

/**
 * COCO keypoint results of one image as COCODataset.evaluate writes them (every person kept, no
 * rescoring or NMS): `keypoints` [x, y, score]·J, the person score, `bbox` from the keypoints.
 */
export function bottomUpCocoResults(poses: readonly BottomUpPose[], imageId: number, categoryId = 1): CocoResult[] {
  return poses.map((p) => {
    const keypoints = p.keypoints.flatMap((k) => [k.x, k.y, k.score]);
    // The official bbox takes min/max over the (x, y, score) columns: x and y as above.
    return { image_id: imageId, category_id: categoryId, keypoints, score: p.score, bbox: boxToXywh(p.box) };
  });
}
