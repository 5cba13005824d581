import * as tf from '@tensorflow/tfjs-core';
import type { NetworkRunner } from '@hrnetjs/core';
import { type CenterScale, type PersonBox, checkBox, scaleArea, xywh2cs } from './center-scale.js';
import { cropPerson, normalizationTable, normalizeCrops } from './crop.js';
import { inferHeatmaps, inferHeatmapsWith } from './flip-test.js';
import { type PoseImageInput, toRgbImage } from './image-input.js';
import { getFinalPreds } from './inference.js';
import { oksNms, rescorePoses } from './oks-nms.js';
import type { PoseModel } from './pose-model.js';
import { type PoseSettings, poseSettingsFromConfig } from './pose-settings.js';

/** One keypoint in image pixels; `score` is the heatmap maximum (official `maxvals`). */
export interface Keypoint {
  name: string;
  x: number;
  y: number;
  score: number;
}

/** One person: the box it was estimated in, its keypoints and the official COCO score. */
export interface Pose {
  box: PersonBox;
  /** Box score × mean of the keypoint scores above IN_VIS_THRE (official rescoring). */
  score: number;
  keypoints: Keypoint[];
  /** The crop's center and scale (official `_xywh2cs`, scale in units of 200 px). */
  center: [number, number];
  scale: [number, number];
  /** (scale_w·200)·(scale_h·200): the area OKS-NMS uses. */
  area: number;
}

/**
 * Construction options: override any setting the model config gives (see {@link PoseSettings}), and
 * optionally the engine that runs the network.
 */
export type PoseEstimatorOptions = Partial<PoseSettings> & {
  /**
   * Runs the network instead of TF.js (e.g. `onnxRunner(session)` over `model.toOnnx()`); then all
   * crops of an image (and their mirrored copies) go through one call unless `batchSize` is given.
   */
  network?: NetworkRunner;
};

/** Per-call options of {@link TopDownPoseEstimator.estimatePoses}. */
export interface EstimatePosesOptions {
  /** Person boxes in image pixels; default: the whole image as one box. */
  boxes?: readonly PersonBox[];
  flipTest?: boolean;
  shiftHeatmap?: boolean;
  postProcess?: boolean;
  /** Crops per network call (default 8; with the flip test each call also runs the mirrored crops). */
  batchSize?: number;
  /**
   * Multi-person path for detector boxes: drop boxes scoring below IMAGE_THRE, then OKS-NMS at
   * OKS_THRE; poses come back best first. Without it: one pose per box, in input order.
   */
  nms?: boolean;
}

/**
 * The official top-down pose pipeline (deep-high-resolution-net `validate` + `get_final_preds`):
 * box → center/scale, OpenCV-exact affine crop, ImageNet normalisation, batched network, flip test,
 * quarter-offset decoding and back-projection to image pixels.
 */
export class TopDownPoseEstimator {
  readonly settings: PoseSettings;
  private readonly tables: Float32Array[];
  private readonly flipPairsKnown: boolean;
  private readonly network?: NetworkRunner;

  constructor(
    readonly model: PoseModel,
    options: PoseEstimatorOptions = {},
  ) {
    const fromConfig = poseSettingsFromConfig(model.config);
    // An option given as undefined keeps the config's value.
    const { network, ...settings } = options;
    this.network = network;
    const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    this.settings = { ...fromConfig, ...given };
    const numJoints = model.config.head.type === 'pose' ? model.config.head.numJoints : 0;
    const { dataset } = this.settings;
    if (dataset.keypoints.length !== numJoints) {
      throw new Error(`dataset '${dataset.name}' has ${dataset.keypoints.length} keypoints but the model outputs ${numJoints} heatmaps`);
    }
    this.flipPairsKnown = options.dataset !== undefined || fromConfig.dataset.flipPairs.length > 0;
    this.tables = normalizationTable(this.settings.mean, this.settings.std);
  }

  /** Estimates one pose per box (or, with `nms`, the OKS-NMS survivors) in image pixels. */
  async estimatePoses(image: PoseImageInput, options: EstimatePosesOptions = {}): Promise<Pose[]> {
    const flipTest = options.flipTest ?? this.settings.flipTest;
    if (flipTest && !this.flipPairsKnown) {
      throw new Error(
        `the flip test needs the left/right flip pairs of this ${this.settings.dataset.keypoints.length}-joint model: ` +
          'pass a dataset with flipPairs to the estimator, or set flipTest: false',
      );
    }
    const batchSize = options.batchSize ?? (this.network ? Number.MAX_SAFE_INTEGER : 8);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const rgb = await toRgbImage(image);
    let boxes = options.boxes ?? [{ x: 0, y: 0, width: rgb.width, height: rgb.height }];
    if (!Array.isArray(boxes)) throw new Error('boxes must be an array of {x, y, width, height[, score]}');
    boxes.forEach((b, i) => checkBox(b, `boxes[${i}]`));
    if (options.nms) boxes = boxes.filter((b) => (b.score ?? 1) >= this.settings.imageThre);

    const [inW, inH] = this.settings.inputSize;
    const encoded = boxes.map((b) => xywh2cs(b, inW / inH));
    const poses: Pose[] = [];
    for (let start = 0; start < boxes.length; start += batchSize) {
      const chunk = encoded.slice(start, start + batchSize);
      const crops = chunk.map((cs) => cropPerson(rgb, cs, this.settings.inputSize));
      const input = tf.tensor4d(normalizeCrops(crops, this.tables), [chunk.length, inH, inW, 3]);
      let heatmaps: tf.Tensor4D | undefined;
      let nchw: tf.Tensor4D | undefined;
      try {
        const inferenceOptions = {
          flipTest,
          shiftHeatmap: options.shiftHeatmap ?? this.settings.shiftHeatmap,
          flipPairs: this.settings.dataset.flipPairs,
        };
        heatmaps = this.network
          ? await inferHeatmapsWith(this.network, input, inferenceOptions)
          : inferHeatmaps(this.model, input, inferenceOptions);
        nchw = tf.transpose(heatmaps, [0, 3, 1, 2]);
        const data = (await nchw.data()) as Float32Array;
        const shape = nchw.shape as [number, number, number, number];
        const preds = getFinalPreds({ data, shape }, chunk, options.postProcess ?? this.settings.postProcess);
        chunk.forEach((cs, n) => poses.push(this.toPose(boxes[start + n], cs, preds.coords, preds.maxvals, n)));
      } finally {
        tf.dispose([input, heatmaps, nchw].filter((t) => t !== undefined) as tf.Tensor[]);
      }
    }
    rescorePoses(poses, this.settings.inVisThre).forEach((s, i) => (poses[i].score = s));
    if (!options.nms) return poses;
    return oksNms(poses, this.settings.oksThre, this.settings.dataset.sigmas).map((i) => poses[i]);
  }

  private toPose(box: PersonBox, cs: CenterScale, coords: Float32Array, maxvals: Float32Array, n: number): Pose {
    const names = this.settings.dataset.keypoints;
    const keypoints = names.map((name, j) => {
      const k = n * names.length + j;
      return { name, x: coords[k * 2], y: coords[k * 2 + 1], score: maxvals[k] };
    });
    const { x, y, width, height, score } = box;
    return {
      box: score === undefined ? { x, y, width, height } : { x, y, width, height, score },
      score: 0,
      keypoints,
      center: cs.center,
      scale: cs.scale,
      area: scaleArea(cs.scale),
    };
  }
}

/** TF.js pose-detection style factory: `const estimator = createPoseEstimator(model)`. */
export function createPoseEstimator(model: PoseModel, options?: PoseEstimatorOptions): TopDownPoseEstimator {
  return new TopDownPoseEstimator(model, options);
}
